// Instantiates the engine module: reads build/contango.wasm (release) or build/contango.debug.wasm,
// supplies the only import (env.abort, stubbed: the engine never calls it on any input) and checks the ABI
// version. Compiled modules are cached per file.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ABI_VERSION, type EngineExports } from './abi.js';

export type EngineBuild = 'release' | 'debug';

// The project's lib settings (ES2022 + @types/node 20) carry no WebAssembly declarations: the few
// members used here, typed locally.
type WasmModule = object;
interface ModuleImportDescriptor {
  module: string;
  name: string;
  kind: string;
}
interface WasmApi {
  Module: (new (bytes: Uint8Array) => WasmModule) & {
    imports(m: WasmModule): ModuleImportDescriptor[];
    exports(m: WasmModule): { name: string; kind: string }[];
  };
  Instance: new (m: WasmModule, imports: object) => { exports: object };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const cache = new Map<string, WasmModule>();

/** Absolute path of a build, found from this file (works from src/ under tsx/vitest and from dist/src/). */
export function wasmPath(build: EngineBuild = 'release'): string {
  const name = build === 'debug' ? 'contango.debug.wasm' : 'contango.wasm';
  const here = fileURLToPath(import.meta.url);
  const depth = here.includes(`${'/dist/'}`) ? '../../../' : '../../';
  return fileURLToPath(new URL(`${depth}build/${name}`, import.meta.url));
}

export function compileEngine(build: EngineBuild = 'release'): WasmModule {
  const path = wasmPath(build);
  let mod = cache.get(path);
  if (!mod) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (e) {
      throw new Error(`cannot read ${path} (${(e as Error).message}); run \`npm run build:wasm\` first`);
    }
    mod = new WA.Module(bytes);
    cache.set(path, mod);
  }
  return mod;
}

/** A fresh engine instance (own memory and state). */
export function instantiateEngine(build: EngineBuild = 'release'): EngineExports {
  const imports = {
    env: {
      abort(_msg: number, _file: number, line: number, col: number): void {
        throw new Error(`contango engine abort at ${line}:${col} (internal invariant failure)`);
      },
    },
  };
  const inst = new WA.Instance(compileEngine(build), imports);
  const ex = inst.exports as unknown as EngineExports;
  const v = ex.abiVersion();
  if (v !== ABI_VERSION) throw new Error(`engine ABI version ${v}, expected ${ABI_VERSION}`);
  return ex;
}

/** The module's imports and exports (the layout test checks that env.abort is the only possible import). */
export function moduleInterface(build: EngineBuild = 'release'): {
  imports: ModuleImportDescriptor[];
  exports: { name: string; kind: string }[];
} {
  const m = compileEngine(build);
  return { imports: WA.Module.imports(m), exports: WA.Module.exports(m) };
}
