import { expect } from 'chai';
import { ProgressReporter, UsageError, declaredOptionsOf, formatDuration, optionListing, parseMethodOptions, progressLine } from '@tfxai/cli';
import { defaultRegistry } from 'tfxai';
import type { DecoderProgress } from '@tfxai/node';

const progress = (completed: number, extra: Partial<DecoderProgress> = {}): DecoderProgress => ({
  completed,
  total: 4,
  done: completed,
  skipped: 0,
  failed: 0,
  rate: 2,
  etaSeconds: (4 - completed) / 2,
  sample: `img-${completed}.png`,
  status: 'done',
  ...extra,
});

describe('CLI helpers', () => {
  it('parses --method-option values as JSON when they parse, else as strings', () => {
    expect(parseMethodOptions(['numSteps=64', 'rule=gauss-legendre', 'multiplyByInputs=false', 'baseline=[0,0.5]', 'name="7"', 'eq=a=b'])).to.deep.equal({
      numSteps: 64,
      rule: 'gauss-legendre',
      multiplyByInputs: false,
      baseline: [0, 0.5],
      name: '7',
      eq: 'a=b',
    });
    expect(() => parseMethodOptions(['numSteps'])).to.throw(UsageError, /not key=value/);
  });

  it("reads -O values by the method's declared option types, nested options by dotted keys", () => {
    const ig = declaredOptionsOf(defaultRegistry(), 'ig');
    expect(ig, 'IG declares its options').to.not.equal(undefined);
    expect(parseMethodOptions(['numSteps=64', 'rule=1e3', 'multiplyByInputs=true', 'smoothGrad.samples=20', 'smoothGrad.mode=vargrad'], ig)).to.deep.equal({
      numSteps: 64,
      rule: '1e3', // a choice stays the string the user typed (the registry then names the allowed rules)
      multiplyByInputs: true,
      smoothGrad: { samples: 20, mode: 'vargrad' },
    });
    expect(() => parseMethodOptions(['numSteps=ten'], ig)).to.throw(UsageError, /numSteps takes an integer; got 'ten'/);
    expect(() => parseMethodOptions(['multiplyByInputs=yes'], ig)).to.throw(UsageError, /multiplyByInputs takes true or false/);
    expect(() => parseMethodOptions(['smoothGrad.samples=x'], ig)).to.throw(UsageError, /samples takes an integer/);
    // An undeclared key is left for the registry, which names the closest option.
    expect(parseMethodOptions(['numStep=20'], ig)).to.deep.equal({ numStep: 20 });
    expect(() => defaultRegistry().decoder('ig')((x: unknown) => x as never, parseMethodOptions(['numStep=20'], ig))).to.throw(/did you mean 'numSteps'/);
  });

  it('lists declared options with defaults, allowed values and meaning (tfxai methods --verbose)', () => {
    const info = defaultRegistry().names().find((m) => m.name === 'integrated-gradients')!;
    const listing = optionListing(info);
    expect(listing).to.match(/^integrated-gradients options \(-O key=value\):/);
    expect(listing).to.match(/numSteps +default 50; integer >= 1 and <= 10000/);
    expect(listing.split('\n').filter((line) => /^  \S/.test(line))).to.have.length(info.options!.length);
  });

  it('formats durations and progress lines', () => {
    expect(formatDuration(0)).to.equal('0:00');
    expect(formatDuration(75)).to.equal('1:15');
    expect(formatDuration(3725)).to.equal('1:02:05');
    expect(formatDuration(undefined)).to.equal('--:--');
    expect(progressLine(progress(1, { failed: 1, done: 0 }))).to.equal('1/4 25% 2.00 img/s ETA 0:02 (1 failed)');
  });

  it('draws a bar in place on a terminal and plain lines elsewhere', () => {
    const tty: string[] = [];
    const bar = new ProgressReporter({ isTTY: true, columns: 100, write: (t) => tty.push(t) });
    bar.update(progress(4));
    bar.finish();
    expect(tty[0]).to.match(/^\r\x1b\[K\[#{30}\] 4\/4 100% 2\.00 img\/s ETA 0:00 img-4\.png$/);
    expect(tty[1]).to.equal('\n');
    const plain: string[] = [];
    const lines = new ProgressReporter({ write: (t) => plain.push(t) }, 60);
    [1, 2, 3, 4].forEach((n) => lines.update(progress(n)));
    // The first line, then nothing within the interval, then the last.
    expect(plain).to.deep.equal(['progress: 1/4 25% 2.00 img/s ETA 0:02\n', 'progress: 4/4 100% 2.00 img/s ETA 0:00\n']);
  });
});
