import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';

/** How to get `moto_server` where it is missing (what `.ci/run` does). */
export const MOTO_INSTALL_HINT = 'python3 -m pip install "moto[server]>=5,<6" (as .ci/run does)';

/** Only loopback: these tests never talk to anything else. */
const HOST = '127.0.0.1';
const STARTUP_MS = 30_000;

/** A running moto_server: the real SQS API over HTTP on a free loopback port. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** Kills the server and waits for it to exit (idempotent). */
  stop(): Promise<void>;
}

/** Thrown when `moto_server` cannot be found or does not come up. */
export class MotoServerError extends Error {
  override readonly name = 'MotoServerError';
}

/**
 * Why the SQS end-to-end tests cannot run here, or `undefined` when they can:
 * `moto_server` must be an executable on `PATH`.
 *
 * @example
 * describe.skipIf(motoServerMissing())('SQS end to end', () => { ... });
 */
export function motoServerMissing(): string | undefined {
  return findOnPath('moto_server')
    ? undefined
    : `moto_server is not on PATH; install it with ${MOTO_INSTALL_HINT}`;
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * Starts `moto_server` on a free port of 127.0.0.1 and waits until it answers.
 *
 * @returns the endpoint and a `stop()`
 * @throws {@link MotoServerError} when moto_server is missing, exits early or does not answer within 30 s
 *
 * @example
 * const moto = await startMotoServer();
 * const sqs = motoSqsClient(moto.endpoint);
 * await moto.stop();
 */
export async function startMotoServer(): Promise<MotoServer> {
  const missing = motoServerMissing();
  if (missing) throw new MotoServerError(missing);
  // The port is free when picked; another process may take it before moto binds, hence a few attempts.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn('moto_server', ['-H', HOST, '-p', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const server = processHandle(child, `http://${HOST}:${port}`);
    try {
      await waitUntilAnswering(server.endpoint, child);
      return server;
    } catch (e) {
      lastError = e;
      await server.stop();
    }
  }
  throw lastError;
}

/**
 * An SQS client of the real AWS SDK v3 bound to a loopback endpoint, with
 * dummy credentials and region us-east-1.
 *
 * @throws {@link MotoServerError} when the endpoint is not on 127.0.0.1 (never anything else)
 * @example
 * const sqs = motoSqsClient('http://127.0.0.1:5000');
 */
export function motoSqsClient(endpoint: string): SQSClient {
  if (new URL(endpoint).hostname !== HOST) throw new MotoServerError(`not a loopback endpoint: ${endpoint}`);
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function processHandle(child: ChildProcess, endpoint: string): MotoServer {
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    endpoint,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitUntilAnswering(endpoint: string, child: ChildProcess): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2_000);
  });
  const deadline = Date.now() + STARTUP_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new MotoServerError(`moto_server exited with code ${child.exitCode}: ${stderr.trim()}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new MotoServerError(
    `moto_server did not answer on ${endpoint} within ${STARTUP_MS} ms: ${stderr.trim()}`,
  );
}

/** A main queue whose RedrivePolicy moves messages to its dead-letter queue, as the CDK stack creates them. */
export interface QueuePair {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
}

/**
 * Creates a dead-letter queue and a main queue redriving to it after
 * `maxReceiveCount` receives.
 *
 * @param sqs - a client from {@link motoSqsClient}
 * @param name - base name; queues are `<name>` and `<name>-dlq`
 * @param options - visibility timeout in seconds (0 = visible again at once) and maxReceiveCount
 *
 * @example
 * const queues = await createQueuePair(sqs, 'requests', { visibilityTimeout: 1, maxReceiveCount: 3 });
 */
export async function createQueuePair(
  sqs: SQSClient,
  name: string,
  options: { readonly visibilityTimeout: number; readonly maxReceiveCount: number },
): Promise<QueuePair> {
  const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl!;
  const dlqArn = await queueArn(sqs, dlqUrl);
  const created = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeout),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlqArn,
          maxReceiveCount: options.maxReceiveCount,
        }),
      },
    }),
  );
  const queueUrl = created.QueueUrl!;
  return { queueUrl, queueArn: await queueArn(sqs, queueUrl), dlqUrl, dlqArn };
}

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes!.QueueArn!;
}
