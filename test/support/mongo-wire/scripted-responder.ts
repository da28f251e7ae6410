import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { BSON, type Document } from 'mongodb';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { cursorReply, errorReply, ServerErrors, writeReply } from './replies.ts';
import {
  type DecodedRequest,
  decodeRequest,
  encodeReply,
  MORE_TO_COME,
  messageLength,
} from './wire-codec.ts';

/** What the handshake says the responder is. */
export const ResponderRole = {
  /** A replica-set primary: sessions and retryable writes are on, as on Atlas. */
  Primary: 'primary',
  /** A standalone server: sessions on, retryable writes off. */
  Standalone: 'standalone',
} as const;
/** One of {@link ResponderRole}. */
export type ResponderRole = (typeof ResponderRole)[keyof typeof ResponderRole];

/** A command the responder received, in arrival order. */
export interface ReceivedCommand {
  /** The command name: the body's first key (`find`, `update`, `hello`, …). */
  readonly name: string;
  /** The collection the command names (`body[name]` when a string). */
  readonly collection: string | undefined;
  readonly db: string;
  /** The body, kind-1 document sequences folded in under their identifier (`updates`, `documents`). */
  readonly body: Document;
  /** Which TCP connection carried it (1, 2, …): a new number after a drop means the driver reconnected. */
  readonly connection: number;
}

/** What the responder does with one scripted command. */
export interface Step {
  /** The reply, or a function of the command. @default the responder's default reply */
  readonly reply?: Document | ((command: ReceivedCommand) => Document);
  /** Milliseconds to wait before replying or dropping (a slow server, for socket timeouts). */
  readonly delayMs?: number;
  /** Close the connection instead of replying (a network failure, a node going away). */
  readonly drop?: boolean;
  /** Close the connection right after replying (the node went away between two operations). */
  readonly closeAfterReply?: boolean;
}

/** Which commands a step applies to. */
export interface Match {
  readonly command: string;
  /** Only commands naming this collection. @default any */
  readonly collection?: string;
  /** Only commands this says yes to (e.g. an `update` touching one asset's documents). @default any */
  readonly where?: (command: ReceivedCommand) => boolean;
}

interface Scripted {
  readonly match: Match;
  readonly step: Step;
  remaining: number;
}

/** Handshake fields of every role (https://www.mongodb.com/docs/manual/reference/command/hello/#output). */
const HANDSHAKE_LIMITS = {
  maxBsonObjectSize: 16 * 1024 * 1024,
  maxMessageSizeBytes: 48_000_000,
  maxWriteBatchSize: 100_000,
  logicalSessionTimeoutMinutes: 30,
  minWireVersion: 0,
  /** MongoDB 8.0; the driver (7.x) accepts 9 to 29. */
  maxWireVersion: 25,
  readOnly: false,
} as const;

const HELLO_COMMANDS: ReadonlySet<string> = new Set(['hello', 'isMaster', 'ismaster']);

/**
 * A scripted responder that speaks the MongoDB wire protocol on
 * 127.0.0.1 (a free port), for driving the real `mongodb` driver in tests
 * without a server. It is NOT MongoDB: it has no storage and no query engine;
 * every reply is canned, either from the script of a test or a default, and
 * shaped as the server documents it (see `replies.ts` for the shapes and their
 * sources).
 *
 * It answers the handshake itself (`isMaster` over OP_QUERY on a fresh
 * connection, then `hello` over OP_MSG from the driver's monitor) as a
 * {@link ResponderRole}, and `ping`, `endSessions`, `killCursors`. Every other
 * command takes the first scripted {@link Step} that matches it (steps are used
 * up in the order they were scripted), else a default reply: an empty cursor
 * for `find`/`aggregate`/`getMore`, only the `_id` index for `listIndexes`,
 * every statement applied for
 * `update`/`insert`/`delete`, no values for `distinct`, AuthenticationFailed
 * for `saslStart` (no SCRAM here), `{ ok: 1 }` for `createIndexes`, and
 * CommandNotFound for the rest.
 *
 * Every command is recorded in {@link received} (handshakes included).
 *
 * @example
 * const responder = await ScriptedResponder.start();
 * responder.script({ command: 'update' }, { drop: true }, 2);
 * const client = new MongoClient(`${responder.uri}/?directConnection=true`);
 * // … use the client …
 * expect(responder.commands('update')).toHaveLength(2);
 * await client.close();
 * await responder.close();
 */
