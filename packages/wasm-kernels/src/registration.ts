import * as tf from '@tensorflow/tfjs';
// The stock wasm kernels must be in the registry before we look for gaps in it.
import '@tensorflow/tfjs-backend-wasm';
import {
  InvalidOptionError,
  registerMissingKernel,
  registerScopedGradient,
  registerScopedKernel,
  registerScopedPatch,
  unregisterMissingKernel,
} from '@tfxai/core';
import { routeDilatedConvLayers } from './dilated-conv-layer-route.js';
import { restoreFusedConvs, routeFusedConvGradients } from './fused-conv-route.js';
import { restoreFusedMatMul, routeFusedMatMulGradients } from './fused-matmul-route.js';
import { batchNormGradConfig, dropAbsentBatchNormInputs, scaleOptionalBatchNormGradConfig } from './gradients/batch-norm-grad.js';
import { clipByValueGradConfig } from './gradients/clip-by-value-grad.js';
import { dilatedConv2dGradConfig } from './gradients/dilated-conv2d-grad.js';
import { fusedConv2dGradConfig, fusedDepthwiseConv2dGradConfig } from './gradients/fused-conv-grad.js';
import { dilatedDepthwiseConv2dGradConfig } from './gradients/dilated-depthwise-conv2d-grad.js';
import { fusedMatMulGradConfig } from './gradients/fused-matmul-grad.js';
import { TFXAI_WASM_KERNELS } from './kernel-list.js';
import { registerFasterConv3d, registerStockCorrections } from './stock-corrections.js';
import type { KernelRole } from './tfxai-kernel.js';

/**
 * Which tfxai kernels are active. The wasm gaps are registered for good; everything else applies
 * only inside tfxai's own gradient passes (`withTfxaiKernels` in @tfxai/core):
 * - 'all': every one (fills the wasm backend's gaps; inside tfxai's passes: the stock kernels tfxai
 *   does faster, gradients for dilated convolutions and for batch norm without a scale, fused
 *   convolution and matmul (Dense) kernels with lazy gradients, leaner batch-norm and clip (ReLU6)
 *   gradients);
 * - 'gaps': only what is missing (the wasm gaps; inside tfxai's passes: dilated-convolution and
 *   scale-less batch-norm gradients); stock kernels stay;
 * - 'off': none; TensorFlow.js as shipped.
 */
export type TfxaiKernelMode = 'all' | 'gaps' | 'off';
export const TFXAI_KERNEL_MODES: readonly TfxaiKernelMode[] = ['all', 'gaps', 'off'];

/** One kernel's state, as {@link tfxaiKernelStatus} reports it. */
export interface TfxaiKernelState {
  kernelName: string;
  role: KernelRole;
  formulation: string;
  /** The wasm backend had its own kernel of this name. */
  stockExists: boolean;
  /** tfxai's kernel is registered: for good (a gap) or inside tfxai's passes (a replacement). */
  active: boolean;
}

/** What {@link registerTfxaiKernels} did. */
export interface TfxaiKernelStatus {
  mode: TfxaiKernelMode;
  kernels: TfxaiKernelState[];
  /** Conv2D / DepthwiseConv2dNative gradients accept dilation rates > 1. */
  dilatedGradients: boolean;
  /**
   * Inside tfxai's gradient passes, tf.fused convolutions run the fused kernel with tfxai's lazy
   * kernel gradients ('all') or, when dilated, the unfused ops ('gaps'). See fused-conv-route.ts.
   */
  fusedConvRoute: boolean;
  /**
   * Inside tfxai's gradient passes, tf.fused.matMul (tfjs-layers Dense) with a linear or relu
   * activation runs the `_FusedMatMul` kernel with tfxai's lazy kernel gradient: no weight-gradient
   * matmul for an input gradient (mode 'all', where tf.fused can be patched). See
   * fused-matmul-route.ts.
   */
  fusedMatMulRoute: boolean;
  /**
   * Where tf.fused cannot be patched (an ES-module bundle, e.g. in a browser) or
   * {@link RegistrationOptions.patchFusedOps} is false: inside tfxai's gradient passes, tfjs-layers
   * Conv2D layers with dilation rates > 1 run the unfused ops (conv2d, bias, activation), whose
   * gradients handle dilation, through a scoped patch of the Conv2D class's call. See
   * dilated-conv-layer-route.ts.
   */
  dilatedConvLayerRoute: boolean;
  /** Leaner FusedBatchNorm (no Tile) and ClipByValue (one-op mask) gradients (mode 'all'). */
  fasterGradients: boolean;
}

