/**
 * Plain-loop references for 3-D convolution and pooling (NDHWC), in float64,
 * from TensorFlow's definitions: 'same' pads ceil(in / stride) outputs with
 * the padding split floor(total / 2) before; 'valid' pads nothing; average
 * pooling divides by the real (unpadded) voxels of each window; max pooling
 * routes a window's gradient to its first strict maximum. They share no code
 * with tfjs or with the kernels under test.
 */
export type Padding3d = 'same' | 'valid';
export interface Volume { values: Float64Array; shape: number[] }

export interface AxisGeometry { inSize: number; outSize: number; before: number; filter: number; stride: number; dilation: number }

export function axisGeometry(inSize: number, filter: number, stride: number, dilation: number, padding: Padding3d): AxisGeometry {
  const effective = (filter - 1) * dilation + 1;
  if (padding === 'valid') return { inSize, outSize: Math.ceil((inSize - effective + 1) / stride), before: 0, filter, stride, dilation };
  const outSize = Math.ceil(inSize / stride);
  const total = Math.max((outSize - 1) * stride + effective - inSize, 0);
  return { inSize, outSize, before: Math.floor(total / 2), filter, stride, dilation };
}

/** Calls `visit(window voxel index, in-bounds)` for each tap of output (o0, o1, o2); returns nothing. */
function taps(g: AxisGeometry[], o: number[], visit: (i: number[], k: number[]) => void): void {
  for (let k0 = 0; k0 < g[0]!.filter; k0++) for (let k1 = 0; k1 < g[1]!.filter; k1++) for (let k2 = 0; k2 < g[2]!.filter; k2++) {
    const k = [k0, k1, k2];
    const i = k.map((kk, a) => o[a]! * g[a]!.stride + kk * g[a]!.dilation - g[a]!.before);
    if (i.every((v, a) => v >= 0 && v < g[a]!.inSize)) visit(i, k);
  }
}

function outputs(g: AxisGeometry[], visit: (o: number[]) => void): void {
  for (let a = 0; a < g[0]!.outSize; a++) for (let b = 0; b < g[1]!.outSize; b++) for (let c = 0; c < g[2]!.outSize; c++) visit([a, b, c]);
}

const at5 = (shape: number[], n: number, i: number[], c: number) => (((n * shape[1]! + i[0]!) * shape[2]! + i[1]!) * shape[3]! + i[2]!) * shape[4]! + c;

/** conv3d forward and both gradients for upstream `dy` (a function of the output index). */
export function conv3dReference(x: Volume, filter: Volume, strides: number[], dilations: number[], padding: Padding3d, dy: (index: number) => number) {
  const [n, , , , ci] = x.shape as [number, number, number, number, number];
  const co = filter.shape[4]!;
  const g = [0, 1, 2].map((a) => axisGeometry(x.shape[a + 1]!, filter.shape[a]!, strides[a]!, dilations[a]!, padding));
  const outShape = [n, ...g.map((a) => a.outSize), co];
  const y = new Float64Array(outShape.reduce((a, b) => a * b, 1));
  const dx = new Float64Array(x.values.length);
  const dFilter = new Float64Array(filter.values.length);
  for (let b = 0; b < n; b++) {
    outputs(g, (o) => {
      taps(g, o, (i, k) => {
        for (let cin = 0; cin < ci; cin++) for (let cout = 0; cout < co; cout++) {
          const yi = at5(outShape, b, o, cout);
          const xi = at5(x.shape, b, i, cin);
          const wi = (((k[0]! * filter.shape[1]! + k[1]!) * filter.shape[2]! + k[2]!) * ci + cin) * co + cout;
          y[yi] += x.values[xi]! * filter.values[wi]!;
          dx[xi] += dy(yi) * filter.values[wi]!;
          dFilter[wi] += dy(yi) * x.values[xi]!;
        }
      });
    });
  }
  return { y, outShape, dx, dFilter };
}

/** maxPool3d / avgPool3d forward and input gradient for upstream `dy`. */
export function pool3dReference(kind: 'max' | 'avg', x: Volume, size: number[], strides: number[], padding: Padding3d, dy: (index: number) => number) {
  const [n, , , , ch] = x.shape as [number, number, number, number, number];
  const g = [0, 1, 2].map((a) => axisGeometry(x.shape[a + 1]!, size[a]!, strides[a]!, 1, padding));
  const outShape = [n, ...g.map((a) => a.outSize), ch];
  const y = new Float64Array(outShape.reduce((a, b) => a * b, 1));
  const dx = new Float64Array(x.values.length);
  for (let b = 0; b < n; b++) {
    outputs(g, (o) => {
      for (let c = 0; c < ch; c++) {
        const yi = at5(outShape, b, o, c);
        const window: number[] = [];
        taps(g, o, (i) => window.push(at5(x.shape, b, i, c)));
        if (kind === 'avg') {
          y[yi] = window.reduce((s, xi) => s + x.values[xi]!, 0) / window.length;
          for (const xi of window) dx[xi] += dy(yi) / window.length;
        } else {
          let best = window[0]!;
          for (const xi of window) if (x.values[xi]! > x.values[best]!) best = xi;
          y[yi] = x.values[best]!;
          dx[best] += dy(yi);
        }
      }
    });
  }
  return { y, outShape, dx };
}
