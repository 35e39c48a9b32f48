import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { ImageReadError, ImageSizeError } from './errors.js';
import type { RasterImage } from './raster-image.js';
import { NotRegularFileError, openRegularFile, readExactly } from './regular-file.js';

/** The container formats tfxai reads (detected from the content, not the file name). */
export const SUPPORTED_IMAGE_FORMATS: readonly string[] = ['png', 'jpeg', 'tiff', 'webp'];

/** File extensions the folder walk picks up by default. */
export const IMAGE_EXTENSIONS: readonly string[] = ['png', 'jpg', 'jpeg', 'tif', 'tiff', 'webp'];

/** sharp's sample formats that tfxai reads: 8-bit ('uchar') and 16-bit ('ushort') unsigned. */
const DEPTH_BITS: Record<string, 8 | 16 | undefined> = { uchar: 8, ushort: 16 };

/** How {@link decodeImage} treats a large image. */
export interface DecodeOptions {
  /** The most pixels (width x height) decoded at full size. Default: no limit. */
  maxPixels?: number;
  /**
   * Beyond `maxPixels`: 'shrink' decodes it scaled down (aspect kept, by sharp, so the full size never
   * exists in memory), 'refuse' throws an ImageSizeError from the header alone. Default: 'refuse'.
   */
  larger?: 'shrink' | 'refuse';
}

/**
 * Decodes an encoded image (PNG, JPEG, TIFF or WebP; 8 or 16 bits; grayscale,
 * RGB, with or without alpha) to a {@link RasterImage}. Alpha is dropped
 * (as PIL's `convert('RGB')`, which AUCMEDI's loader uses); other colour
 * spaces (CMYK, palettes) are converted to sRGB.
 * @param name how the image is named in errors
 * @throws ImageReadError (`unsupported` or `corrupt`); ImageSizeError beyond `options.maxPixels` with 'refuse'
 */
export async function decodeImage(encoded: Uint8Array, name: string, options: DecodeOptions = {}): Promise<RasterImage> {
  let metadata: Metadata;
  try {
    metadata = await sharp(encoded).metadata();
  } catch (error) {
    const message = (error as Error).message;
    const unsupported = /unsupported image format/i.test(message);
    throw new ImageReadError(name, unsupported ? 'unsupported' : 'corrupt', unsupported ? 'not a PNG, JPEG, TIFF or WebP image' : message);
  }
  if (!SUPPORTED_IMAGE_FORMATS.includes(metadata.format)) {
    throw new ImageReadError(name, 'unsupported', `its format is ${metadata.format}`);
  }
  const bits = DEPTH_BITS[metadata.depth ?? ''];
  if (bits === undefined) throw new ImageReadError(name, 'unsupported', `its samples are '${metadata.depth}'`);
  const colourChannels = (metadata.channels ?? 3) - (metadata.hasAlpha ? 1 : 0);
  const grayscale = colourChannels === 1 && metadata.space !== 'cmyk';
  const colourspace = grayscale ? (bits === 16 ? 'grey16' : 'b-w') : bits === 16 ? 'rgb16' : 'srgb';
  const size = shrunkSize(metadata, options, name);
  let pixels: { data: Buffer; info: OutputInfo };
  try {
    const source = sharp(encoded);
    pixels = await (size ? source.resize(size.width, size.height, { fit: 'fill' }) : source)
      .removeAlpha()
      .toColourspace(colourspace)
      .raw({ depth: bits === 16 ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new ImageReadError(name, 'corrupt', (error as Error).message);
  }
  const { width, height, channels } = pixels.info;
  if (channels !== 1 && channels !== 3) throw new ImageReadError(name, 'unsupported', `it decodes to ${channels} channels`);
  const count = width * height * channels;
  const data = new Float32Array(count);
  if (bits === 16) {
    // Raw 16-bit output is in the machine's byte order.
    const samples = new Uint16Array(pixels.data.buffer, pixels.data.byteOffset, count);
    for (let i = 0; i < count; i++) data[i] = samples[i]! / 257;
  } else {
    for (let i = 0; i < count; i++) data[i] = pixels.data[i]!;
  }
  return { width, height, channels, data, bitDepth: bits };
}

/** The size to decode at when the image has more than `maxPixels` and may be shrunk; undefined to decode as it is. */
function shrunkSize(metadata: Metadata, options: DecodeOptions, name: string): { width: number; height: number } | undefined {
  const { width, height } = metadata;
  if (options.maxPixels === undefined || !width || !height || width * height <= options.maxPixels) return undefined;
  if (options.larger !== 'shrink') {
    throw new ImageSizeError(name, 'too-large', `${width}x${height} has ${width * height} pixels; at most ${options.maxPixels} are read`);
  }
  const scale = Math.sqrt(options.maxPixels / (width * height));
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
}

/**
 * Reads and decodes an image file. See {@link decodeImage}.
 * @throws ImageReadError (`unreadable`, `unsupported` or `corrupt`); ImageSizeError (see {@link DecodeOptions})
 */
export async function readImage(file: string, options: DecodeOptions = {}): Promise<RasterImage> {
  let encoded: Buffer;
  try {
    // Only a regular file is opened for reading: a FIFO or a device is refused, not waited on.
    const { handle, size } = await openRegularFile(file);
    try {
      encoded = Buffer.alloc(size);
      encoded = encoded.subarray(0, await readExactly(handle, encoded));
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof NotRegularFileError) throw new ImageReadError(file, 'unreadable', error.message);
    throw new ImageReadError(file, 'unreadable', (error as NodeJS.ErrnoException).code ?? (error as Error).message);
  }
  return decodeImage(encoded, file, options);
}

/**
 * Encodes 8-bit pixels, row-major (H, W, C) with C = 1 or 3, as a PNG.
 */
export async function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Promise<Buffer> {
  const image = sharp(pixels, { raw: { width, height, channels } });
  // Without an explicit colour space sharp would widen one channel to RGB.
  return (channels === 1 ? image.toColourspace('b-w') : image).png().toBuffer();
}
