import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  InvalidOptionError,
  checkOptions,
  createRegistry,
  defineMethod,
  minMaxNormalize,
  optionsTable,
  resolveDeclaredOptions,
  type OptionSpec,
  type XaiMethod,
} from '@tfxai/core';

const SPECS: readonly OptionSpec[] = [
  { name: 'numSteps', type: 'integer', min: 1, max: 100, default: 50, doc: 'steps' },
  { name: 'sigma', type: 'number', min: 0, minExclusive: true, doc: 'noise' },
  { name: 'relu', type: 'boolean', default: true, doc: 'relu' },
  { name: 'mode', type: 'choice', choices: ['plain', 'squared'], default: 'plain', doc: 'mode' },
  { name: 'label', type: 'string', doc: 'a name' },
  { name: 'inner', type: 'object', options: [{ name: 'size', type: 'integer', min: 2, doc: 'size' }], doc: 'nested' },
  { name: 'even', type: 'custom', typeDoc: 'an even number', check: (v, name) => {
    if (typeof v !== 'number' || v % 2 !== 0) throw new InvalidOptionError(name, `must be even; got ${String(v)}`);
  }, doc: 'custom' },
];

describe('options declared as data (OptionSpec)', () => {
  const fails = (options: unknown) => () => checkOptions(SPECS, options, '', 'probe');

  it('an unknown key names the closest declared option and lists the allowed ones', () => {
    expect(fails({ numStep: 20 })).to.throw(InvalidOptionError, /'options.numStep': unknown option; allowed: numSteps, sigma, relu, mode, label, inner, even; did you mean 'numSteps'\?/);
    expect(fails({ NUMSTEPS: 20 })).to.throw(InvalidOptionError, /did you mean 'numSteps'/);
    expect(fails({ zzzzzzzz: 1 })).to.throw(InvalidOptionError, /unknown option; allowed: numSteps.*even'?$/);
    expect(fails({ inner: { sise: 3 } })).to.throw(InvalidOptionError, /'inner.sise': unknown option; allowed: size; did you mean 'size'/);
  });

  it('layerName given to a method without a layer is refused, saying why', () => {
    expect(fails({ layerName: 'conv1' })).to.throw(InvalidOptionError, /method 'probe' does not work on a layer.*remove it/);
  });

  it('types and ranges: NaN, Infinity, fractions, strings and out-of-range values are refused with the allowed range', () => {
    expect(fails({ numSteps: 0 })).to.throw(InvalidOptionError, /'numSteps': must be an integer >= 1; got 0/);
    expect(fails({ numSteps: 2.5 })).to.throw(InvalidOptionError, /must be an integer >= 1 and <= 100; got 2.5/);
    expect(fails({ numSteps: NaN })).to.throw(InvalidOptionError, /got NaN/);
    expect(fails({ numSteps: '5' })).to.throw(InvalidOptionError, /got '5'/);
    expect(fails({ sigma: 0 })).to.throw(InvalidOptionError, /'sigma': must be a finite number > 0; got 0/);
    expect(fails({ sigma: Infinity })).to.throw(InvalidOptionError, /finite number > 0; got Infinity/);
    expect(fails({ relu: 'yes' })).to.throw(InvalidOptionError, /'relu': must be true or false; got 'yes'/);
    expect(fails({ mode: 'plian' })).to.throw(InvalidOptionError, /'mode': got 'plian'; allowed: plain, squared; did you mean 'plain'/);
    expect(fails({ label: '' })).to.throw(InvalidOptionError, /non-empty string/);
    expect(fails({ inner: { size: 1 } })).to.throw(InvalidOptionError, /'inner.size': must be an integer >= 2; got 1/);
    expect(fails({ inner: 3 })).to.throw(InvalidOptionError, /'inner': must be an object/);
    expect(fails({ even: 3 })).to.throw(InvalidOptionError, /'even': must be even; got 3/);
    expect(fails([1])).to.throw(InvalidOptionError, /must be an object of options/);
    expect(() => checkOptions(SPECS, { numSteps: 100, sigma: 1e-9, relu: false, mode: 'squared', label: 'x', inner: { size: 2 }, even: 4 })).not.to.throw();
  });

  it('an upper bound on work is raised deliberately with limits, and only for bounded options', () => {
    expect(fails({ numSteps: 1e9 })).to.throw(InvalidOptionError, /'numSteps': must be an integer <= 100; got 1000000000; .*raise it deliberately with limits: \{ numSteps: 1000000000 \}/);
    expect(() => checkOptions(SPECS, { numSteps: 150, limits: { numSteps: 200 } })).not.to.throw();
    expect(fails({ numSteps: 250, limits: { numSteps: 200 } })).to.throw(InvalidOptionError, /<= 200; got 250/);
    expect(fails({ limits: { sigma: 5 } })).to.throw(InvalidOptionError, /'limits.sigma': not a bounded option; bounded: numSteps/);
    expect(fails({ limits: { numSteps: NaN } })).to.throw(InvalidOptionError, /'limits.numSteps': must be a positive finite number/);
  });

  it('resolveDeclaredOptions fills in the declared defaults and keeps given values', () => {
    expect(resolveDeclaredOptions(SPECS, { numSteps: 7 })).to.deep.equal({ numSteps: 7, relu: true, mode: 'plain' });
    expect(resolveDeclaredOptions(SPECS, undefined)).to.deep.equal({ numSteps: 50, relu: true, mode: 'plain' });
    expect(resolveDeclaredOptions(SPECS, { numSteps: undefined, limits: { numSteps: 5 } })).to.deep.equal({ numSteps: 50, relu: true, mode: 'plain' });
  });

  it('optionsTable renders one markdown row per declaration, escaping pipes', () => {
    const table = optionsTable([
      { name: 'numSteps', type: 'integer', min: 1, max: 100, default: 50, doc: 'steps' },
      { name: 'mode', type: 'choice', choices: ['a', 'b'], default: 'a', doc: 'x | y' },
      { name: 'stdevs', type: 'number', min: 0, defaultDoc: '0.09 of the range', doc: 'noise' },
      { name: 'smooth', type: 'custom', typeDoc: '`true` or { samples }', doc: 'sg' },
    ]);
    expect(table.split('\n')).to.deep.equal([
      '| option | default | allowed | meaning |',
      '|---|---|---|---|',
      '| `numSteps` | `50` | integer >= 1 and <= 100 | steps |',
      "| `mode` | `'a'` | `'a'`, `'b'` | x \\| y |",
      '| `stdevs` | 0.09 of the range | number >= 0 | noise |',
      '| `smooth` | — | `true` or { samples } | sg |',
    ]);
  });

  describe('through the registry', () => {
    const seen: unknown[] = [];
    const probe: XaiMethod = { name: 'probe', computeHeatmap: async () => tf.zeros([1, 1]) as tf.Tensor2D };
    const registry = createRegistry(
      defineMethod({ name: 'declared', options: SPECS, create: (_model, options) => (seen.push(options), probe) }),
      defineMethod({ name: 'undeclared', create: (_model, options) => (seen.push(options), probe) }),
    );
    const model = (x: tf.Tensor4D) => x.mean([1, 2]);

    it('checks the options of a method that declares them before create runs; the info lists them', () => {
      seen.length = 0;
      expect(() => registry.decoder('declared')(model, { numStep: 3 })).to.throw(InvalidOptionError, /did you mean 'numSteps'/);
      expect(seen).to.deep.equal([]);
      registry.decoder('declared')(model, { numSteps: 3 });
      expect(seen).to.deep.equal([{ numSteps: 3 }]);
      const info = registry.names().find((i) => i.name === 'declared')!;
      expect(info.options!.map((s) => s.name)).to.deep.equal([...SPECS.map((s) => s.name), 'smoothGrad']);
      expect(registry.names().find((i) => i.name === 'undeclared')!.options).to.equal(undefined);
    });

    it('passes the options of a method that declares none unchecked', () => {
      seen.length = 0;
      registry.decoder('undeclared')(model, { anything: 1 });
      expect(seen).to.deep.equal([{ anything: 1 }]);
    });
  });

  it('eps: NaN, Infinity or a negative eps is an InvalidOptionError, not a NaN map', () => {
    const map = tf.tensor2d([[0, 1], [2, 3]]);
    for (const eps of [NaN, Infinity, -1]) expect(() => minMaxNormalize(map, eps)).to.throw(InvalidOptionError, /'eps': must be a finite number >= 0/);
    expect(Array.from(minMaxNormalize(map, 0).dataSync())).to.deep.equal([0, 1 / 3, 2 / 3, 1].map(Math.fround));
    map.dispose();
  });
});
