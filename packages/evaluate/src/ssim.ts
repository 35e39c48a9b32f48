import { InvalidInputError, InvalidOptionError } from '@tfxai/core';

/** Options of {@link structuralSimilarity}. */
export interface SsimOptions {
  /** The range of the values, L in C1 = (K1 L)^2, C2 = (K2 L)^2. Default 1 (maps in [0, 1]). */
  dataRange?: number;
  /** Width of the Gaussian window along each axis (shortened to the axis where it is shorter). Default 11. */
  windowSize?: number;
  /** Standard deviation of the Gaussian window. Default 1.5. */
  sigma?: number;
}

/** Normalised Gaussian weights of `length` taps centred on the window. */
function gaussianWindow(length: number, sigma: number): Float64Array {
  const centre = (length - 1) / 2;
  const weights = Float64Array.from({ length }, (_, i) => Math.exp(-((i - centre) ** 2) / (2 * sigma * sigma)));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => w / total);
}

/** Filters `data` of `shape` along `axis` with `kernel`, keeping only the positions where the kernel fits ('valid'). */
function filterAxisValid(data: Float64Array, shape: readonly number[], axis: number, kernel: Float64Array): { data: Float64Array; shape: number[] } {
  const outShape = [...shape];
  outShape[axis] = shape[axis]! - kernel.length + 1;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const out = new Float64Array(outer * outShape[axis]! * inner);
  for (let o = 0; o < outer; o++) {
    for (let p = 0; p < outShape[axis]!; p++) {
      for (let i = 0; i < inner; i++) {
        let sum = 0;
        for (let k = 0; k < kernel.length; k++) sum += kernel[k]! * data[(o * shape[axis]! + p + k) * inner + i]!;
        out[(o * outShape[axis]! + p) * inner + i] = sum;
      }
    }
  }
  return { data: out, shape: outShape };
}

/** The Gaussian-weighted local mean of `data`, separably over every axis, 'valid' positions only. */
function localMean(data: Float64Array, shape: readonly number[], windows: readonly Float64Array[]): Float64Array {
  let current = { data, shape: [...shape] };
  windows.forEach((kernel, axis) => (current = filterAxisValid(current.data, current.shape, axis, kernel)));
  return current.data;
}

/**
 * The mean structural similarity index of two maps of any rank (Wang, Bovik,
 * Sheikh & Simoncelli 2004, "Image quality assessment: from error visibility
 * to structural similarity", IEEE TIP 13(4)):
 *
 *   SSIM(x, y) = mean over windows of ((2 mu_x mu_y + C1)(2 sigma_xy + C2)) / ((mu_x^2 + mu_y^2 + C1)(sigma_x^2 + sigma_y^2 + C2))
 *
 * with Gaussian-weighted local moments (window 11, sigma 1.5, the paper's),
 * C1 = (0.01 L)^2, C2 = (0.03 L)^2, averaged over the positions where the
 * window fits. Used by the randomisation checks (Adebayo et al. 2018) on
 * min-max-normalised maps. 1 for identical maps.
 * @param shape the maps' shape, e.g. [H, W] or [D, H, W]
 * @throws InvalidInputError when the lengths do not match the shape
 */
export function structuralSimilarity(a: ArrayLike<number>, b: ArrayLike<number>, shape: readonly number[], options: SsimOptions = {}): number {
  const { dataRange = 1, windowSize = 11, sigma = 1.5 } = options;
  if (!(dataRange > 0) || !Number.isFinite(dataRange)) throw new InvalidOptionError('dataRange', `must be a finite number > 0; got ${dataRange}`);
  if (!Number.isInteger(windowSize) || windowSize < 1) throw new InvalidOptionError('windowSize', `must be an integer >= 1; got ${windowSize}`);
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new InvalidOptionError('sigma', `must be a finite number > 0; got ${sigma}`);
  const size = shape.reduce((x, y) => x * y, 1);
  if (a.length !== size || b.length !== size) throw new InvalidInputError(`the maps have ${a.length} and ${b.length} values; shape [${shape}] needs ${size}`);
  const windows = shape.map((n) => gaussianWindow(Math.min(windowSize, n), sigma));
  const x = Float64Array.from(a);
  const y = Float64Array.from(b);
  const product = (u: Float64Array, v: Float64Array) => u.map((value, i) => value * v[i]!);
  const muX = localMean(x, shape, windows);
  const muY = localMean(y, shape, windows);
  const xx = localMean(product(x, x), shape, windows);
  const yy = localMean(product(y, y), shape, windows);
  const xy = localMean(product(x, y), shape, windows);
  const c1 = (0.01 * dataRange) ** 2;
  const c2 = (0.03 * dataRange) ** 2;
  let total = 0;
  for (let i = 0; i < muX.length; i++) {
    const [mx, my] = [muX[i]!, muY[i]!];
    const varX = xx[i]! - mx * mx;
    const varY = yy[i]! - my * my;
    const cov = xy[i]! - mx * my;
    total += ((2 * mx * my + c1) * (2 * cov + c2)) / ((mx * mx + my * my + c1) * (varX + varY + c2));
  }
  return total / muX.length;
}
