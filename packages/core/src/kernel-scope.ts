import * as tf from '@tensorflow/tfjs';
import { TfxaiError } from './errors.js';

/**
 * Kernels and gradients that tfxai uses only inside its own computations.
 *
 * TensorFlow.js keeps one global kernel registry (per backend) and one global
 * gradient registry (for every backend). Replacing an entry for the whole
 * process would change a user's own `model.fit` or `tf.grad`. So replacements
 * are registered here and swapped in only while {@link withTfxaiKernels} runs
 * its synchronous function, for the backend active at that moment, and the
 * previous registry entries are put back (the same objects) in `finally`.
 *
 * A kernel that a backend simply lacks may be registered once, for good, with
 * {@link registerMissingKernel}: that changes nothing that worked before.
 *
 * Async caution: never wrap code that awaits. User code may run during an
 * await and would see the swapped registry; {@link withTfxaiKernels} therefore
 * refuses a function that returns a promise.
 */

/** A kernel that replaces a backend's kernel inside {@link withTfxaiKernels} only. */
export interface ScopedKernelConfig {
  kernelName: string;
  /** The one backend it is for (e.g. 'wasm'). */
  backendName: string;
  kernelFunc: tf.KernelFunc;
  /** Run once per backend instance, before the kernel is first swapped in. */
  setupFunc?: tf.KernelSetupFunc;
  /** Run when the backend is disposed while the kernel is swapped in (after the stock kernel's). */
  disposeFunc?: tf.KernelDisposeFunc;
}

/** A gradient that replaces the registered one inside {@link withTfxaiKernels} only. */
export interface ScopedGradientConfig extends tf.GradConfig {
  /** Only while this backend is active; default: on every backend. A backend-specific config wins over a general one. */
  backendName?: string;
}

/** A change tfxai makes on entering its scope (e.g. to an op table); `apply` returns the function that undoes it. */
export interface ScopedPatchConfig {
  /** For messages and for replacing a previous patch of the same name. */
  name: string;
  /** Only while this backend is active; default: on every backend. */
  backendName?: string;
  apply(): () => void;
}

/** Takes a scoped registration back out (it stays active in a scope already entered). */
export type Unregister = () => void;

const scopedKernels = new Map<string, ScopedKernelConfig>();
const scopedGradients = new Map<string, ScopedGradientConfig>();
const scopedPatches = new Map<string, ScopedPatchConfig>();
type AnyBackend = Parameters<tf.KernelSetupFunc>[0];
const setUpBackends = new WeakMap<ScopedKernelConfig, WeakSet<AnyBackend>>();
const missingKernels = new Map<string, tf.KernelConfig>();
let depth = 0;

const kernelKey = (kernelName: string, backendName: string) => `${backendName}_${kernelName}`;
const gradientKey = (kernelName: string, backendName: string | undefined) => `${backendName ?? '*'}_${kernelName}`;

/**
 * Registers a kernel that replaces `backendName`'s kernel of the same name (or fills its gap)
 * inside {@link withTfxaiKernels} only. A later registration of the same name and backend
 * replaces this one.
 * @returns a function that removes this registration
 */
export function registerScopedKernel(config: ScopedKernelConfig): Unregister {
  const key = kernelKey(config.kernelName, config.backendName);
  scopedKernels.set(key, config);
  return () => {
    if (scopedKernels.get(key) === config) scopedKernels.delete(key);
  };
}

/**
 * Registers a gradient used inside {@link withTfxaiKernels} only: on `backendName`, or on every
 * backend when it is omitted.
 * @returns a function that removes this registration
 */
export function registerScopedGradient(config: ScopedGradientConfig): Unregister {
  const key = gradientKey(config.kernelName, config.backendName);
  scopedGradients.set(key, config);
  return () => {
    if (scopedGradients.get(key) === config) scopedGradients.delete(key);
  };
}

/**
 * Registers a change applied on entering {@link withTfxaiKernels} and undone on leaving it.
 * @returns a function that removes this registration
 */
export function registerScopedPatch(config: ScopedPatchConfig): Unregister {
  scopedPatches.set(config.name, config);
  return () => {
    if (scopedPatches.get(config.name) === config) scopedPatches.delete(config.name);
  };
}

/**
 * Registers `config` for good when its backend has no kernel of that name (a gap: nothing that
 * worked before changes). A backend that already has one keeps it.
 * @returns true when it was registered now or by an earlier call with the same config
 */
export function registerMissingKernel(config: tf.KernelConfig): boolean {
  const key = kernelKey(config.kernelName, config.backendName);
  const current = tf.getKernel(config.kernelName, config.backendName);
  if (current !== undefined) return current === config || current === missingKernels.get(key);
  tf.registerKernel(config);
  missingKernels.set(key, config);
  return true;
}

/** Removes a kernel registered by {@link registerMissingKernel} (no-op for any other kernel). */
export function unregisterMissingKernel(kernelName: string, backendName: string): void {
  const key = kernelKey(kernelName, backendName);
  const config = missingKernels.get(key);
  if (config === undefined) return;
  missingKernels.delete(key);
  if (tf.getKernel(kernelName, backendName) === config) tf.unregisterKernel(kernelName, backendName);
}

