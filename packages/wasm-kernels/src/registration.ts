import * as tf from '@tensorflow/tfjs';
// The stock wasm kernels must be in the registry before we look for gaps in it.
import '@tensorflow/tfjs-backend-wasm';
import { InvalidOptionError } from '@tfxai/core';
import { restoreFusedConvs, routeFusedConvGradients } from './fused-conv-route.js';
import { batchNormGradConfig } from './gradients/batch-norm-grad.js';
import { clipByValueGradConfig } from './gradients/clip-by-value-grad.js';
import { dilatedConv2dGradConfig } from './gradients/dilated-conv2d-grad.js';
import { fusedConv2dGradConfig, fusedDepthwiseConv2dGradConfig } from './gradients/fused-conv-grad.js';
import { dilatedDepthwiseConv2dGradConfig } from './gradients/dilated-depthwise-conv2d-grad.js';
import { TFXAI_WASM_KERNELS } from './kernel-list.js';
import type { KernelRole } from './tfxai-kernel.js';

/**
 * Which tfxai kernels are active:
 * - 'all': every one (fills the wasm backend's gaps, replaces the stock kernels tfxai does faster,
 *   gradients for dilated convolutions, fused convolution kernels with lazy gradients while
 *   recording gradients, leaner batch-norm and clip (ReLU6) gradients);
 * - 'gaps': only what is missing (the wasm gaps and dilated-convolution gradients); stock kernels stay;
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
  /** tfxai's kernel is the one registered now. */
  active: boolean;
}

/** What {@link registerTfxaiKernels} did. */
export interface TfxaiKernelStatus {
  mode: TfxaiKernelMode;
  kernels: TfxaiKernelState[];
  /** Conv2D / DepthwiseConv2dNative gradients accept dilation rates > 1. */
  dilatedGradients: boolean;
  /**
   * While gradients are recorded, tf.fused convolutions run the fused kernel with tfxai's lazy
   * kernel gradients ('all') or, when dilated, the unfused ops ('gaps'). See fused-conv-route.ts.
   */
  fusedConvRoute: boolean;
  /** Leaner FusedBatchNorm (no Tile) and ClipByValue (one-op mask) gradients (mode 'all'). */
  fasterGradients: boolean;
}

interface Registration {
  mode: TfxaiKernelMode;
  stock: Map<string, tf.KernelConfig | undefined>;
  active: Set<string>;
  stockGradients: tf.GradConfig[];
  fusedConvRoute: boolean;
  fasterGradients: boolean;
  fusedKernelGradients: boolean;
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

/**
 * Registers tfxai's wasm kernels and gradients (see {@link TfxaiKernelMode}).
 * Runs when the package is imported, with the mode from `TFXAI_KERNELS`.
 * Calling it again first undoes the previous registration.
 * @param mode default: {@link kernelModeFromEnvironment}
 * @throws InvalidOptionError for a mode other than 'all', 'gaps', 'off'
 */
export function registerTfxaiKernels(mode: TfxaiKernelMode = kernelModeFromEnvironment()): TfxaiKernelStatus {
  if (!TFXAI_KERNEL_MODES.includes(mode)) throw new InvalidOptionError('mode', `got '${String(mode)}'; allowed: ${TFXAI_KERNEL_MODES.join(', ')}`);
  unregisterTfxaiKernels();
  const next: Registration = { mode, stock: new Map(), active: new Set(), stockGradients: [], fusedConvRoute: false, fasterGradients: false, fusedKernelGradients: false };
  registration = next;
  for (const kernel of TFXAI_WASM_KERNELS) next.stock.set(kernel.kernelName, tf.getKernel(kernel.kernelName, 'wasm'));
  if (mode === 'off') return tfxaiKernelStatus();

  for (const kernel of TFXAI_WASM_KERNELS) {
    const stock = next.stock.get(kernel.kernelName);
    const wanted = stock === undefined || (mode === 'all' && kernel.role === 'replaces-stock');
    if (!wanted) continue;
    if (stock) tf.unregisterKernel(kernel.kernelName, 'wasm');
    tf.registerKernel({
      kernelName: kernel.kernelName,
      backendName: 'wasm',
      kernelFunc: (args) => kernel.kernelFunc(args, stock?.kernelFunc),
      // The backend runs setup functions when it initialises: the stock kernel's must still run
      // (it binds the kernel's wasm function), or neither the fallback nor a later restore works.
      ...(stock?.setupFunc ? { setupFunc: stock.setupFunc } : {}),
      ...(stock?.disposeFunc ? { disposeFunc: stock.disposeFunc } : {}),
    });
    next.active.add(kernel.kernelName);
  }

  // Gradients are global (every backend): tfjs-core refuses dilated ones everywhere.
  const conv2dGradient = tf.getGradient('Conv2D');
  const depthwiseGradient = tf.getGradient('DepthwiseConv2dNative');
  next.stockGradients = [conv2dGradient, depthwiseGradient];
  tf.registerGradient(dilatedConv2dGradConfig(conv2dGradient));
  tf.registerGradient(dilatedDepthwiseConv2dGradConfig(depthwiseGradient));
  if (mode === 'all') {
    const batchNormGradient = tf.getGradient('FusedBatchNorm');
    next.stockGradients.push(batchNormGradient);
    tf.registerGradient(batchNormGradConfig(batchNormGradient));
    const clipGradient = tf.getGradient('ClipByValue');
    next.stockGradients.push(clipGradient);
    tf.registerGradient(clipByValueGradConfig());
    next.fasterGradients = true;
  }
  next.fusedConvRoute = routeFusedConvGradients(mode === 'all' ? 'fused-kernel' : 'dilated-only');
  if (next.fusedConvRoute && mode === 'all') {
    // tfjs-core registers no gradient for the fused kernels (its fused ops use closures).
    tf.registerGradient(fusedConv2dGradConfig());
    tf.registerGradient(fusedDepthwiseConv2dGradConfig());
    next.fusedKernelGradients = true;
  }
  return tfxaiKernelStatus();
}

/** Puts back every stock kernel, gradient and fused op tfxai replaced. A no-op when nothing is registered. */
export function unregisterTfxaiKernels(): void {
  const current = registration;
  if (!current) return;
  registration = undefined;
  for (const name of current.active) {
    tf.unregisterKernel(name, 'wasm');
    const stock = current.stock.get(name);
    if (stock) tf.registerKernel(stock);
  }
  for (const gradient of current.stockGradients) tf.registerGradient(gradient);
  if (current.fusedConvRoute) restoreFusedConvs();
  if (current.fusedKernelGradients) {
    tf.unregisterGradient('FusedConv2D');
    tf.unregisterGradient('FusedDepthwiseConv2D');
  }
}

/**
 * The switch: `true` -> every tfxai kernel ('all'), `false` -> none ('off'),
 * or a {@link TfxaiKernelMode}. Overrides `TFXAI_KERNELS`.
 */
export function useTfxaiKernels(enabled: boolean | TfxaiKernelMode): TfxaiKernelStatus {
  return registerTfxaiKernels(enabled === true ? 'all' : enabled === false ? 'off' : enabled);
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
      active: current?.active.has(kernel.kernelName) ?? false,
    })),
    dilatedGradients: (current?.stockGradients.length ?? 0) > 0,
    fusedConvRoute: current?.fusedConvRoute ?? false,
    fasterGradients: current?.fasterGradients ?? false,
  };
}
