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
  conv2dCallUntouched: boolean;
  layerRoute: boolean;
  sameKernels: Record<string, boolean>;
}

/** @param patchFusedOps false: tfxai takes the ES-module (browser) route, dilated Conv2D layers by their class's call */
async function userRun(importTfxai: boolean, patchFusedOps = true): Promise<Report> {
  const env = { ...process.env, TFXAI_IMPORT: importTfxai ? '1' : '0', TFXAI_KERNELS: '', TFXAI_PATCH_FUSED: patchFusedOps ? '1' : '0' };
  const { stdout } = await run(process.execPath, [script], { env, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Report;
}

describe("importing tfxai leaves a user's own TensorFlow.js untouched (kernels scoped to tfxai's calls)", function () {
  this.timeout(600000);
  let without: Report;
  let withTfxai: Report;
  let withLayerRoute: Report;
  before(async () => {
    [without, withTfxai, withLayerRoute] = await Promise.all([userRun(false), userRun(true), userRun(true, false)]);
  });

  const tfxaiRuns = () => [['tf.fused route', withTfxai], ['Conv2D layer route', withLayerRoute]] as const;

  for (const backend of ['cpu', 'wasm']) {
    for (const model of ['mobilenet-v2-like', 'u-net-like', 'squeeze-excite']) {
      it(`${backend}, ${model} (batch 3): what tf.grad / tf.variableGrads computed without tfxai, they compute bit for bit with it, before and after tfxai's methods ran`, () => {
        const reference = without.results[`${backend} ${model}`]!;
        for (const [route, report] of tfxaiRuns()) {
          for (const run of [`${backend} ${model}`, `${backend} ${model} after tfxai`]) {
            const actual = report.results[run]!;
            // Stock wasm lacks some gradient kernels, which tfxai fills for good: compare what worked.
            ['input gradient', 'weight gradients'].forEach((what, i) => {
              if (!reference[i]!.startsWith('error:')) expect(actual[i], `${route}, ${run}: ${what}`).to.equal(reference[i]);
            });
          }
        }
      });
    }

    it(`${backend}, dilated Conv2D layers (batch 3): tfjs refuses the user's gradients with and without tfxai, before and after tfxai's methods explained the model`, () => {
      const reference = without.results[`${backend} dilated`]!;
      for (const outcome of reference) expect(outcome).to.match(/^error: .*dilation rates greater than 1/);
      for (const [route, report] of tfxaiRuns()) {
        for (const run of [`${backend} dilated`, `${backend} dilated after tfxai`]) expect(report.results[run], `${route}, ${run}`).to.deep.equal(reference);
      }
    });

    it(`${backend}: the comparison is not empty (input gradients of every model computed without tfxai)`, () => {
      for (const model of ['mobilenet-v2-like', 'u-net-like', 'squeeze-excite']) {
        const reference = without.results[`${backend} ${model}`]!;
        // On stock wasm even the input gradient of a tfjs-layers Conv2D needs the missing Conv2DBackpropFilter.
        if (backend === 'cpu') expect(reference.join(' '), `${backend} ${model}`).to.not.match(/error/);
        if (backend === 'wasm' && model !== 'mobilenet-v2-like') expect(reference[0], `${backend} ${model}`).to.not.match(/^error/);
      }
    });
  }

  it("tf.fused, the gradient registry, the stock kernels and tfjs-layers' Conv2D call are the same objects after importing tfxai and running it", () => {
    for (const [route, report] of tfxaiRuns()) {
      expect(report.fusedUntouched, `${route}: tf.fused`).to.equal(true);
      expect(report.gradientsUntouched, `${route}: gradients`).to.equal(true);
      expect(report.conv2dCallUntouched, `${route}: Conv2D's call`).to.equal(true);
      expect(report.sameKernels, route).to.deep.equal({ cpu: true, wasm: true });
    }
    expect([withTfxai.layerRoute, withLayerRoute.layerRoute], 'which route each run took').to.deep.equal([false, true]);
  });
});
