import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { testBackends } from '@tfxai/test-utils';
import { EXAMPLE_MODEL, encodeTestPng, removeFolder, tempFolder } from './fixtures.js';

const CRASH_PLUGIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'plugins/crash-plugin.js');

/** Runs a script in a child Node whose heap (and each worker thread's) is capped at `heapMb`. */
function runNode(script: string, heapMb: number, backend: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [`--max-old-space-size=${heapMb}`, script], { env: { ...process.env, TFXAI_BACKEND: backend }, maxBuffer: 1 << 24 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

describe('xaiDecoder on worker threads: a worker that runs out of memory', () => {
  let folder: string;
  beforeEach(async () => (folder = await tempFolder('tfxai-oom-')));
  afterEach(async () => removeFolder(folder));

  for (const backend of testBackends().filter((b) => b !== 'tensorflow')) {
    it(`on ${backend}: fails only the image it was explaining, with a message saying so; the run ends and does the rest`, async () => {
      for (let i = 0; i < 6; i++) {
        const values = Array.from({ length: 64 * 64 * 3 }, (_, k) => (i === 2 ? 0 : (k * 31 + i * 97) % 256));
        await writeFile(path.join(folder, `img-${i}.png`), encodeTestPng(64, 64, 3, 8, values));
      }
      // The crash plugin's 'oom' mode fills the JavaScript heap on the all-black image (img-2).
      const script = path.join(folder, 'run.mjs');
      await writeFile(
        script,
        `import { xaiDecoder } from ${JSON.stringify(import.meta.resolve('@tfxai/node'))};
const result = await xaiDecoder({ inputs: ${JSON.stringify(folder)}, model: ${JSON.stringify(EXAMPLE_MODEL)}, method: 'crash-on-black',
  plugins: [${JSON.stringify(CRASH_PLUGIN)}], methodOptions: { mode: 'oom' }, standardize: 'rescale', batchSize: 1, workers: 2 });
console.log(JSON.stringify({ samples: result.samples.map((s) => [s.sample, s.status, s.error?.name, s.error?.code, s.error?.message]), crashes: result.workerCrashes.map((e) => e.message) }));
`,
      );
      const { code, stdout, stderr } = await runNode(script, 256, backend);
      expect(code, stderr).to.equal(0);
      const report = JSON.parse(stdout.trim().split('\n').pop()!) as { samples: string[][]; crashes: string[] };
      expect(report.samples.map(([sample, status]) => [sample, status])).to.deep.equal([0, 1, 2, 3, 4, 5].map((i) => [`img-${i}.png`, i === 2 ? 'failed' : 'done']));
      const [, , name, errorCode, message] = report.samples[2]!;
      expect([name, errorCode]).to.deep.equal(['WorkerCrashError', 'WORKER_CRASHED']);
      expect(message).to.match(/stopped unexpectedly \(it ran out of memory \(.*JS heap out of memory\); lower the method's steps or samples, the batch size, or the number of workers\)/);
      expect(report.crashes).to.deep.equal([message]);
    });
  }
});
