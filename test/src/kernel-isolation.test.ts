import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./user-gradients-script.js', import.meta.url));

interface Report {
  results: Record<string, string[]>;
  fusedUntouched: boolean;
  gradientsUntouched: boolean;
  sameKernels: Record<string, boolean>;
}

async function userRun(importTfxai: boolean): Promise<Report> {
  const env = { ...process.env, TFXAI_IMPORT: importTfxai ? '1' : '0', TFXAI_KERNELS: '' };
  const { stdout } = await run(process.execPath, [script], { env, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Report;
}

describe("importing tfxai leaves a user's own TensorFlow.js untouched (kernels scoped to tfxai's calls)", function () {
  this.timeout(600000);
  let without: Report;
  let withTfxai: Report;
  before(async () => {
    [without, withTfxai] = await Promise.all([userRun(false), userRun(true)]);
  });

  for (const backend of ['cpu', 'wasm']) {
    for (const model of ['mobilenet-v2-like', 'u-net-like', 'squeeze-excite']) {
      it(`${backend}, ${model} (batch 3): what tf.grad / tf.variableGrads computed without tfxai, they compute bit for bit with it, before and after tfxai's methods ran`, () => {
        const reference = without.results[`${backend} ${model}`]!;
        for (const run of [`${backend} ${model}`, `${backend} ${model} after tfxai`]) {
          const actual = withTfxai.results[run]!;
          // Stock wasm lacks some gradient kernels, which tfxai fills for good: compare what worked.
          ['input gradient', 'weight gradients'].forEach((what, i) => {
            if (!reference[i]!.startsWith('error:')) expect(actual[i], `${run}: ${what}`).to.equal(reference[i]);
          });
        }
      });
    }

    it(`${backend}: the comparison is not empty (input gradients of every model computed without tfxai)`, () => {
      for (const model of ['mobilenet-v2-like', 'u-net-like', 'squeeze-excite']) {
        const reference = without.results[`${backend} ${model}`]!;
        // On stock wasm even the input gradient of a tfjs-layers Conv2D needs the missing Conv2DBackpropFilter.
        if (backend === 'cpu') expect(reference.join(' '), `${backend} ${model}`).to.not.match(/error/);
        if (backend === 'wasm' && model !== 'mobilenet-v2-like') expect(reference[0], `${backend} ${model}`).to.not.match(/^error/);
      }
    });
  }

  it('tf.fused, the gradient registry and the stock kernels are the same objects after importing tfxai and running it', () => {
    expect(withTfxai.fusedUntouched, 'tf.fused').to.equal(true);
    expect(withTfxai.gradientsUntouched, 'gradients').to.equal(true);
    expect(withTfxai.sameKernels).to.deep.equal({ cpu: true, wasm: true });
  });
});
