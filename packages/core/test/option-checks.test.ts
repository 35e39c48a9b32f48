import { expect } from 'chai';
import { InvalidOptionError, checkBoolean, checkChoice, checkInteger, checkNumber, checkSeed, rejectUnknownKeys } from '@tfxai/core';

describe('option checks', () => {
  it('return allowed values unchanged', () => {
    expect(checkInteger('n', 1)).to.equal(1);
    expect(checkInteger('n', 2, 2)).to.equal(2);
    expect(checkNumber('x', -3.5)).to.equal(-3.5);
    expect(checkNumber('x', 0, { min: 0 })).to.equal(0);
    expect(checkNumber('x', 1, { min: 0, max: 1 })).to.equal(1);
    expect(checkBoolean('b', false)).to.equal(false);
    expect(checkChoice('mode', 'b', ['a', 'b'])).to.equal('b');
    expect(checkSeed('seed', -(2 ** 53 - 1))).to.equal(-(2 ** 53 - 1));
    expect(() => rejectUnknownKeys('options', { a: 1, b: undefined }, ['a', 'b'])).to.not.throw();
  });

  it('reject the rest with an InvalidOptionError naming the option, what is allowed and what came', () => {
    const cases: [() => unknown, RegExp][] = [
      [() => checkInteger('numSteps', 0), /^option 'numSteps': must be an integer >= 1; got 0$/],
      [() => checkInteger('numSamples', 1.5, 2), /^option 'numSamples': must be an integer >= 2; got 1.5$/],
      [() => checkInteger('n', '3'), /must be an integer >= 1; got '3'$/],
      [() => checkNumber('noiseLevel', -0.1, { min: 0 }), /^option 'noiseLevel': must be a finite number >= 0; got -0.1$/],
      [() => checkNumber('sigma', 0, { min: 0, minExclusive: true }), /must be a finite number > 0; got 0$/],
      [() => checkNumber('f', 1.5, { min: 0, max: 1 }), /must be a finite number >= 0 and <= 1; got 1.5$/],
      [() => checkNumber('x', NaN), /must be a finite number; got NaN$/],
      [() => checkNumber('x', Infinity, { min: 0 }), /got Infinity$/],
      [() => checkBoolean('absolute', 'yes'), /^option 'absolute': must be true or false; got 'yes'$/],
      [() => checkChoice('mode', 'mean', ['plain', 'squared']), /^option 'mode': got 'mean'; allowed: plain, squared$/],
      [() => checkChoice('mode', 3, ['plain']), /got 3; allowed: plain$/],
      [() => checkSeed('seed', 0.5), /^option 'seed': must be a safe integer; got 0.5$/],
      [() => checkSeed('seed', 2 ** 53), /must be a safe integer; got 9007199254740992$/],
      [() => rejectUnknownKeys('smoothGrad', { sample: 3 }, ['samples', 'mode']), /^option 'smoothGrad.sample': unknown option; allowed: samples, mode$/],
      [() => rejectUnknownKeys('options', [1], ['a']), /^option 'options': must be an object of options; got \[1\]$/],
      [() => rejectUnknownKeys('options', null, ['a']), /must be an object of options; got null$/],
    ];
    for (const [check, message] of cases) expect(check).to.throw(InvalidOptionError, message);
  });
});