interface Registration {
  mode: TfxaiKernelMode;
  stock: Map<string, tf.KernelConfig | undefined>;
  /** Kernels registered for good because wasm has none (gaps). */
  gaps: Set<string>;
  /** Kernels that replace wasm's own inside tfxai's calls only. */
  scoped: Set<string>;
  /** Takes every scoped kernel, gradient and patch back out. */
  unregister: Array<() => void>;
  dilatedGradients: boolean;
  fusedConvRoute: boolean;
  fusedMatMulRoute: boolean;
  dilatedConvLayerRoute: boolean;
  fasterGradients: boolean;
}

/** How {@link registerTfxaiKernels} routes fused convolutions. */
export interface RegistrationOptions {
  /**
   * Swap tf.fused's conv entries (and, in mode 'all', matMul) inside tfxai's passes when tf.fused
   * can be patched (the Node build). false: never touch tf.fused and route dilated Conv2D layers by their class's call, as
   * an ES-module bundle (where tf.fused is frozen) always does. Default: true.
   */
  patchFusedOps?: boolean;
}

let registration: Registration | undefined;

/**
 * The mode named by the `TFXAI_KERNELS` environment variable: unset, 'on' or
 * 'all' -> 'all'; 'gaps' -> 'gaps'; 'off' (or '0', 'false') -> 'off'.
 * @throws InvalidOptionError for any other value
 */
export function kernelModeFromEnvironment(): TfxaiKernelMode {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const value = env?.['TFXAI_KERNELS']?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'on' || value === 'all' || value === '1' || value === 'true') return 'all';
  if (value === 'gaps') return 'gaps';
  if (value === 'off' || value === '0' || value === 'false') return 'off';
  throw new InvalidOptionError('TFXAI_KERNELS', `got '${value}'; allowed: on (= all), all, gaps, off`);
}

/** Whether tf.fused's entries can be swapped at all (an ES-module build may freeze the namespace). */
function fusedOpsPatchable(): boolean {
  if (!routeFusedConvGradients('dilated-only')) return false;
  restoreFusedConvs();
  return true;
}

/** Whether tf.fused.matMul can be swapped. */
function fusedMatMulPatchable(): boolean {
  if (!routeFusedMatMulGradients()) return false;
  restoreFusedMatMul();
  return true;
}

/**
 * Registers tfxai's wasm kernels and gradients (see {@link TfxaiKernelMode}). Runs when the package
 * is imported, with the mode from `TFXAI_KERNELS`. Calling it again first undoes the previous
 * registration.
 *
 * Only the wasm backend's gaps (kernels it does not have) are registered for good. Everything that
 * replaces a working kernel, gradient or op is scoped (see `withTfxaiKernels` in @tfxai/core): it
 * applies inside tfxai's own gradient passes only, so a user's `tf.grad` or `model.fit` in the
 * same process runs TensorFlow.js as shipped.
 * @param mode default: {@link kernelModeFromEnvironment}
 * @param options default: tf.fused patched where it can be ({@link RegistrationOptions})
 * @throws InvalidOptionError for a mode other than 'all', 'gaps', 'off', or a patchFusedOps that is not a boolean
 */
