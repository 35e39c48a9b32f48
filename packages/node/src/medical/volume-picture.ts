import sharp, { type OverlayOptions } from 'sharp';
import { colormapColor, type ColormapName } from '../colormaps.js';
import { overlayHeatmap } from '../overlay.js';
import { affineSpacing, type Affine } from './affine.js';

/** Options of {@link volumePicture}. */
export interface VolumePictureOptions {
  /** Heatmap weight in the overlay. Default: 0.5. */
  alpha?: number;
  /** Default: 'jet'. */
  colormap?: ColormapName;
  /** Height of each plane's panel in pixels. Default: 256. */
  panelHeight?: number;
  /** The voxel the three planes pass through. */
  at: readonly [number, number, number];
}

interface Plane {
  name: string;
  rowAxis: 0 | 1 | 2;
  columnAxis: 0 | 1 | 2;
  fixedAxis: 0 | 1 | 2;
}

/** The three voxel planes through a point: k fixed, j fixed, i fixed. */
const PLANES: readonly Plane[] = [
  { name: 'k', rowAxis: 1, columnAxis: 0, fixedAxis: 2 },
  { name: 'j', rowAxis: 2, columnAxis: 0, fixedAxis: 1 },
  { name: 'i', rowAxis: 2, columnAxis: 1, fixedAxis: 0 },
];

/**
 * One plane through `at` as a panel of `height` pixels, nearest-neighbour
 * resampled to the voxels' physical aspect ratio. Rows whose voxel axis
 * points superior or anterior are flipped so that up is up.
 */
function panel(scan: Float32Array, map: Float32Array, dims: readonly [number, number, number], affine: Affine, plane: Plane, at: readonly [number, number, number], height: number, options: VolumePictureOptions) {
  const spacing = affineSpacing(affine);
  const rows = dims[plane.rowAxis];
  const columns = dims[plane.columnAxis];
  const physicalHeight = rows * spacing[plane.rowAxis];
  const physicalWidth = columns * spacing[plane.columnAxis];
  const width = Math.max(1, Math.round((height * physicalWidth) / physicalHeight));
  // World axis of the row direction: flip when it points towards +A or +S (RAS), so those are at the top.
  const column = [0, 1, 2].map((r) => affine[r]![plane.rowAxis]!);
  const dominant = column.reduce((best, v, r) => (Math.abs(v) > Math.abs(column[best]!) ? r : best), 0);
  const flip = dominant > 0 && column[dominant]! > 0;
  const pixels = new Float32Array(width * height);
  const values = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    let row = Math.min(rows - 1, Math.floor(((y + 0.5) * rows) / height));
    if (flip) row = rows - 1 - row;
    for (let x = 0; x < width; x++) {
      const col = Math.min(columns - 1, Math.floor(((x + 0.5) * columns) / width));
      const ijk = [at[0], at[1], at[2]];
      ijk[plane.rowAxis] = row;
      ijk[plane.columnAxis] = col;
      const v = ijk[0]! + dims[0] * (ijk[1]! + dims[1] * ijk[2]!);
      pixels[y * width + x] = scan[v]!;
      values[y * width + x] = map[v]!;
    }
  }
  const rgb = overlayHeatmap({ width, height, channels: 1, data: pixels, bitDepth: 8 }, values, { alpha: options.alpha ?? 0.5, colormap: options.colormap ?? 'jet' });
  return { width, height, rgb };
}

/** A vertical colour bar, 1 at the top and 0 at the bottom. */
function colourBar(height: number, width: number, colormap: ColormapName): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const level = Math.round(255 * (1 - y / Math.max(1, height - 1)));
    const [r, g, b] = colormapColor(colormap, level);
    for (let x = 0; x < width; x++) out.set([Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)], 3 * (y * width + x));
  }
  return out;
}

/**
 * The picture a person reads at a glance: the three voxel planes through
 * `at` (usually the heatmap's peak), each the windowed scan (0..255) with
 * the map over it, side by side, then a colour bar (0 at the bottom, 1 at
 * the top). One-slice inputs (an X-ray) give the one plane.
 * @returns PNG bytes
 */
export async function volumePicture(scan: Float32Array, map: Float32Array, dims: readonly [number, number, number], affine: Affine, options: VolumePictureOptions): Promise<Buffer> {
  const height = options.panelHeight ?? 256;
  const planes = dims[2] === 1 ? [PLANES[0]!] : PLANES;
  const panels = planes.map((plane) => panel(scan, map, dims, affine, plane, options.at, height, options));
  const gap = 8;
  const barWidth = 16;
  const labelWidth = 28;
  const width = panels.reduce((sum, p) => sum + p.width + gap, 0) + barWidth + labelWidth;
  const composites: OverlayOptions[] = [];
  let x = 0;
  for (const p of panels) {
    composites.push({ input: Buffer.from(p.rgb), raw: { width: p.width, height: p.height, channels: 3 }, left: x, top: 0 });
    x += p.width + gap;
  }
  composites.push({ input: Buffer.from(colourBar(height, barWidth, options.colormap ?? 'jet')), raw: { width: barWidth, height, channels: 3 }, left: x, top: 0 });
  // Tick labels as SVG text (librsvg in sharp); without fonts they are left out and the bar still reads top = 1.
  const svg = `<svg width="${labelWidth}" height="${height}" xmlns="http://www.w3.org/2000/svg"><g font-family="sans-serif" font-size="11" fill="white">` +
    `<text x="3" y="11">1</text><text x="3" y="${height / 2 + 4}">0.5</text><text x="3" y="${height - 2}">0</text></g></svg>`;
  composites.push({ input: Buffer.from(svg), left: x + barWidth, top: 0 });
  const composed = await sharp({ create: { width, height, channels: 3, background: { r: 0, g: 0, b: 0 } } })
    .composite(composites)
    .raw()
    .toBuffer({ resolveWithObject: true });
  // The SVG layer brings an alpha channel: the picture is opaque RGB.
  return sharp(composed.data, { raw: { width, height, channels: composed.info.channels } }).removeAlpha().png().toBuffer();
}
