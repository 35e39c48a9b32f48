// The browser entry of 'tfxai' (the package's `exports` "browser" condition): everything the
// default entry has, plus the wasm binaries' location and backend choice for a page or a Web Worker.
// Nothing here or below reaches a Node-only module; the webgl and cpu backends come with
// @tensorflow/tfjs, the wasm backend with @tfxai/wasm-kernels' static import of it.
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { initBackend, type BackendName, type BrowserBackendName, type InitBackendOptions } from '@tfxai/core';

export * from './index.js';
export { setWasmPaths };

/** The three binaries @tensorflow/tfjs-backend-wasm 4.22 may fetch (which one depends on SIMD and threads support). */
export const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;
export type WasmFileName = (typeof WASM_FILES)[number];

/** Options of {@link initBrowserBackend}. */
export interface BrowserBackendOptions extends InitBackendOptions {
  /**
   * Where the wasm binaries are: a directory URL ending in '/' or one URL per file.
   * Default: the directory of the script that holds tfxai, when that is an http(s) URL
   * (a bundle: copy the `.wasm` files next to it); otherwise tfjs's own default (the page's directory).
   */
  wasmPaths?: string | Partial<Record<WasmFileName, string>>;
}

/**
 * The directory of the module this code was bundled into, when it was loaded over http(s);
 * undefined where bundlers rewrite `import.meta.url` to a file path (webpack) or drop it (IIFE).
 */
export function defaultWasmDirectory(): string | undefined {
  let url: string | undefined;
  try {
    url = import.meta.url;
  } catch {
    return undefined;
  }
  if (typeof url !== 'string' || !/^https?:/.test(url)) return undefined;
  return new URL('./', url).href;
}

const defaultDirectory = defaultWasmDirectory();
// Set on import, before any backend initialises; a later setWasmPaths (or wasmPaths below) wins.
if (defaultDirectory) setWasmPaths(defaultDirectory);

/**
 * {@link initBackend} for a page or a Web Worker: sets the wasm binaries' location first, then
 * takes the first of webgpu (when the page imported '@tensorflow/tfjs-backend-webgpu' and the
 * browser has WebGPU), webgl, wasm, cpu that initialises; `backend` forces one.
 * Resolves with the chosen backend's name; later calls return the first choice.
 * @throws TfxaiError code 'BACKEND_UNAVAILABLE' when a forced backend cannot initialise
 */
export function initBrowserBackend(options: BrowserBackendOptions = {}): Promise<BackendName | BrowserBackendName> {
  const { wasmPaths, ...rest } = options;
  if (wasmPaths !== undefined) setWasmPaths(wasmPaths as string);
  return initBackend(rest);
}
