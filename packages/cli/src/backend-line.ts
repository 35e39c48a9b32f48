import * as tf from '@tensorflow/tfjs';
import { initBackend, type BackendName } from '@tfxai/core';

/** Plain words for each backend. */
const BACKEND_WORDS: Record<string, string> = {
  tensorflow: 'native TensorFlow (@tensorflow/tfjs-node)',
  wasm: 'WebAssembly',
  cpu: 'plain JavaScript, the slowest',
};

/**
 * One line saying which TensorFlow.js backend runs and why, e.g.
 * `backend: wasm (WebAssembly; @tensorflow/tfjs-node is not installed)`.
 * @param forcedBy who forced it ('--backend', 'TFXAI_BACKEND'), or undefined when tfxai chose
 * @param initMessage what {@link initBackend} reported (its parenthesis lists the backends it passed over)
 */
export function backendLine(name: string, forcedBy: string | undefined, initMessage: string | undefined): string {
  const words = BACKEND_WORDS[name] ?? name;
  if (forcedBy) return `backend: ${name} (${words}; chosen with ${forcedBy})`;
  if (initMessage?.includes('(already active)')) return `backend: ${name} (${words}; already active)`;
  // initBackend lists the faster backends it passed over in its parenthesis.
  const passedOver = /\((.*)\)$/.exec(initMessage ?? '')?.[1];
  return `backend: ${name} (${words}${passedOver ? `; ${passedOver}` : ', the fastest available'})`;
}

/**
 * Initialises the backend (forced by `--backend`, else TFXAI_BACKEND, else the
 * fastest that loads) without initBackend's own log, and returns the line to print.
 */
export async function startBackend(flag: BackendName | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  let message: string | undefined;
  const name = await initBackend({ ...(flag ? { backend: flag } : {}), log: (m) => (message = m) });
  // tfjs's cpu backend prints its own "install tfjs-node" banner on first use; this line says it already.
  const backend = tf.backend() as { firstUse?: boolean };
  if ('firstUse' in backend) backend.firstUse = false;
  const forcedBy = flag ? '--backend' : env['TFXAI_BACKEND']?.trim() ? 'TFXAI_BACKEND' : undefined;
  return backendLine(name, forcedBy, message);
}
