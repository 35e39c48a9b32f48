import * as tf from '@tensorflow/tfjs';
import { initBackend } from '@tfxai/core';

/**
 * The backends every computing test runs on: wasm and cpu always (they
 * install everywhere), tfjs-node's 'tensorflow' when it is installed.
 * `TFXAI_TEST_BACKENDS=cpu` (comma-separated) narrows the list.
 */
export function testBackends(): string[] {
  const wanted = process.env['TFXAI_TEST_BACKENDS']?.split(',').map((s) => s.trim()).filter(Boolean);
  const available = ['wasm', 'cpu'];
  try {
    // tfjs-node registers 'tensorflow' when it loads; absent here, present on users' machines.
    import.meta.resolve('@tensorflow/tfjs-node');
    available.unshift('tensorflow');
  } catch {
    /* not installed */
  }
  return wanted ? available.filter((b) => wanted.includes(b)) : available;
}

/** Switches TensorFlow.js to `backend`, loading its package first where needed. */
export async function useBackend(backend: string): Promise<void> {
  await initBackend({ log: () => {} });
  // initBackend keeps a backend that is already active, so load the package asked for here.
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (backend === 'tensorflow') await import('@tensorflow/tfjs-node' as string);
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} failed to initialise`);
  await tf.ready();
}

/** Declares `suite` once per backend, each inside a `describe('on <backend>')` that switches to it. */
export function forEachBackend(suite: (backend: string) => void): void {
  for (const backend of testBackends()) {
    describe(`on ${backend}`, function () {
      before(async function () {
        try {
          await useBackend(backend);
        } catch (error) {
          // tfjs-node present without its native library (a failed download) cannot run: skip, loudly.
          if (backend !== 'tensorflow') throw error;
          console.warn(`      skipping the tensorflow backend: ${(error as Error).message.split('\n')[0]}`);
          this.skip();
        }
      });
      suite(backend);
    });
  }
}
