import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TextSink } from '../../lambdas/cli/detect/text-sink.ts';

/** A stream that keeps every write it receives, as bytes. */
function recorder(): { stream: Writable; writes: Buffer[] } {
  const writes: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, writes };
}

describe('TextSink', () => {
  it('writes text and UTF-8 bytes in the order pushed, small pieces together in one write', async () => {
    const { stream, writes } = recorder();
    const sink = new TextSink(stream);
    const bytes = new TextEncoder().encode('ä😀,');
    await sink.push('{"a":[');
    await sink.push(bytes);
    await sink.push('"é"');
    await sink.push(bytes);
    await sink.push(']}\n');
    expect(writes).toHaveLength(0);
    await sink.close();
    expect(writes).toHaveLength(1);
    expect(Buffer.concat(writes).toString('utf8')).toBe('{"a":[ä😀,"é"ä😀,]}\n');
    expect(Array.from(bytes)).toEqual(Array.from(new TextEncoder().encode('ä😀,')));
  });

  it('writes once about 1 MiB has gathered, and nothing for an empty sink', async () => {
    const { stream, writes } = recorder();
    const sink = new TextSink(stream);
    await sink.close();
    expect(writes).toHaveLength(0);
    const piece = new Uint8Array(30_000).fill(0x61);
    for (let i = 0; i < 35; i++) await sink.push(piece);
    expect(writes.map((w) => w.length)).toEqual([1_050_000]);
    await sink.push('b');
    await sink.close();
    expect(writes.map((w) => w.length)).toEqual([1_050_000, 1]);
  });

  it('writes byte pieces of 64 KiB or more as they are, joining only what lies between them', async () => {
    const { stream, writes } = recorder();
    const sink = new TextSink(stream);
    const large = new Uint8Array(300_000).fill(0x61);
    await sink.push('[');
    await sink.push(new Uint8Array(10).fill(0x62));
    for (let i = 0; i < 3; i++) await sink.push(large);
    await sink.push(']');
    await sink.push(large);
    expect(writes.map((w) => w.length)).toEqual([11, 300_000, 300_000, 300_000, 1, 300_000]);
    expect(Buffer.concat(writes).toString('latin1')).toBe(
      `[${'b'.repeat(10)}${'a'.repeat(900_000)}]${'a'.repeat(300_000)}`,
    );
  });
});
