import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = `import('@tfxai/core').then(async (core) => {
  try { const name = await core.initBackend(); console.log(JSON.stringify({ name, again: await core.initBackend(), chosen: core.chosenBackend() })); }
  catch (e) { console.log(JSON.stringify({ error: e.constructor.name, code: e.code, message: e.message })); }
});`;

/** Backend choice is process-wide state, so each case runs in a fresh Node process. */
async function choose(env: Record<string, string>): Promise<{ stdout: Record<string, string>; stderr: string }> {
  const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env } });
  return { stdout: JSON.parse(stdout) as Record<string, string>, stderr };
}

describe('backend selection', function () {
  this.timeout(60000);

  it('chooses the fastest backend that loads (wasm here, tfjs-node where installed) and logs it once', async () => {
    const { stdout, stderr } = await choose({ TFXAI_BACKEND: '' });
    expect(['tensorflow', 'wasm']).to.include(stdout['name']);
    expect(stdout['again']).to.equal(stdout['name']);
    expect(stdout['chosen']).to.equal(stdout['name']);
    expect(stderr.match(/\[tfxai\] TensorFlow.js backend/g)).to.have.length(1);
  });

  for (const forced of ['cpu', 'wasm']) {
    it(`TFXAI_BACKEND=${forced} forces it`, async () => {
      expect((await choose({ TFXAI_BACKEND: forced })).stdout['name']).to.equal(forced);
    });
  }

  it('an unknown TFXAI_BACKEND is a typed error listing the allowed names', async () => {
    const { stdout } = await choose({ TFXAI_BACKEND: 'webgpu' });
    expect(stdout['code']).to.equal('BACKEND_UNAVAILABLE');
    expect(stdout['message']).to.contain('allowed: tensorflow, wasm, cpu');
  });
});
