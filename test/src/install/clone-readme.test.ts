// A newcomer's first minutes: clone the repository into a temporary folder and run
// the README's commands as written: the quick start (`npm ci && npm run demo`;
// `npm test` is what is running this), then `npx tfxai --help` and the README's
// command-line example. The clone is of the committed HEAD: uncommitted edits are
// not in it.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { extractBlocks } from '../docs/doc-blocks.js';
import { isPng, REPO, repoStatus, sh, tempFolder } from './install-helpers.js';

/** The README's sh blocks, each as its commands (comments and blank lines dropped, `\` continuations joined). */
function readmeCommands(): { quickStart: string[]; cliExample: string[] } {
  const { runnable } = extractBlocks('README.md', readFileSync(path.join(REPO, 'README.md'), 'utf8'));
  const commands = (code: string) => code.replace(/\\\n\s*/g, '').split('\n').map((l) => l.replace(/(^|\s)#.*$/, '').trim()).filter(Boolean);
  const shBlocks = runnable.filter((b) => b.language === 'sh');
  const quickStart = shBlocks.find((b) => /npm ci/.test(b.code));
  const cliExample = shBlocks.find((b) => /tfxai explain/.test(b.code));
  if (!quickStart || !cliExample) throw new Error('README.md: no sh block with `npm ci` (quick start) or `tfxai explain` (command line)');
  return { quickStart: commands(quickStart.code), cliExample: commands(cliExample.code) };
}

describe('a fresh clone runs the README as written', function () {
  this.timeout(3_600_000);
  const { quickStart, cliExample } = readmeCommands();
  let clone: string;
  let statusBefore: string;

  before(async () => {
    statusBefore = await repoStatus();
    if (statusBefore !== '') console.log('      note: the work tree has uncommitted changes; the clone tests the committed HEAD');
    const parent = tempFolder('tfxai-clone-');
    clone = path.join(parent, 'tfxai');
    const head = (await sh('git', ['rev-parse', 'HEAD'], { cwd: REPO })).stdout.trim();
    await sh('git', ['clone', '--quiet', REPO, clone], { cwd: parent });
    await sh('git', ['checkout', '--quiet', head], { cwd: clone });
  });

  after(async () => {
    if (clone && !process.env.TFXAI_KEEP_INSTALL_FOLDER) rmSync(path.dirname(clone), { recursive: true, force: true });
    expect(await repoStatus(), 'the clone test wrote into the repository').to.equal(statusBefore);
  });

  it('the quick start is `npm ci && npm run demo` then `npm test`', () => {
    expect(quickStart).to.deep.equal(['npm ci && npm run demo', 'npm test']);
  });

  it('`npm ci && npm run demo` installs, builds and writes the demo\'s overlays and overview', async () => {
    await sh('bash', ['-euo', 'pipefail', '-c', quickStart[0]!], { cwd: clone });
    expect(isPng(path.join(clone, 'demo-output/overview.png')), 'demo-output/overview.png').to.equal(true);
    const sheets = readdirSync(path.join(clone, 'demo-output/sheets')).filter((f) => f.endsWith('.png'));
    expect(sheets).to.have.length(readdirSync(path.join(clone, 'examples/synthetic-shapes/images')).filter((f) => f.endsWith('.png')).length);
  });

  it('`npx tfxai --help` finds the command npm linked at install time', async () => {
    const { stdout } = await sh('npx', ['tfxai', '--help'], { cwd: clone });
    expect(stdout).to.match(/tfxai explain --model/);
  });

  it('the README\'s command-line example writes one PNG overlay per example image', async () => {
    for (const command of cliExample) await sh('bash', ['-euo', 'pipefail', '-c', command], { cwd: clone });
    const images = readdirSync(path.join(clone, 'examples/synthetic-shapes/images')).filter((f) => f.endsWith('.png'));
    const out = /--out (\S+)/.exec(cliExample.join(' '))![1]!;
    for (const image of images) {
      const overlay = path.join(clone, out, image);
      expect(existsSync(overlay), overlay).to.equal(true);
      expect(isPng(overlay), overlay).to.equal(true);
    }
  });
});
