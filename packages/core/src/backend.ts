import * as tf from '@tensorflow/tfjs';
import { TfxaiError } from './errors.js';

/** The TensorFlow.js backends tfxai chooses between, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_PREFERENCE: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** The package that registers each backend (cpu ships with tfjs itself). */
const BACKEND_PACKAGES: Record<BackendName, string | undefined> = {
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: undefined,
};

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /** Force one backend. Default: the `TFXAI_BACKEND` environment variable, else the fastest that loads. */
  backend?: BackendName;
  /** Where the one-line choice is reported. Default: `console.error` (stdout stays clean for data). */
  log?: (message: string) => void;
}

let chosen: Promise<BackendName> | undefined;
let chosenName: BackendName | undefined;

function environmentBackend(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.['TFXAI_BACKEND']?.trim();
  return value ? value : undefined;
}

async function tryBackend(name: BackendName): Promise<string | undefined> {
  const pkg = BACKEND_PACKAGES[name];
  try {
    // A computed specifier keeps bundlers from requiring optional backends.
    if (pkg) await import(/* webpackIgnore: true */ pkg);
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
 * (tensorflow | wasm | cpu) forces one. Later calls return the first choice;
 * a backend set afterwards with `tf.setBackend` is respected by every method.
 * Logs the choice once.
 * @throws TfxaiError code 'BACKEND_UNAVAILABLE' when a forced backend cannot load
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendName> {
  chosen ??= (async () => {
    const log = options.log ?? ((message: string) => console.error(message));
    const forced = options.backend ?? environmentBackend();
    if (forced !== undefined && !BACKEND_PREFERENCE.includes(forced as BackendName)) {
      throw new TfxaiError('BACKEND_UNAVAILABLE', `TFXAI_BACKEND='${forced}' is not a backend tfxai knows; allowed: ${BACKEND_PREFERENCE.join(', ')}`);
    }
    // A backend the user already activated (tf.setBackend) is theirs to keep.
    const active = tf.engine().backendName;
    if (forced === undefined && active) {
      log(`[tfxai] TensorFlow.js backend: ${active} (already active)`);
      chosenName = active as BackendName;
      return chosenName;
    }
    const candidates = forced ? [forced as BackendName] : BACKEND_PREFERENCE;
    const skipped: string[] = [];
    for (const name of candidates) {
      const failure = await tryBackend(name);
      if (failure === undefined) {
        chosenName = name;
        log(`[tfxai] TensorFlow.js backend: ${name}${skipped.length ? ` (${skipped.join('; ')})` : ''}`);
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
export function chosenBackend(): BackendName | undefined {
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
