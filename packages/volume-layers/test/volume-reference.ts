/**
 * Slow, obvious references for the 3-D layers: plain loops over a row-major
 * 5-D array, written from Keras's documented definitions, sharing no code
 * with the layers under test.
 */
export type Shape5 = [number, number, number, number, number];

/** Row-major offset of index `i` in an array of `shape`. */
export function offset(shape: readonly number[], i: readonly number[]): number {
  let o = 0;
  for (let a = 0; a < shape.length; a++) o = o * shape[a]! + i[a]!;
  return o;
}

/** Calls `visit` with every index of `shape`, in row-major order. */
export function forEachIndex(shape: readonly number[], visit: (i: number[]) => void): void {
  const i = shape.map(() => 0);
  const total = shape.reduce((a, b) => a * b, 1);
  for (let n = 0; n < total; n++) {
    visit([...i]);
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++i[a]! < shape[a]!) break;
      i[a] = 0;
    }
  }
}

/** Deterministic values in [-1, 1) (a linear congruential sequence), so failures reproduce. */
export function sequenceValues(count: number, seed = 1): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let k = 0; k < count; k++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[k] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Output of `fn(outIndex) -> value` over `outShape`. */
export function build(outShape: readonly number[], fn: (i: number[]) => number): Float32Array {
  const out = new Float32Array(outShape.reduce((a, b) => a * b, 1));
  forEachIndex(outShape, (i) => (out[offset(outShape, i)] = fn(i)));
  return out;
}
