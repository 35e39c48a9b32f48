import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  MODEL_METADATA_FILE,
  ModelMetadataError,
  parseModelMetadata,
  preprocessImage,
  readModelMetadata,
  resolveModelInput,
  xaiDecoder,
  type ModelMetadataSource,
} from '@tfxai/node';
import { forEachBackend } from '@tfxai/test-utils';
import { EXAMPLE_DIR, EXAMPLE_IMAGES, EXAMPLE_MODEL, removeFolder, tempFolder } from './fixtures.js';

function metadataError(value: unknown): ModelMetadataError {
  try {
    parseModelMetadata(value, 'x/tfxai.json');
  } catch (error) {
    expect(error).to.be.instanceOf(ModelMetadataError);
    return error as ModelMetadataError;
  }
  return expect.fail(`accepted ${JSON.stringify(value)}`);
}

/** A copy of the example model (model.json + weights) in a fresh folder, without its sidecar. */
async function modelCopy(): Promise<{ folder: string; model: string }> {
  const folder = await tempFolder('tfxai-meta-');
  await copyFile(EXAMPLE_MODEL, path.join(folder, 'model.json'));
  await copyFile(path.join(EXAMPLE_DIR, 'model/weights.bin'), path.join(folder, 'weights.bin'));
  return { folder, model: path.join(folder, 'model.json') };
}

