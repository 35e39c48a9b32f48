import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { ModelLoadError, loadModelFromFile } from '@tfxai/node';
import { expectAllClose, forEachBackend, useBackend } from '@tfxai/test-utils';
import { removeFolder, tempFolder } from './fixtures.js';

/** y = x W + b for a Dense(3) on 2 inputs: W is [[1, -2, 0.5], [3, 0.25, -1]], b is [0.1, 0.2, 0.3]. */
const KERNEL = [1, -2, 0.5, 3, 0.25, -1];
const BIAS = [0.1, 0.2, 0.3];

/** The topology and weight specs of that Dense model, as tfjs saves them. */
async function denseArtifacts(): Promise<tf.io.ModelArtifacts> {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] })] });
  model.setWeights([tf.tensor2d(KERNEL, [2, 3]), tf.tensor1d(BIAS)]);
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  model.dispose();
  return saved!;
}

/** Writes model.json naming `paths` as the weight shards of one group (the caller writes the shards). */
async function writeModelJson(folder: string, paths: string[]): Promise<string> {
  const artifacts = await denseArtifacts();
  await mkdir(folder, { recursive: true });
  const file = path.join(folder, 'model.json');
  await writeFile(file, JSON.stringify({ format: 'layers-model', modelTopology: artifacts.modelTopology, weightsManifest: [{ paths, weights: artifacts.weightSpecs }] }));
  return file;
}

/** The 36 weight bytes (kernel then bias, float32 little-endian). */
const WEIGHT_BYTES = Buffer.from(Float32Array.from([...KERNEL, ...BIAS]).buffer);

async function loadError(file: string): Promise<ModelLoadError> {
  return loadModelFromFile(file).then(
    (loaded) => {
      loaded.model.dispose();
      return expect.fail('expected the load to be refused');
    },
    (error: ModelLoadError) => error,
  );
}

describe('model loading: weight files confined to the model folder and checked against the manifest', () => {
  let root: string;
  // The backend-independent cases build their model.json on whichever backend is ready.
  before(async () => useBackend('cpu'));
  beforeEach(async () => (root = await tempFolder('tfxai-weights-')));
  afterEach(async () => removeFolder(root));

  forEachBackend(() => {
    it('loads weights split over two shards, and through a link that stays inside the folder; predicts x W + b', async () => {
      const folder = path.join(root, 'model');
      const file = await writeModelJson(folder, ['part-1.bin', 'sub/part-2.bin']);
      await writeFile(path.join(folder, 'part-1.bin'), WEIGHT_BYTES.subarray(0, 20));
      await mkdir(path.join(folder, 'store'));
      await writeFile(path.join(folder, 'store/real-2.bin'), WEIGHT_BYTES.subarray(20));
      await mkdir(path.join(folder, 'sub'));
      await symlink('../store/real-2.bin', path.join(folder, 'sub/part-2.bin'));
      const { model } = await loadModelFromFile(file);
      const y = (model as tf.LayersModel).predict(tf.tensor2d([[2, -1]])) as tf.Tensor;
      // [2, -1] W + b = [2 - 3, -4 - 0.25, 1 + 1] + b
      expectAllClose(await y.data(), [-1 + 0.1, -4.25 + 0.2, 2 + 0.3], 1e-6);
      y.dispose();
      model.dispose();
    });
  });

  it('refuses weight paths that leave the folder (relative, absolute, devices, escaping links) without reading them', async () => {
    const folder = path.join(root, 'a/b/model');
    // A file of exactly the right size outside the folder: it would load if the path were followed.
    await writeFile(path.join(root, 'x.bin'), WEIGHT_BYTES);
    await mkdir(folder, { recursive: true });
    await symlink(path.join(root, 'x.bin'), path.join(folder, 'escape.bin'));
    await symlink('/dev/zero', path.join(folder, 'zero.bin'));
    for (const [shard, why] of [
      ['../../../x.bin', /'\.\.\/\.\.\/\.\.\/x\.bin' leads out of the model folder/],
      ['/etc/passwd', /'\/etc\/passwd' is absolute or a URL/],
      ['/dev/zero', /'\/dev\/zero' is absolute/],
      ['file:///etc/passwd', /is absolute or a URL/],
      ['escape.bin', /'escape\.bin' is a link that leads out of the model folder/],
      ['zero.bin', /'zero\.bin' is a link that leads out of the model folder/],
    ] as const) {
      const error = await loadError(await writeModelJson(folder, [shard]));
      expect(error, shard).to.be.instanceOf(ModelLoadError);
      expect([error.reason, error.code], shard).to.deep.equal(['unsafe-path', 'MODEL_UNSAFE_WEIGHT_PATH']);
      expect(error.message, shard).to.match(why);
    }
  });

  it('refuses a FIFO or a device inside the folder at once instead of waiting on it', async () => {
    const folder = path.join(root, 'model');
    await mkdir(folder);
    execFileSync('mkfifo', [path.join(folder, 'pipe.bin')]);
    const error = await loadError(await writeModelJson(folder, ['pipe.bin']));
    expect([error.reason, error.message]).to.satisfy(([reason, message]: string[]) => reason === 'unsafe-path' && /'pipe\.bin' is refused: it is a FIFO, not a regular file/.test(message!));
    // The model.json itself as a FIFO: refused too.
    execFileSync('mkfifo', [path.join(folder, 'fifo.json')]);
    expect((await loadError(path.join(folder, 'fifo.json'))).message).to.match(/it is a FIFO, not a regular file/);
  });

  it('checks the shards against the bytes the manifest lists before reading them: truncated and oversized are refused', async () => {
    const folder = path.join(root, 'model');
    const file = await writeModelJson(folder, ['w-1.bin', 'w-2.bin']);
    for (const [first, second, need] of [
      [WEIGHT_BYTES.subarray(0, 20), WEIGHT_BYTES.subarray(20, 35), /hold 35 bytes, but the weights listed for them need 36 \(truncated/],
      [WEIGHT_BYTES.subarray(0, 20), Buffer.concat([WEIGHT_BYTES.subarray(20), Buffer.alloc(8)]), /hold 44 bytes, but the weights listed for them need 36 \(too large/],
      [Buffer.alloc(0), WEIGHT_BYTES.subarray(20), /hold 16 bytes, but .* need 36/],
    ] as const) {
      await writeFile(path.join(folder, 'w-1.bin'), first);
      await writeFile(path.join(folder, 'w-2.bin'), second);
      const error = await loadError(file);
      expect([error.reason, error.code]).to.deep.equal(['weight-size', 'MODEL_WEIGHT_SIZE']);
      expect(error.message).to.match(need);
      expect(error.message).to.contain("'w-1.bin', 'w-2.bin'");
    }
  });
});
