// The part of the WebAssembly JavaScript API the field scan kernel uses: Node.js has all of it, but
// neither the ES library nor @types/node 20 declares it (TypeScript's DOM and worker libraries do,
// with thousands of browser globals besides).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Global {
    readonly value: unknown;
  }
}