export function registerTfxaiKernels(mode: TfxaiKernelMode = kernelModeFromEnvironment(), options: RegistrationOptions = {}): TfxaiKernelStatus {
  if (!TFXAI_KERNEL_MODES.includes(mode)) throw new InvalidOptionError('mode', `got '${String(mode)}'; allowed: ${TFXAI_KERNEL_MODES.join(', ')}`);
  const patchFusedOps = options.patchFusedOps ?? true;
  if (typeof patchFusedOps !== 'boolean') throw new InvalidOptionError('patchFusedOps', `got ${String(patchFusedOps)}; allowed: true, false`);
  unregisterTfxaiKernels();
  const next: Registration = {
    mode,
    stock: new Map(),
    gaps: new Set(),
    scoped: new Set(),
    unregister: [],
    dilatedGradients: false,
    fusedConvRoute: false,
    fusedMatMulRoute: false,
    dilatedConvLayerRoute: false,
    fasterGradients: false,
  };
  registration = next;
  for (const kernel of TFXAI_WASM_KERNELS) next.stock.set(kernel.kernelName, tf.getKernel(kernel.kernelName, 'wasm'));
  if (mode === 'off') return tfxaiKernelStatus();

  for (const kernel of TFXAI_WASM_KERNELS) {
    const stock = next.stock.get(kernel.kernelName);
    if (stock === undefined) {
      registerMissingKernel({ kernelName: kernel.kernelName, backendName: 'wasm', kernelFunc: (args) => kernel.kernelFunc(args, undefined) });
      next.gaps.add(kernel.kernelName);
    } else if (mode === 'all' && kernel.role === 'replaces-stock') {
      next.unregister.push(registerScopedKernel({ kernelName: kernel.kernelName, backendName: 'wasm', kernelFunc: (args) => kernel.kernelFunc(args, stock.kernelFunc) }));
      next.scoped.add(kernel.kernelName);
    }
  }

  // Stock kernels and gradients that give wrong numbers (cpu resize gradients, 3-D convolution and
  // pooling, padded average pooling): corrected inside tfxai's passes, in every mode but 'off'.
  next.unregister.push(...registerStockCorrections());

  // Gradients are global in tfjs (one per kernel name): tfxai's are scoped, for every backend.
  // tfjs-core refuses dilated conv gradients everywhere; batch norm without a scale cannot be recorded.
  next.unregister.push(registerScopedGradient(dilatedConv2dGradConfig(tf.getGradient('Conv2D'))));
  next.unregister.push(registerScopedGradient(dilatedDepthwiseConv2dGradConfig(tf.getGradient('DepthwiseConv2dNative'))));
  next.dilatedGradients = true;
  const stockBatchNorm = tf.getGradient('FusedBatchNorm');
  next.unregister.push(registerScopedGradient(mode === 'all' ? batchNormGradConfig(stockBatchNorm) : scaleOptionalBatchNormGradConfig(stockBatchNorm)));
  next.unregister.push(registerScopedPatch({ name: 'tfxai batch norm without scale', apply: () => dropAbsentBatchNormInputs(tf.getBackend()) }));
  if (mode === 'all') {
    next.unregister.push(registerScopedGradient(clipByValueGradConfig()));
    next.unregister.push(...registerFasterConv3d());
    next.fasterGradients = true;
  }
  if (patchFusedOps && fusedOpsPatchable()) {
    const route = mode === 'all' ? 'fused-kernel' : 'dilated-only';
    next.unregister.push(
      registerScopedPatch({
        name: 'tfxai fused conv route',
        apply: () => (routeFusedConvGradients(route), restoreFusedConvs),
      }),
    );
    if (mode === 'all') {
      // tfjs-core registers no gradient for the fused kernels (its fused ops use closures).
      next.unregister.push(registerScopedGradient(fusedConv2dGradConfig()));
      next.unregister.push(registerScopedGradient(fusedDepthwiseConv2dGradConfig()));
    }
    next.fusedConvRoute = true;
    if (mode === 'all' && fusedMatMulPatchable()) {
      next.unregister.push(registerScopedPatch({ name: 'tfxai fused matmul route', apply: () => (routeFusedMatMulGradients(), restoreFusedMatMul) }));
      // Likewise no gradient for _FusedMatMul in tfjs-core.
      next.unregister.push(registerScopedGradient(fusedMatMulGradConfig()));
      next.fusedMatMulRoute = true;
    }
  } else {
    // tf.fused is frozen (ES-module bundle) or left alone: dilated Conv2D layers, by their class's call.
    next.unregister.push(registerScopedPatch({ name: 'tfxai dilated conv layers', apply: routeDilatedConvLayers }));
    next.dilatedConvLayerRoute = true;
  }
  return tfxaiKernelStatus();
}

/** Takes back every kernel, gradient and fused-op route tfxai registered. A no-op when nothing is registered. */
export function unregisterTfxaiKernels(): void {
  const current = registration;
  if (!current) return;
  registration = undefined;
  for (const name of current.gaps) unregisterMissingKernel(name, 'wasm');
  for (const unregister of current.unregister) unregister();
}

/**
 * The switch: `true` -> every tfxai kernel ('all'), `false` -> none ('off'),
 * or a {@link TfxaiKernelMode}. Overrides `TFXAI_KERNELS`.
 * @param options see {@link RegistrationOptions}
 */
export function useTfxaiKernels(enabled: boolean | TfxaiKernelMode, options: RegistrationOptions = {}): TfxaiKernelStatus {
  return registerTfxaiKernels(enabled === true ? 'all' : enabled === false ? 'off' : enabled, options);
}

/** Which tfxai kernels are registered now, and in what mode. */
export function tfxaiKernelStatus(): TfxaiKernelStatus {
  const current = registration;
  return {
    mode: current?.mode ?? 'off',
    kernels: TFXAI_WASM_KERNELS.map((kernel) => ({
      kernelName: kernel.kernelName,
      role: kernel.role,
      formulation: kernel.formulation,
      stockExists: (current ? current.stock.get(kernel.kernelName) : tf.getKernel(kernel.kernelName, 'wasm')) !== undefined,
      active: (current?.gaps.has(kernel.kernelName) || current?.scoped.has(kernel.kernelName)) ?? false,
    })),
    dilatedGradients: current?.dilatedGradients ?? false,
    fusedConvRoute: current?.fusedConvRoute ?? false,
    fusedMatMulRoute: current?.fusedMatMulRoute ?? false,
    dilatedConvLayerRoute: current?.dilatedConvLayerRoute ?? false,
    fasterGradients: current?.fasterGradients ?? false,
  };
}
