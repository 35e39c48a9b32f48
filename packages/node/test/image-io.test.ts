import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import sharp from 'sharp';
import { ImageReadError, decodeImage, encodePng, readImage } from '@tfxai/node';
import { EXAMPLE_IMAGES, encodeTestPng, removeFolder, tempFolder } from './fixtures.js';

const W = 5;
const H = 3;
const rgbBytes = Uint8Array.from({ length: W * H * 3 }, (_, i) => (i * 53 + 7) % 256);
const grayBytes = Uint8Array.from({ length: W * H }, (_, i) => (i * 71 + 3) % 256);

function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: unknown) => error,
  );
}

describe('image I/O', () => {
  it('reads 8-bit RGB and grayscale PNG exactly', async () => {
    const rgb = await decodeImage(encodeTestPng(W, H, 3, 8, rgbBytes), 'rgb.png');
    expect([rgb.width, rgb.height, rgb.channels, rgb.bitDepth]).to.deep.equal([W, H, 3, 8]);
    expect([...rgb.data]).to.deep.equal([...rgbBytes]);
    const gray = await decodeImage(encodeTestPng(W, H, 1, 8, grayBytes), 'gray.png');
    expect([gray.channels, gray.bitDepth]).to.deep.equal([1, 8]);
    expect([...gray.data]).to.deep.equal([...grayBytes]);
  });

  it('reads 16-bit PNG at full precision on the 0..255 scale (value / 257)', async () => {
    const values = [0, 1, 257, 1000, 30000, 65535, 12345, 54321, 2, 40000, 65534, 7, 8, 9, 10];
    const gray = await decodeImage(encodeTestPng(W, H, 1, 16, values), 'gray16.png');
    expect([gray.channels, gray.bitDepth]).to.deep.equal([1, 16]);
    expect([...gray.data]).to.deep.equal(values.map((v) => Math.fround(v / 257)));
    const rgbValues = Array.from({ length: W * H * 3 }, (_, i) => (i * 4099) % 65536);
    const rgb = await decodeImage(encodeTestPng(W, H, 3, 16, rgbValues), 'rgb16.png');
    expect([rgb.channels, rgb.bitDepth]).to.deep.equal([3, 16]);
    expect([...rgb.data]).to.deep.equal(rgbValues.map((v) => Math.fround(v / 257)));
  });

  it('drops alpha: RGBA -> RGB, gray + alpha -> gray', async () => {
    const rgba = Array.from({ length: W * H * 4 }, (_, i) => (i % 4 === 3 ? 128 : (i * 31) % 256));
    const image = await decodeImage(encodeTestPng(W, H, 4, 8, rgba), 'rgba.png');
    expect(image.channels).to.equal(3);
    expect([...image.data]).to.deep.equal(rgba.filter((_, i) => i % 4 !== 3));
    const grayAlpha = Array.from({ length: W * H * 2 }, (_, i) => (i % 2 ? 0 : i * 3));
    const gray = await decodeImage(encodeTestPng(W, H, 2, 16, grayAlpha.map((v) => v * 257)), 'ga16.png');
    expect(gray.channels).to.equal(1);
    expect([...gray.data]).to.deep.equal(grayAlpha.filter((_, i) => i % 2 === 0));
  });

  it('reads TIFF and lossless WebP exactly, JPEG closely', async () => {
    const raw = { raw: { width: W, height: H, channels: 3 as const } };
    const tiff = await decodeImage(await sharp(rgbBytes, raw).tiff({ compression: 'lzw' }).toBuffer(), 'x.tif');
    expect([...tiff.data]).to.deep.equal([...rgbBytes]);
    const webp = await decodeImage(await sharp(rgbBytes, raw).webp({ lossless: true }).toBuffer(), 'x.webp');
    expect([...webp.data]).to.deep.equal([...rgbBytes]);
    const flat = new Uint8Array(16 * 16 * 3).fill(0).map((_, i) => [200, 100, 50][i % 3]!);
    const jpeg = await decodeImage(await sharp(flat, { raw: { width: 16, height: 16, channels: 3 } }).jpeg({ quality: 95 }).toBuffer(), 'x.jpg');
    expect(jpeg.channels).to.equal(3);
    expect(Math.max(...jpeg.data.map((v, i) => Math.abs(v - flat[i]!)))).to.be.below(4);
  });

  it('reads the example images as 64x64 RGB', async () => {
    const image = await readImage(path.join(EXAMPLE_IMAGES, 'plus-01.png'));
    expect([image.width, image.height, image.channels]).to.deep.equal([64, 64, 3]);
  });

  it('reports corrupt, unsupported and unreadable files with typed errors', async () => {
    const folder = await tempFolder();
    try {
      const png = encodeTestPng(W, H, 3, 8, rgbBytes);
      const truncated = path.join(folder, 'truncated.png');
      await writeFile(truncated, png.subarray(0, 45));
      const corrupt = (await caught(readImage(truncated))) as ImageReadError;
      expect(corrupt).to.be.instanceOf(ImageReadError);
      expect([corrupt.code, corrupt.reason, corrupt.file]).to.deep.equal(['IMAGE_CORRUPT', 'corrupt', truncated]);

      const text = path.join(folder, 'notes.png');
      await writeFile(text, 'this is not an image');
      const unsupported = (await caught(readImage(text))) as ImageReadError;
      expect(unsupported.code).to.equal('IMAGE_UNSUPPORTED');
      expect(unsupported.message).to.match(/notes\.png.*supported are PNG, JPEG, TIFF and WebP/);

      const gif = path.join(folder, 'anim.gif');
      await writeFile(gif, await sharp(rgbBytes, { raw: { width: W, height: H, channels: 3 } }).gif().toBuffer());
      const gifError = (await caught(readImage(gif))) as ImageReadError;
      expect([gifError.code, gifError.message]).to.satisfy(([code, message]: string[]) => code === 'IMAGE_UNSUPPORTED' && /format is gif/.test(message!));

      const missing = (await caught(readImage(path.join(folder, 'missing.png')))) as ImageReadError;
      expect([missing.code, missing.reason]).to.deep.equal(['IMAGE_UNREADABLE', 'unreadable']);
      expect(missing.message).to.contain('ENOENT');
    } finally {
      await removeFolder(folder);
    }
  });

  it('encodePng round-trips 8-bit RGB and gray', async () => {
    const rgb = await decodeImage(await encodePng(rgbBytes, W, H, 3), 'a');
    expect([...rgb.data]).to.deep.equal([...rgbBytes]);
    const gray = await decodeImage(await encodePng(grayBytes, W, H, 1), 'b');
    expect([...gray.data]).to.deep.equal([...grayBytes]);
  });
});
