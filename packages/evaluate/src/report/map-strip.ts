import { colormapLut, encodePng, type ColormapName } from '@tfxai/node';
import { escapeXml } from './svg-png.js';

/** One tile of a strip: a map and its caption. */
export interface StripTile {
  caption: string;
  /** A second caption line (similarities, say). */
  detail?: string;
  /** height * width values; min-max normalised for display. */
  map: ArrayLike<number>;
}

/** A map coloured with a colormap as RGB bytes, min-max normalised first. */
function colourMap(map: ArrayLike<number>, colormap: ColormapName): Uint8Array {
  const lut = colormapLut(colormap);
  let [min, max] = [Infinity, -Infinity];
  for (let i = 0; i < map.length; i++) [min, max] = [Math.min(min, map[i]!), Math.max(max, map[i]!)];
  const rgb = new Uint8Array(map.length * 3);
  for (let i = 0; i < map.length; i++) {
    const level = max > min ? Math.round((255 * (map[i]! - min)) / (max - min)) : 0;
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round(255 * lut[level * 3 + c]!);
  }
  return rgb;
}

/**
 * An SVG strip of maps side by side with captions, each map a colormapped
 * PNG embedded as a data URI and scaled up without smoothing: the
 * randomisation cascade as a picture (original, then each stage).
 * @param tileSize the displayed side of a tile in pixels (default 128)
 */
export async function mapStripSvg(title: string, tiles: readonly StripTile[], height: number, width: number, colormap: ColormapName = 'jet', tileSize = 128): Promise<string> {
  const gap = 10;
  const scale = tileSize / Math.max(height, width);
  const [tileW, tileH] = [Math.round(width * scale), Math.round(height * scale)];
  const svgWidth = tiles.length * (tileW + gap) + gap;
  const svgHeight = tileH + 74;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${svgWidth}" height="${svgHeight}" font-family="sans-serif" font-size="11">`, `<rect width="${svgWidth}" height="${svgHeight}" fill="white"/>`];
  parts.push(`<text x="${gap}" y="18" font-size="13" font-weight="bold">${escapeXml(title)}</text>`);
  for (const [k, tile] of tiles.entries()) {
    const png = await encodePng(colourMap(tile.map, colormap), width, height, 3);
    const x = gap + k * (tileW + gap);
    parts.push(`<image x="${x}" y="28" width="${tileW}" height="${tileH}" preserveAspectRatio="none" style="image-rendering:pixelated" xlink:href="data:image/png;base64,${png.toString('base64')}"/>`);
    parts.push(`<text x="${x + tileW / 2}" y="${tileH + 44}" text-anchor="middle">${escapeXml(tile.caption)}</text>`);
    if (tile.detail) parts.push(`<text x="${x + tileW / 2}" y="${tileH + 60}" text-anchor="middle" fill="#555">${escapeXml(tile.detail)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}