export class ScriptedResponder {
  /** Every command received, in order. */
  readonly received: ReceivedCommand[] = [];

  readonly #server: Server;
  readonly #role: ResponderRole;
  readonly #sockets = new Set<Socket>();
  readonly #scripts: Scripted[] = [];
  readonly #electionId = new BSON.ObjectId();
  #connections = 0;

  private constructor(server: Server, role: ResponderRole) {
    this.#server = server;
    this.#role = role;
  }

  /**
   * Listens on 127.0.0.1 on a free port.
   *
   * @param options - the handshake role @default primary
   */
  static async start(options: { readonly role?: ResponderRole } = {}): Promise<ScriptedResponder> {
    const responder = ScriptedResponder.#create(options.role);
    await responder.#listen();
    return responder;
  }

  /**
   * One primary responder for a whole test file: listening before its first test, reset before
   * each (then `prepare`d, e.g. with the documents it serves) and closed after the last.
   *
   * @example
   * const responder = ScriptedResponder.forSuite((r) => serveDocuments(r, DOCUMENTS));
   */
  static forSuite(prepare?: (responder: ScriptedResponder) => void): ScriptedResponder {
    const responder = ScriptedResponder.#create();
    beforeAll(() => responder.#listen());
    afterAll(() => responder.close());
    beforeEach(() => {
      responder.reset();
      prepare?.(responder);
    });
    return responder;
  }

  static #create(role: ResponderRole = ResponderRole.Primary): ScriptedResponder {
    const server = createServer();
    const responder = new ScriptedResponder(server, role);
    server.on('connection', (socket) => responder.#accept(socket));
    return responder;
  }

  #listen(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
  }

  /** `host:port` the responder listens on (what the handshake reports as `me`). */
  get address(): string {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the responder is not listening');
    return `127.0.0.1:${address.port}`;
  }

  /** `mongodb://127.0.0.1:<port>`; add `/?directConnection=true` and timeouts. */
  get uri(): string {
    return `mongodb://${this.address}`;
  }

  /**
   * Queues a step for the next `times` commands that match (after any steps
   * queued before it for the same commands).
   *
   * @example
   * responder.script({ command: 'find', collection: 'risk_scores' }, { reply: cursorReply(ns, docs) });
   */
  script(match: Match, step: Step, times = 1): this {
    this.#scripts.push({ match, step, remaining: times });
    return this;
  }

  /** Received commands named `name` (and naming `collection`, when given). */
  commands(name: string, collection?: string): ReceivedCommand[] {
    return this.received.filter(
      (c) => c.name === name && (collection === undefined || c.collection === collection),
    );
  }

  /** Steps scripted but never used: a test that expects its script to be consumed checks this is empty. */
  unusedSteps(): Match[] {
    return this.#scripts.filter((s) => s.remaining > 0).map((s) => s.match);
  }