/** True while a {@link withTfxaiKernels} call is running. */
export function insideTfxaiKernels(): boolean {
  return depth > 0;
}

/**
 * Runs `fn` with tfxai's scoped kernels, gradients and patches for the active backend
 * (`tf.getBackend()`) swapped in, and restores exactly what was registered before, in `finally`
 * ("no kernel" or "no gradient" before -> unregistered after). Re-entrant: a nested call just runs
 * `fn`. Wrap forward and backward passes (a `tf.grad` call and the forward pass it records).
 * @throws TfxaiError code 'ASYNC_KERNEL_SCOPE' when `fn` returns a promise (the scope would end before it runs)
 */
export function withTfxaiKernels<T>(fn: () => T): T {
  if (depth > 0) return runSynchronously(fn);
  const restore = swapIn(tf.getBackend());
  depth++;
  try {
    return runSynchronously(fn);
  } finally {
    depth--;
    restore();
  }
}

/**
 * Runs `fn` with `gradients` registered in place of the current ones (inside or outside
 * {@link withTfxaiKernels}), restoring the previous ones exactly in `finally`. For a method's own
 * rule such as guided backpropagation's ReLU.
 * @throws TfxaiError code 'ASYNC_KERNEL_SCOPE' when `fn` returns a promise
 */
export function withGradientOverrides<T>(gradients: readonly tf.GradConfig[], fn: () => T): T {
  const restore = swapGradients(gradients);
  try {
    return runSynchronously(fn);
  } finally {
    restore();
  }
}

function runSynchronously<T>(fn: () => T): T {
  const result = fn();
  if (result instanceof Promise) {
    result.catch(() => {});
    throw new TfxaiError(
      'ASYNC_KERNEL_SCOPE',
      'tfxai kernel scopes need a synchronous computation (a tf.grad call or a forward pass); an async one would run after the kernels are restored',
    );
  }
  return result;
}

/** Swaps every scoped entry for `backendName` in; returns the exact undo. */
function swapIn(backendName: string): () => void {
  const undo: Array<() => void> = [];
  const restore = () => {
    // Reverse order, and every step even when one throws, so the registry is never left half-swapped.
    let failure: unknown;
    for (const step of undo.reverse()) {
      try {
        step();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  };
  try {
    const backend = tf.engine().findBackend(backendName);
    for (const config of scopedKernels.values()) {
      if (config.backendName === backendName) undo.push(swapKernel(config, backend));
    }
    undo.push(swapGradients(gradientsFor(backendName)));
    for (const patch of scopedPatches.values()) {
      if (patch.backendName === undefined || patch.backendName === backendName) undo.push(patch.apply());
    }
  } catch (error) {
    restore();
    throw error;
  }
  return restore;
}

function swapKernel(config: ScopedKernelConfig, backend: AnyBackend | null): () => void {
  const { kernelName, backendName } = config;
  const stock = tf.getKernel(kernelName, backendName);
  if (backend && config.setupFunc) {
    const done = setUpBackends.get(config) ?? new WeakSet<AnyBackend>();
    setUpBackends.set(config, done);
    if (!done.has(backend)) {
      config.setupFunc(backend);
      done.add(backend);
    }
  }
  const swapped: tf.KernelConfig = {
    kernelName,
    backendName,
    kernelFunc: config.kernelFunc,
    // The engine runs setup functions only when a backend initialises, and dispose functions when
    // it is removed: the stock kernel's must keep running (on wasm they bind its functions).
    ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
    ...(stock?.disposeFunc || config.disposeFunc
      ? {
          disposeFunc: (b: AnyBackend) => {
            stock?.disposeFunc?.(b);
            config.disposeFunc?.(b);
          },
        }
      : {}),
  };
  if (stock) tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel(swapped);
  return () => {
    if (tf.getKernel(kernelName, backendName) !== undefined) tf.unregisterKernel(kernelName, backendName);
    if (stock) tf.registerKernel(stock);
  };
}

/** The scoped gradients for `backendName`: a backend-specific config wins over a general one. */
function gradientsFor(backendName: string): tf.GradConfig[] {
  const chosen = new Map<string, tf.GradConfig>();
  for (const config of scopedGradients.values()) {
    if (config.backendName === undefined && !chosen.has(config.kernelName)) chosen.set(config.kernelName, config);
  }
  for (const config of scopedGradients.values()) {
    if (config.backendName === backendName) chosen.set(config.kernelName, config);
  }
  return [...chosen.values()];
}

function swapGradients(gradients: readonly tf.GradConfig[]): () => void {
  const previous = gradients.map((config) => tf.getGradient(config.kernelName) as tf.GradConfig | undefined);
  for (const config of gradients) tf.registerGradient(config);
  return () => {
    for (let i = gradients.length - 1; i >= 0; i--) {
      const original = previous[i];
      if (original) tf.registerGradient(original);
      else tf.unregisterGradient(gradients[i]!.kernelName);
    }
  };
}
