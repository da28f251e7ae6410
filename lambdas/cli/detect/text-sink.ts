import type { Writable } from 'node:stream';
import { write } from '../command.ts';

// Large writes keep the per-write overhead low; backpressure is honoured at every flush. Text
// counts in UTF-16 units, bytes in bytes: either way about this much is written at once.
const FLUSH_CHARS = 1 << 20;
// Byte pieces from this size on are written as they are, not copied into a larger write.
const DIRECT_BYTES = 1 << 16;

/**
 * Collects text and writes it to a stream in large pieces, waiting for the
 * stream to drain, so that multi-gigabyte outputs stream in bounded memory.
 *
 * @example
 * const sink = new TextSink(io.stdout);
 * await sink.push('{"a":1}\n');
 * await sink.close();
 */
export class TextSink {
  readonly #stream: Writable;
  #parts: (string | Uint8Array)[] = [];
  #size = 0;

  constructor(stream: Writable) {
    this.#stream = stream;
  }

  /**
   * Adds text, or UTF-8 bytes (written as they are, in order with the text around them); writes
   * out once enough has accumulated, so that many small pieces make few large writes.
   */
  async push(text: string | Uint8Array): Promise<void> {
    this.#parts.push(text);
    this.#size += text.length;
    if (this.#size >= FLUSH_CHARS) await this.flush();
  }

  /**
   * Writes out what has accumulated: byte pieces of 64 KiB or more as they are, everything
   * between them joined into one write (copying large pieces together would cost more than the
   * writes it saves).
   */
  async flush(): Promise<void> {
    if (this.#size === 0) return;
    const parts = this.#parts;
    this.#parts = [];
    this.#size = 0;
    let run: (string | Uint8Array)[] = [];
    for (const part of parts) {
      if (typeof part === 'string' || part.length < DIRECT_BYTES) {
        run.push(part);
        continue;
      }
      if (run.length > 0) await write(this.#stream, joined(run));
      run = [];
      await write(this.#stream, part);
    }
    if (run.length > 0) await write(this.#stream, joined(run));
  }

  /** Flushes; the stream itself stays open (it may be stdout). */
  close(): Promise<void> {
    return this.flush();
  }
}

/** The parts as one string, or as one run of UTF-8 bytes when any part is bytes already. */
function joined(parts: readonly (string | Uint8Array)[]): string | Uint8Array {
  if (parts.every((part) => typeof part === 'string')) return parts.join('');
  if (parts.length === 1) return parts[0]!;
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part)));
}