  /** Forgets the script and the recording (between tests sharing one responder). */
  reset(): void {
    this.#scripts.length = 0;
    this.received.length = 0;
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve, reject) => this.#server.close((e) => (e ? reject(e) : resolve())));
  }

  #accept(socket: Socket): void {
    const connection = ++this.#connections;
    this.#sockets.add(socket);
    socket.setNoDelay(true);
    let pending = Buffer.alloc(0);
    // One request at a time per connection, as the driver sends them; a delayed reply delays the next.
    let queue = Promise.resolve();
    socket.on('data', (data) => {
      pending = Buffer.concat([pending, data]);
      for (let length = messageLength(pending); length !== undefined; length = messageLength(pending)) {
        const frame = pending.subarray(0, length);
        pending = pending.subarray(length);
        queue = queue.then(() => this.#handle(socket, frame, connection));
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#sockets.delete(socket));
  }

  async #handle(socket: Socket, frame: Buffer, connection: number): Promise<void> {
    // A request arriving after the responder closed its side never reached a server: not recorded.
    if (socket.destroyed || socket.writableEnded) {
      socket.destroy();
      return;
    }
    let request: DecodedRequest;
    try {
      request = decodeRequest(frame);
    } catch {
      socket.destroy();
      return;
    }
    const name = Object.keys(request.body)[0] ?? '';
    const target = request.body[name];
    const command: ReceivedCommand = {
      name,
      collection: typeof target === 'string' ? target : undefined,
      db: request.db,
      body: request.body,
      connection,
    };
    this.received.push(command);
    const step = HELLO_COMMANDS.has(name) ? { reply: this.#hello(command, connection) } : this.#next(command);
    if (step.delayMs) await sleep(step.delayMs);
    if (socket.destroyed) return;
    if (step.drop) {
      socket.destroy();
      return;
    }
    if (request.flags & MORE_TO_COME) return;
    const reply =
      typeof step.reply === 'function' ? step.reply(command) : (step.reply ?? defaultReply(command));
    socket.write(encodeReply(request, reply));
    if (step.closeAfterReply) socket.end();
  }

  #next(command: ReceivedCommand): Step {
    const scripted = this.#scripts.find(
      (s) =>
        s.remaining > 0 &&
        s.match.command === command.name &&
        (s.match.collection === undefined || s.match.collection === command.collection) &&
        (s.match.where === undefined || s.match.where(command)),
    );
    if (scripted === undefined) return {};
    scripted.remaining--;
    return scripted.step;
  }

  /** The `hello`/`isMaster` reply of the role; no `topologyVersion`, so the driver's monitor polls. */
  #hello(command: ReceivedCommand, connection: number): Document {
    const primary = this.#role === ResponderRole.Primary;
    return {
      helloOk: true,
      [command.name === 'hello' ? 'isWritablePrimary' : 'ismaster']: true,
      ...(primary
        ? {
            setName: 'rs0',
            setVersion: 1,
            electionId: this.#electionId,
            hosts: [this.address],
            primary: this.address,
            me: this.address,
            secondary: false,
          }
        : {}),
      ...HANDSHAKE_LIMITS,
      ...(typeof command.body.saslSupportedMechs === 'string'
        ? { saslSupportedMechs: ['SCRAM-SHA-256'] }
        : {}),
      localTime: new Date(),
      connectionId: connection,
      ok: 1,
    };
  }
}

/** The reply to an unscripted command; see {@link ScriptedResponder}. */
function defaultReply(command: ReceivedCommand): Document {
  const ns = `${command.db}.${command.collection ?? ''}`;
  switch (command.name) {
    case 'ping':
    case 'endSessions':
    case 'createIndexes':
      return { ok: 1 };
    case 'killCursors':
      return { cursorsKilled: command.body.cursors ?? [], cursorsNotFound: [], cursorsAlive: [], ok: 1 };
    case 'find':
    case 'aggregate':
      return cursorReply(ns, []);
    case 'listIndexes':
      return cursorReply(ns, [{ v: 2, key: { _id: 1 }, name: '_id_' }]);
    case 'getMore':
      return cursorReply(`${command.db}.${String(command.body.collection)}`, [], { batch: 'nextBatch' });
    case 'update':
      return writeReply(statements(command.body.updates));
    case 'insert':
      return writeReply(statements(command.body.documents));
    case 'delete':
      return writeReply(statements(command.body.deletes));
    case 'distinct':
      return { values: [], ok: 1 };
    case 'saslStart':
    case 'saslContinue':
      return errorReply(ServerErrors.AuthenticationFailed);
    default:
      return errorReply({
        code: 59,
        codeName: 'CommandNotFound',
        errmsg: `no such command: '${command.name}'`,
      });
  }
}

function statements(list: unknown): number {
  return Array.isArray(list) ? list.length : 0;
}
