import { BSON, type Document } from 'mongodb';

/**
 * Opcodes of the MongoDB wire protocol this codec reads and writes
 * (https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/#opcodes).
 */
export const OpCode = {
  /** Reply to an `OP_QUERY`. */
  Reply: 1,
  /** Legacy query: the driver's first `isMaster` of each connection (no wire version is known yet). */
  Query: 2004,
  /** Every command once the handshake says the wire version is 6 or later. */
  Msg: 2013,
} as const;
/** One of {@link OpCode}. */
export type OpCode = (typeof OpCode)[keyof typeof OpCode];

/** Bytes of the standard message header: messageLength, requestID, responseTo, opCode (int32 each). */
const HEADER_BYTES = 16;
/** OP_MSG `flagBits`: a CRC-32C checksum follows the sections. */
const CHECKSUM_PRESENT = 1 << 0;
/** OP_MSG `flagBits`: the sender expects no reply (unacknowledged writes, `w: 0`). */
export const MORE_TO_COME = 1 << 1;

/** A command as the server sees it: kind-1 document sequences are folded into the body under their identifier. */
export interface DecodedRequest {
  readonly requestId: number;
  readonly opCode: typeof OpCode.Query | typeof OpCode.Msg;
  /** OP_MSG `flagBits` (0 for OP_QUERY). */
  readonly flags: number;
  /** Database the command runs in (`$db`, or the `<db>.$cmd` of an OP_QUERY). */
  readonly db: string;
  readonly body: Document;
}

/**
 * The length of the first complete message in `buffer`, or `undefined` while
 * it is incomplete (a TCP read may split or join messages).
 *
 * @example
 * messageLength(Buffer.from([16, 0, 0, 0])); // undefined: the header is not complete
 */
export function messageLength(buffer: Buffer): number | undefined {
  if (buffer.length < HEADER_BYTES) return undefined;
  const length = buffer.readInt32LE(0);
  return buffer.length >= length ? length : undefined;
}

/**
 * Decodes one request message (header included).
 *
 * OP_MSG: `flagBits`, then sections; kind 0 is the command body (one BSON
 * document), kind 1 is `int32 size, cstring identifier, documents…` (how the
 * driver sends `insert.documents` and `update.updates`), then an optional
 * checksum. OP_QUERY: `flags, cstring fullCollectionName, numberToSkip,
 * numberToReturn, query document`. See
 * https://www.mongodb.com/docs/manual/reference/mongodb-wire-protocol/.
 *
 * @throws `WireProtocolError` for another opcode or a malformed message
 * @example
 * decodeRequest(frame).body.find; // 'risk_scores'
 */
export function decodeRequest(message: Buffer): DecodedRequest {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === OpCode.Query) return decodeQuery(message, requestId);
  if (opCode !== OpCode.Msg) throw new WireProtocolError(`unsupported opcode ${opCode}`);
  const flags = message.readUInt32LE(HEADER_BYTES);
  const end = flags & CHECKSUM_PRESENT ? message.length - 4 : message.length;
  let offset = HEADER_BYTES + 4;
  let body: Document | undefined;
  const sequences: Record<string, Document[]> = {};
  while (offset < end) {
    const kind = message[offset];
    offset += 1;
    if (kind === 0) {
      const size = message.readInt32LE(offset);
      body = BSON.deserialize(message.subarray(offset, offset + size));
      offset += size;
    } else if (kind === 1) {
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      const nameEnd = message.indexOf(0, offset + 4);
      const identifier = message.toString('utf8', offset + 4, nameEnd);
      const documents: Document[] = [];
      for (let at = nameEnd + 1; at < sectionEnd; at += message.readInt32LE(at)) {
        documents.push(BSON.deserialize(message.subarray(at, at + message.readInt32LE(at))));
      }
      sequences[identifier] = documents;
      offset = sectionEnd;
    } else {
      throw new WireProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (body === undefined) throw new WireProtocolError('OP_MSG without a kind-0 section');
  return { requestId, opCode, flags, db: String(body.$db), body: { ...body, ...sequences } };
}

function decodeQuery(message: Buffer, requestId: number): DecodedRequest {
  const nameStart = HEADER_BYTES + 4;
  const nameEnd = message.indexOf(0, nameStart);
  const collection = message.toString('utf8', nameStart, nameEnd);
  const queryStart = nameEnd + 1 + 8; // numberToSkip, numberToReturn
  const body = BSON.deserialize(message.subarray(queryStart, queryStart + message.readInt32LE(queryStart)));
  return { requestId, opCode: OpCode.Query, flags: 0, db: collection.replace(/\.\$cmd$/, ''), body };
}

/**
 * Encodes a reply to `request` in the form the request used: an OP_MSG with
 * one kind-0 section, or an OP_REPLY (`responseFlags 0, cursorID 0,
 * startingFrom 0, numberReturned 1`) to an OP_QUERY.
 *
 * @example
 * socket.write(encodeReply(request, { ok: 1 }));
 */
export function encodeReply(request: DecodedRequest, reply: Document): Buffer {
  const document = Buffer.from(BSON.serialize(reply));
  const prefix =
    request.opCode === OpCode.Msg
      ? Buffer.from([0, 0, 0, 0, 0]) // flagBits 0, section kind 0
      : Buffer.alloc(20); // responseFlags, cursorID (int64), startingFrom, numberReturned
  if (request.opCode === OpCode.Query) prefix.writeInt32LE(1, 16);
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeInt32LE(HEADER_BYTES + prefix.length + document.length, 0);
  header.writeInt32LE(request.requestId ^ 0x40000000, 4);
  header.writeInt32LE(request.requestId, 8);
  header.writeInt32LE(request.opCode === OpCode.Msg ? OpCode.Msg : OpCode.Reply, 12);
  return Buffer.concat([header, prefix, document]);
}

/** A message the codec cannot read; the responder closes that connection. */
export class WireProtocolError extends Error {
  override readonly name = 'WireProtocolError';
}
