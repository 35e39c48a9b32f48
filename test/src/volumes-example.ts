import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { expectNoLeak } from '@tfxai/test-utils';

/** The structure that decides a volume's class in the 3-D example: a cube (voxels) from (depth, row, column). */
export interface StructureBox { depth: number; row: number; column: number; size: number }
/** One example volume as boxes.json records it. */
export interface VolumeEntry { class: number; className: string; box: StructureBox; scores: number[] }

// The 3-D example (examples/synthetic-volumes): its helpers are plain .mjs files, imported by URL so that tsc leaves them alone.
const exampleDir = new URL('../../examples/synthetic-volumes/', import.meta.url);
/** The folder of the example's volumes (.npy and .nii.gz) and their boxes. */
export const volumeDir = new URL('volumes/', exampleDir);
export const { loadVolumeModel } = (await import(new URL('load-model.mjs', exampleDir).href)) as { loadVolumeModel(): Promise<tf.LayersModel> };
/** Every example volume's class, structure box and recorded scores, by .npy file name. */
export const volumeIndex = JSON.parse(await readFile(new URL('boxes.json', volumeDir), 'utf8')) as Record<string, VolumeEntry>;
/** The side of the example's cubic volumes. */
export const SIZE = 24;

/** A little-endian float32 .npy (format 1.0) of the example, as @tfxai/node's encodeNpy writes it: the header's shape and the data. */
export async function readNpy(name: string): Promise<{ shape: number[]; values: Float32Array }> {
  const bytes = await readFile(new URL(name, volumeDir));
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  expect(header).to.contain("'descr': '<f4'");
  const shape = header.match(/'shape': \(([^)]*)\)/)![1]!.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const data = bytes.subarray(10 + headerLength);
  return { shape, values: new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

/** An example volume as (1, 24, 24, 24, 1); the caller disposes it. */
export async function readExampleVolume(name: string): Promise<tf.Tensor5D> {
  const { shape, values } = await readNpy(name);
  expect(shape).to.deep.equal([SIZE, SIZE, SIZE, 1]);
  return tf.tensor5d(values, [1, SIZE, SIZE, SIZE, 1]);
}

/** A method's (D, H, W) heatmap of `volume` for `classIndex` and its values, checked to leave no tensor behind. */
export function volumeHeatmap(
  method: { computeHeatmap(volume: tf.Tensor5D, classIndex: number): Promise<tf.Tensor> },
  volume: tf.Tensor5D,
  classIndex: number,
): Promise<{ shape: number[]; values: Float32Array }> {
  return expectNoLeak(async () => {
    const heatmap = await method.computeHeatmap(volume, classIndex);
    const result = { shape: heatmap.shape, values: (await heatmap.data()) as Float32Array };
    heatmap.dispose();
    return result;
  });
}

/** The (depth, row, column) of a (24, 24, 24) map's largest value. */
export function peakVoxel(values: ArrayLike<number>): [number, number, number] {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return [Math.floor(best / SIZE ** 2), Math.floor(best / SIZE) % SIZE, best % SIZE];
}

/** True when the voxel lies in the box grown by `margin` voxels on every side. */
export function inStructure([d, r, c]: [number, number, number], { depth, row, column, size }: StructureBox, margin: number): boolean {
  const inside = (v: number, start: number) => v >= start - margin && v < start + size + margin;
  return inside(d, depth) && inside(r, row) && inside(c, column);
}

/** The chance that a uniformly random voxel lies in the grown box: its share of the volume, averaged over `boxes`. */
export function structureChance(boxes: readonly StructureBox[], margin: number): number {
  return boxes.reduce((acc, { size }) => acc + (size + 2 * margin) ** 3 / SIZE ** 3, 0) / boxes.length;
}
