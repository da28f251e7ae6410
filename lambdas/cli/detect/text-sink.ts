import type { Writable } from 'node:stream';
import { write } from '../command.ts';

// Large writes keep the per-write overhead low; backpressure is honoured at every flush.
const FLUSH_CHARS = 1 << 20;

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
  #parts: string[] = [];
  #size = 0;

  constructor(stream: Writable) {
    this.#stream = stream;
  }

  /** Adds text; writes out once enough has accumulated. Bytes (UTF-8) are written as they are, after the text before them. */
  async push(text: string | Uint8Array): Promise<void> {
    if (typeof text !== 'string') {
      await this.flush();
      await write(this.#stream, text);
      return;
    }
    this.#parts.push(text);
    this.#size += text.length;
    if (this.#size >= FLUSH_CHARS) await this.flush();
  }

  /** Writes out what has accumulated. */
  async flush(): Promise<void> {
    if (this.#size === 0) return;
    const text = this.#parts.join('');
    this.#parts = [];
    this.#size = 0;
    await write(this.#stream, text);
  }

  /** Flushes; the stream itself stays open (it may be stdout). */
  close(): Promise<void> {
    return this.flush();
  }
}
