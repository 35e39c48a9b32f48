import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { ModelLoadError, loadModelFromFile, savedModelKind } from '@tfxai/node';
import { expectAllClose, forEachBackend } from '@tfxai/test-utils';
import { EXAMPLE_MODEL, removeFolder, tempFolder } from './fixtures.js';

/** A graph model written by hand: y = softmax(x W) with W (2, 3). */
async function writeGraphModel(folder: string, withFormat: boolean): Promise<{ file: string; weights: number[] }> {
  const weights = [1, -2, 0.5, 3, 0.25, -1];
  const modelJson = {
    ...(withFormat ? { format: 'graph-model' } : {}),
    modelTopology: {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '2' }] } } } },
        { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '2' }, { size: '3' }] } } } } },
        { name: 'logits', op: 'MatMul', input: ['x', 'w'], attr: { T: { type: 'DT_FLOAT' }, transpose_a: { b: false }, transpose_b: { b: false } } },
        { name: 'probs', op: 'Softmax', input: ['logits'], attr: { T: { type: 'DT_FLOAT' } } },
      ],
      versions: { producer: 1 },
    },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'w', shape: [2, 3], dtype: 'float32' }] }],
  };
  await mkdir(folder, { recursive: true });
  const file = path.join(folder, 'model.json');
  await writeFile(file, JSON.stringify(modelJson));
  await writeFile(path.join(folder, 'group1-shard1of1.bin'), Buffer.from(Float32Array.from(weights).buffer));
  return { file, weights };
}

function caught(promise: Promise<unknown>): Promise<ModelLoadError> {
  return promise.then(
    () => expect.fail('expected a rejection'),
    (error: ModelLoadError) => error,
  );
}

describe('loading models from model.json on disk', () => {
  let folder: string;
  beforeEach(async () => (folder = await tempFolder()));
  afterEach(async () => removeFolder(folder));

  it('detects the kind from format, else from the topology', () => {
    expect(savedModelKind({ format: 'graph-model', modelTopology: {}, weightsManifest: [] })).to.equal('graph');
    expect(savedModelKind({ modelTopology: { node: [] }, weightsManifest: [] })).to.equal('graph');
    expect(savedModelKind({ modelTopology: { class_name: 'Sequential' }, weightsManifest: [] })).to.equal('layers');
    expect(savedModelKind({ modelTopology: { model_config: {} }, weightsManifest: [] })).to.equal('layers');
    expect(savedModelKind({ modelTopology: { something: 1 }, weightsManifest: [] })).to.equal(undefined);
  });

  forEachBackend(() => {
    it('loads the bundled layers model and it predicts like the same weights in memory', async () => {
      const { model, kind } = await loadModelFromFile(EXAMPLE_MODEL);
      expect(kind).to.equal('layers');
      const layers = model as tf.LayersModel;
      expect(layers.inputs[0]!.shape).to.deep.equal([null, 64, 64, 3]);
      const x = tf.randomUniform([2, 64, 64, 3], 0, 1, 'float32', 7);
      const probs = layers.predict(x) as tf.Tensor;
      expectAllClose(await tf.sum(probs, 1).data(), [1, 1], 1e-5);
      tf.dispose([x, probs]);
      model.dispose();
    });

    for (const withFormat of [true, false]) {
      it(`loads a graph model ${withFormat ? 'with' : 'without'} a format field, with its weights`, async () => {
        const { file, weights } = await writeGraphModel(folder, withFormat);
        const { model, kind } = await loadModelFromFile(file);
        expect(kind).to.equal('graph');
        const out = (model as tf.GraphModel).execute(tf.tensor2d([[1, 2]])) as tf.Tensor;
        // logits = [1*1 + 2*3, 1*-2 + 2*0.25, 1*0.5 + 2*-1] = [7, -1.5, -1.5]
        const logits = [weights[0]! + 2 * weights[3]!, weights[1]! + 2 * weights[4]!, weights[2]! + 2 * weights[5]!];
        const z = logits.map(Math.exp);
        const total = z.reduce((a, b) => a + b, 0);
        expectAllClose(await out.data(), z.map((v) => v / total), 1e-6);
        out.dispose();
        model.dispose();
      });
    }
  });

  it('says clearly what is wrong with a missing or broken model', async () => {
    const missing = await caught(loadModelFromFile(path.join(folder, 'nope/model.json')));
    expect(missing).to.be.instanceOf(ModelLoadError);
    expect([missing.code, missing.reason]).to.deep.equal(['MODEL_NOT_FOUND', 'not-found']);
    expect(missing.message).to.match(/nope\/model\.json.*does not exist.*model\.json/);

    const isFolder = await caught(loadModelFromFile(folder));
    expect(isFolder.message).to.match(/it is a folder; give the path of its model\.json/);

    const broken = path.join(folder, 'broken.json');
    await writeFile(broken, '{"modelTopology": ');
    expect((await caught(loadModelFromFile(broken))).code).to.equal('MODEL_UNREADABLE');

    const notModel = path.join(folder, 'other.json');
    await writeFile(notModel, '{"hello": 1}');
    const invalid = await caught(loadModelFromFile(notModel));
    expect([invalid.code, invalid.message]).to.satisfy(([code, message]: string[]) => code === 'MODEL_INVALID' && /no modelTopology/.test(message!));

    const { file } = await writeGraphModel(path.join(folder, 'g'), true);
    await import('node:fs/promises').then((fs) => fs.unlink(path.join(folder, 'g/group1-shard1of1.bin')));
    const noWeights = await caught(loadModelFromFile(file));
    expect([noWeights.code, noWeights.message]).to.satisfy(([code, message]: string[]) => code === 'MODEL_UNREADABLE' && /weight file 'group1-shard1of1\.bin'.*ENOENT/.test(message!));
  });
});
