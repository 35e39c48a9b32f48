import { InvalidOptionError } from '@tfxai/core';
import { TURBO_TABLE, VIRIDIS_TABLE } from './colormap-tables.js';

/** The colormaps an overlay can use. */
export type ColormapName = 'jet' | 'viridis' | 'turbo' | 'gray';
export const COLORMAP_NAMES: readonly ColormapName[] = ['jet', 'viridis', 'turbo', 'gray'];

/** A 256-entry colormap: `lut[3 * k + c]` is channel c (r, g, b) of level k, in [0, 1]. */
export type ColormapLut = Float64Array;

/** One channel of a segmented map: (x, value below x, value above x) breakpoints, as matplotlib writes them. */
type Segments = readonly (readonly [number, number, number])[];

// matplotlib's `_jet_data` (matplotlib/_cm.py), the jet AUCMEDI overlays with.
const JET_SEGMENTS: readonly [Segments, Segments, Segments] = [
  [[0, 0, 0], [0.35, 0, 0], [0.66, 1, 1], [0.89, 1, 1], [1, 0.5, 0.5]],
  [[0, 0, 0], [0.125, 0, 0], [0.375, 1, 1], [0.64, 1, 1], [0.91, 0, 0], [1, 0, 0]],
  [[0, 0.5, 0.5], [0.11, 1, 1], [0.34, 1, 1], [0.65, 0, 0], [1, 0, 0]],
];

/**
 * matplotlib's `_create_lookup_table(256, segments)`, step for step in
 * float64, so that the levels equal `cm.get_cmap('jet')(np.arange(256))`:
 * the sample points are linspace(0, 1, 256) and each value is interpolated
 * linearly between the breakpoints either side.
 */
function segmentedChannel(segments: Segments, n: number): Float64Array {
  const lut = new Float64Array(n);
  const step = 1 / (n - 1);
  lut[0] = segments[0]![2];
  lut[n - 1] = segments[segments.length - 1]![1];
  for (let k = 1; k < n - 1; k++) {
    const x = k * step;
    // searchsorted(side='left'): the first breakpoint at or after x.
    let i = 1;
    while (segments[i]![0] < x) i++;
    const [x0, , above0] = segments[i - 1]!;
    const [x1, below1] = segments[i]!;
    const distance = (x - x0) / (x1 - x0);
    lut[k] = Math.min(1, Math.max(0, distance * (below1 - above0) + above0));
  }
  return lut;
}

function interleave(channels: readonly Float64Array[]): ColormapLut {
  const lut = new Float64Array(256 * 3);
  for (let k = 0; k < 256; k++) for (let c = 0; c < 3; c++) lut[3 * k + c] = channels[c]![k]!;
  return lut;
}

const builders: Record<ColormapName, () => ColormapLut> = {
  jet: () => interleave(JET_SEGMENTS.map((segments) => segmentedChannel(segments, 256))),
  viridis: () => Float64Array.from(VIRIDIS_TABLE),
  turbo: () => Float64Array.from(TURBO_TABLE),
  gray: () => interleave([0, 1, 2].map(() => Float64Array.from({ length: 256 }, (_, k) => k / 255))),
};

const cache = new Map<ColormapName, ColormapLut>();

/**
 * The 256-level lookup table of a colormap (shared; do not modify).
 * @throws InvalidOptionError for a name that is not one of {@link COLORMAP_NAMES}
 */
export function colormapLut(name: ColormapName): ColormapLut {
  if (!COLORMAP_NAMES.includes(name)) {
    throw new InvalidOptionError('colormap', `got '${String(name)}'; allowed: ${COLORMAP_NAMES.join(', ')}`);
  }
  let lut = cache.get(name);
  if (!lut) {
    lut = builders[name]();
    cache.set(name, lut);
  }
  return lut;
}

/** The (r, g, b) colour, each in [0, 1], of level `k` (0 to 255) of a colormap. */
export function colormapColor(name: ColormapName, k: number): [number, number, number] {
  const lut = colormapLut(name);
  return [lut[3 * k]!, lut[3 * k + 1]!, lut[3 * k + 2]!];
}