describe('model metadata (tfxai.json)', () => {
  it('accepts every field and returns them typed', () => {
    const json = { version: 1, standardize: 'rescale', inputRange: [0, 1], channels: 3, channelOrder: 'bgr', classNames: ['a', 'b'], description: 'free text' };
    expect(parseModelMetadata(json, 'f')).to.deep.equal({ version: 1, standardize: 'rescale', inputRange: [0, 1], channels: 3, channelOrder: 'bgr', classNames: ['a', 'b'] });
    expect(parseModelMetadata({}, 'f')).to.deep.equal({});
  });

  it('names the bad field and what is allowed', () => {
    const cases: [unknown, string, RegExp][] = [
      [[1, 2], '', /expected a JSON object, got an array/],
      [{ standardise: 'rescale' }, 'standardise', /unknown field; allowed: version, standardize/],
      [{ version: 2 }, 'version', /got 2; allowed: 1/],
      [{ standardize: 'scale' }, 'standardize', /allowed: none, rescale, minmax/],
      [{ inputRange: [1, 0] }, 'inputRange', /min < max/],
      [{ inputRange: [0, 'x'] }, 'inputRange', /two finite numbers/],
      [{ channels: 4 }, 'channels', /allowed: 1 or 3/],
      [{ channelOrder: 'brg' }, 'channelOrder', /"rgb" or "bgr"/],
      [{ channels: 1, channelOrder: 'bgr' }, 'channelOrder', /needs 3 channels/],
      [{ classNames: [] }, 'classNames', /non-empty array/],
      [{ classNames: ['a', ''] }, 'classNames', /non-empty strings/],
      [{ classNames: ['a', 'b', 'a'] }, 'classNames', /'a' appears twice/],
      [{ standardize: 'rescale', inputRange: [0, 255] }, 'inputRange', /contradicts standardize 'rescale', whose output range is \[0,1\]/],
      [{ standardize: 'tf', inputRange: [0, 1] }, 'inputRange', /contradicts standardize 'tf'/],
      [{ standardize: 'torch', channels: 1 }, 'standardize', /RGB input/],
      [{ standardize: 'caffe', channelOrder: 'rgb' }, 'channelOrder', /feeds the model BGR/],
      [{ inputRange: [0, 2] }, 'standardize', /does not imply a mode/],
    ];
    for (const [value, field, message] of cases) {
      const error = metadataError(value);
      expect(error.field, JSON.stringify(value)).to.equal(field);
      expect(error.code).to.equal('MODEL_METADATA_INVALID');
      expect(error.message, JSON.stringify(value)).to.match(message);
      expect(error.message).to.contain("'x/tfxai.json'");
    }
  });

  it('resolves options over metadata over the assumed none, and says which applied', () => {
    const source = (metadata: object): ModelMetadataSource => ({ metadata, file: '/m/tfxai.json', kind: 'sidecar' });
    const fromFile = resolveModelInput({}, source({ standardize: 'z-score', classNames: ['a'] }));
    expect([fromFile.standardize, fromFile.assumed, fromFile.classNames]).to.deep.equal(['z-score', false, ['a']]);
    expect(fromFile.preprocessingNote).to.equal('preprocessing: standardize z-score (from /m/tfxai.json)');
    // The range alone implies the mode.
    expect(resolveModelInput({}, source({ inputRange: [-1, 1] })).standardize).to.equal('tf');
    expect(resolveModelInput({}, source({ inputRange: [0, 255] })).standardize).to.equal('none');
    const overridden = resolveModelInput({ standardize: 'minmax', channels: 1 }, source({ standardize: 'rescale', channels: 3 }));
    expect([overridden.standardize, overridden.channels, overridden.assumed]).to.deep.equal(['minmax', 1, false]);
    expect(overridden.preprocessingNote).to.match(/minmax \(given as an option\)/);
    const assumed = resolveModelInput({}, undefined);
    expect([assumed.standardize, assumed.assumed, assumed.reverseChannels]).to.deep.equal(['none', true, false]);
    expect(assumed.preprocessingNote).to.match(/ASSUMED standardize none.*no tfxai\.json beside the model.*--standardize/);
    expect(resolveModelInput({}, source({ classNames: ['a'] })).preprocessingNote).to.match(/ASSUMED.*tfxai\.json does not say/);
    // BGR: reversed before standardisation, except by 'caffe', which reverses itself.
    expect(resolveModelInput({}, source({ standardize: 'rescale', channelOrder: 'bgr' })).reverseChannels).to.equal(true);
    expect(resolveModelInput({}, source({ standardize: 'caffe', channelOrder: 'bgr' })).reverseChannels).to.equal(false);
  });

  it('reads the sidecar, else model.json userDefinedMetadata.tfxai; the sidecar wins; none gives undefined', async () => {
    const { folder, model } = await modelCopy();
    try {
      expect(await readModelMetadata(model)).to.equal(undefined);
      const json = JSON.parse(await readFile(model, 'utf8'));
      await writeFile(model, JSON.stringify({ ...json, userDefinedMetadata: { tfxai: { standardize: 'tf', classNames: ['p', 'r', 'x'] } } }));
      expect(await readModelMetadata(model)).to.deep.equal({ metadata: { standardize: 'tf', classNames: ['p', 'r', 'x'] }, file: model, kind: 'model.json' });
      await writeFile(path.join(folder, MODEL_METADATA_FILE), JSON.stringify({ standardize: 'rescale' }));
      expect(await readModelMetadata(model)).to.deep.equal({ metadata: { standardize: 'rescale' }, file: path.join(folder, MODEL_METADATA_FILE), kind: 'sidecar' });
      await writeFile(path.join(folder, MODEL_METADATA_FILE), '{ "standardize": ');
      const broken = await readModelMetadata(model).then(() => undefined, (error: unknown) => error);
      expect(broken).to.be.instanceOf(ModelMetadataError);
      expect((broken as Error).message).to.match(/not valid JSON/);
    } finally {
      await removeFolder(folder);
    }
  });

  it('the bundled example model ships a sidecar that names its classes and its 0..1 input', async () => {
    const found = await readModelMetadata(EXAMPLE_MODEL);
    const metrics = JSON.parse(await readFile(path.join(EXAMPLE_DIR, 'model/metrics.json'), 'utf8')) as { classNames: string[] };
    expect(found?.kind).to.equal('sidecar');
    expect(found?.metadata.classNames).to.deep.equal(metrics.classNames);
    expect(found?.metadata.standardize).to.equal('rescale');
  });

  forEachBackend(() => {
    it("channelOrder 'bgr' reverses the channels before standardisation, value for value", () => {
      const image = tf.tensor3d([10, 20, 30, 40, 50, 60], [1, 2, 3]);
      const out = preprocessImage(image, { height: null, width: null, channels: 3, reverseChannels: true }, 'rescale');
      const expected = [30, 20, 10, 60, 50, 40].map((v) => Math.fround(v / 255));
      expect([...out.dataSync()]).to.deep.equal(expected);
      tf.dispose([image, out]);
    });

    it('xaiDecoder with no options predicts every example image right from the sidecar, names the classes, and assumes nothing', async () => {
      const boxes = JSON.parse(await readFile(path.join(EXAMPLE_IMAGES, 'boxes.json'), 'utf8')) as Record<string, { class: number; className: string }>;
      const before = tf.memory().numTensors;
      // The cheapest method: only the predicted class matters here.
      const result = await xaiDecoder({ inputs: EXAMPLE_IMAGES, model: EXAMPLE_MODEL, method: 'saliency' });
      expect(tf.memory().numTensors).to.equal(before);
      expect(result.samples).to.have.length(9);
      for (const sample of result.samples) {
        expect(sample.classes, sample.sample).to.deep.equal([boxes[sample.sample]!.class]);
        expect(sample.classNames, sample.sample).to.deep.equal([boxes[sample.sample]!.className]);
      }
      expect(result.classNames).to.deep.equal(['plus', 'ring', 'x']);
      expect(result.preprocessingAssumed).to.equal(false);
      expect(result.preprocessing).to.match(/standardize rescale \(from .*tfxai\.json\)/);
    });

    it("worker threads apply the metadata too: channelOrder 'bgr' gives the same maps in 2 threads as in 1, and other maps than 'rgb'", async () => {
      const { folder, model } = await modelCopy();
      try {
        await writeFile(path.join(folder, MODEL_METADATA_FILE), JSON.stringify({ standardize: 'rescale', channelOrder: 'bgr', classNames: ['p', 'r', 'x'] }));
        const options = { inputs: EXAMPLE_IMAGES, model, method: 'saliency', glob: '{plus,ring}-0[12].png', classes: [0] };
        const one = await xaiDecoder({ ...options, workers: 1 });
        const two = await xaiDecoder({ ...options, workers: 2 });
        expect(two.workers).to.equal(2);
        expect(two.samples.map((s) => s.classNames)).to.deep.equal([['p'], ['p'], ['p'], ['p']]);
        two.samples.forEach((s, i) => expect([...s.maps![0]!.map], s.sample).to.deep.equal([...one.samples[i]!.maps![0]!.map]));
        const rgb = await xaiDecoder({ ...options, workers: 1, metadata: { standardize: 'rescale' } });
        const differs = rgb.samples.some((s, i) => s.maps![0]!.map.some((v, j) => v !== one.samples[i]!.maps![0]!.map[j]));
        expect(differs, 'reversing the channels changes the saliency maps').to.equal(true);
      } finally {
        await removeFolder(folder);
      }
    });

    it('without a sidecar the run reports the assumed preprocessing; class names that do not fit the model are an error', async () => {
      const { folder, model } = await modelCopy();
      try {
        const plain = await xaiDecoder({ inputs: path.join(EXAMPLE_IMAGES, 'plus-01.png'), model, method: 'saliency' });
        expect(plain.preprocessingAssumed).to.equal(true);
        expect(plain.preprocessing).to.match(/ASSUMED standardize none/);
        expect(plain.classNames).to.equal(undefined);
        await writeFile(path.join(folder, MODEL_METADATA_FILE), JSON.stringify({ standardize: 'rescale', classNames: ['a', 'b'] }));
        const error = await xaiDecoder({ inputs: path.join(EXAMPLE_IMAGES, 'plus-01.png'), model, method: 'saliency' }).then(() => undefined, (e: unknown) => e);
        expect(error).to.be.instanceOf(ModelMetadataError);
        expect((error as ModelMetadataError).field).to.equal('classNames');
        expect((error as Error).message).to.match(/2 names for a model with 3 output classes/);
        // metadata: false ignores the file; an explicit object is checked like one.
        const ignored = await xaiDecoder({ inputs: path.join(EXAMPLE_IMAGES, 'plus-01.png'), model, method: 'saliency', metadata: false });
        expect(ignored.preprocessingAssumed).to.equal(true);
        const given = await xaiDecoder({ inputs: path.join(EXAMPLE_IMAGES, 'plus-01.png'), model, method: 'saliency', metadata: { classNames: ['P', 'R', 'X'], standardize: 'rescale' } });
        expect(given.samples[0]!.classNames).to.deep.equal(['P']);
      } finally {
        await removeFolder(folder);
      }
    });
  });
});
