import { expect } from 'chai';
import { ProgressReporter, UsageError, formatDuration, parseMethodOptions, progressLine } from '@tfxai/cli';
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
