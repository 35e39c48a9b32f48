import * as tf from '@tensorflow/tfjs';
import { TfxaiError } from './errors.js';
import { checkWasmThreads, environmentWasmThreads, useWasmThreads } from './wasm-threads.js';

/** The TensorFlow.js backends tfxai chooses between, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_PREFERENCE: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** The backends tfxai chooses between in a page or a Web Worker, fastest first. */
export type BrowserBackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BROWSER_BACKEND_PREFERENCE: readonly BrowserBackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** The package a page must import for each browser backend to be registered (webgl and cpu ship with tfjs). */
const BROWSER_BACKEND_PACKAGES: Record<BrowserBackendName, string> = {
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  webgl: '@tensorflow/tfjs',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs',
};

/**
 * True in a page or a Web Worker: no Node `process.versions.node`. There, backends are
 * registered by the page's own (bundled) imports, never loaded by tfxai from a bare specifier.
 */
export function isBrowserRuntime(): boolean {
  return (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === undefined;
}

/** The package that registers each backend (cpu ships with tfjs itself). */
const BACKEND_PACKAGES: Record<BackendName, string | undefined> = {
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: undefined,
};

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Force one backend. Default: the `TFXAI_BACKEND` environment variable, else the fastest that loads.
   * In a browser: webgpu, webgl, wasm or cpu (default: the first of those that initialises).
   */
  backend?: BackendName | BrowserBackendName;
  /** Where the one-line choice is reported. Default: `console.error` (stdout stays clean for data); `console.info` in a browser. */
  log?: (message: string) => void;
  /**
   * Intra-op threads of the wasm backend in Node, 1 to 8 (see wasm-threads.ts): more than 1
   * loads tfjs's threaded SIMD build. Default: the `TFXAI_WASM_THREADS` environment variable,
   * else 1 (tfjs's single-thread build). Not used in a browser.
   */
  wasmThreads?: number;
}

let chosen: Promise<BackendName | BrowserBackendName> | undefined;
let chosenName: BackendName | BrowserBackendName | undefined;

function environmentBackend(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.['TFXAI_BACKEND']?.trim();
  return value ? value : undefined;
}

/** In a browser a backend is usable when the page registered it (its package was bundled) and it initialises. */
async function tryBrowserBackend(name: BrowserBackendName): Promise<string | undefined> {
  if (!tf.findBackendFactory(name)) return `${name} is not registered (import '${BROWSER_BACKEND_PACKAGES[name]}' before initBackend)`;
  if (name === 'webgpu' && !(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) return 'webgpu: this browser has no navigator.gpu';
  try {
    return (await tf.setBackend(name)) ? undefined : `backend '${name}' failed to initialise`;
  } catch (error) {
    return `backend '${name}' failed to initialise (${(error as Error).message.split('\n')[0]})`;
  }
}

async function tryBackend(name: BackendName, wasmThreads: number | undefined): Promise<string | undefined> {
  const pkg = BACKEND_PACKAGES[name];
  try {
    // A computed specifier keeps bundlers from requiring optional backends.
    if (pkg) await import(/* webpackIgnore: true */ pkg);
    if (name === 'wasm' && wasmThreads !== undefined) await useWasmThreads(wasmThreads);
    return (await tf.setBackend(name)) ? undefined : `backend '${name}' failed to initialise`;
  } catch (error) {
    // An optional backend that is simply absent is not an error: say so plainly.
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return `${pkg ?? name} is not installed`;
    return `${pkg ?? name} could not be loaded (${(error as Error).message.split('\n')[0]})`;
  }
}

/**
 * Chooses and initialises the TensorFlow.js backend once per process:
 * tfjs-node ('tensorflow') when installed, else wasm, else cpu; `TFXAI_BACKEND`
 * (tensorflow | wasm | cpu) forces one. In a browser (see {@link isBrowserRuntime}):
 * webgpu, webgl, wasm, cpu, the first that the page registered and that initialises;
 * `options.backend` forces one. Later calls return the first choice;
 * a backend set afterwards with `tf.setBackend` is respected by every method.
 * Logs the choice once.
 * @throws TfxaiError code 'BACKEND_UNAVAILABLE' when a forced backend cannot load
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendName | BrowserBackendName> {
  chosen ??= (async () => {
    const browser = isBrowserRuntime();
    // A page has no stderr: the choice goes to the console's info level there.
    const log = options.log ?? ((message: string) => (browser ? console.info(message) : console.error(message)));
    const forced = options.backend ?? environmentBackend();
    const wasmThreads = browser ? undefined : options.wasmThreads === undefined ? environmentWasmThreads() : checkWasmThreads('wasmThreads', options.wasmThreads);
    const known: readonly (BackendName | BrowserBackendName)[] = browser ? BROWSER_BACKEND_PREFERENCE : BACKEND_PREFERENCE;
    if (forced !== undefined && !known.includes(forced as BackendName | BrowserBackendName)) {
      const source = options.backend !== undefined ? 'backend' : 'TFXAI_BACKEND';
      throw new TfxaiError('BACKEND_UNAVAILABLE', `${source}='${forced}' is not a backend tfxai knows; allowed: ${known.join(', ')}`);
    }
    // A backend the user already activated (tf.setBackend) is theirs to keep.
    const active = tf.engine().backendName;
    if (forced === undefined && active) {
      log(`[tfxai] TensorFlow.js backend: ${active} (already active)`);
      chosenName = active as BackendName;
      return chosenName;
    }
    const candidates = forced ? [forced as BackendName | BrowserBackendName] : known;
    const skipped: string[] = [];
    for (const name of candidates) {
      const failure = browser ? await tryBrowserBackend(name as BrowserBackendName) : await tryBackend(name as BackendName, wasmThreads);
      if (failure === undefined) {
        chosenName = name;
        const threads = name === 'wasm' && wasmThreads !== undefined ? ` (${wasmThreads} thread${wasmThreads > 1 ? 's' : ''})` : '';
        log(`[tfxai] TensorFlow.js backend: ${name}${threads}${skipped.length ? ` (${skipped.join('; ')})` : ''}`);
        return name;
      }
      skipped.push(failure);
    }
    throw new TfxaiError('BACKEND_UNAVAILABLE', `no TensorFlow.js backend could be initialised: ${skipped.join('; ')}`);
  })();
  chosen.catch(() => (chosen = undefined));
  return chosen;
}

/** The backend {@link initBackend} chose, or undefined before it ran. */
export function chosenBackend(): BackendName | BrowserBackendName | undefined {
  return chosenName;
}

/** Injection token and interface of the backend service methods use. */
export const BackendService = Symbol('BackendService');
export interface BackendService {
  /** Initialises a backend if none is yet (see {@link initBackend}) and resolves with the active one's name. */
  ready(): Promise<string>;
}

/** The default {@link BackendService}: {@link initBackend}, then whatever backend is active. */
export class TfBackendService implements BackendService {
  async ready(): Promise<string> {
    await initBackend();
    await tf.ready();
    return tf.getBackend();
  }
}
