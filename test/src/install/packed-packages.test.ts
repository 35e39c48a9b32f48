// What a user of the published packages gets: `npm pack` of every public package,
// installed into an empty folder outside the repository (npm from its cache where
// it can, the registry for the rest), then the `tfxai` command on the example model
// and TypeScript (ESM and CommonJS) and plain CommonJS consumers that import 'tfxai'.
// Run against the lowest and the highest @tensorflow/tfjs the peer range admits.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { compareVersions, EXAMPLE, isPng, npmEnv, publicPackages, REPO, repoStatus, sh, tempFolder } from './install-helpers.js';

const PEER_RANGE = '^4.22.0';
const packages = publicPackages();
const rootManifest = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const TYPESCRIPT = rootManifest.devDependencies.typescript!;

// A linear "model" scores = flatten(x) W: Integrated Gradients from a zero baseline is
// then exactly x_i W[i, t] whatever the number of steps, and the convergence delta is 0.
const W = [[1, -2], [0.5, 3], [2, 1], [-1, 0.25]];
const X = [0.2, 0.4, 0.6, 0.8];
const TARGET = 1;
const expectedAttributions = X.map((x, i) => x * W[i]![TARGET]!);

const consumerBody = (ts: boolean) => `
  await initBackend();
  const w = tf.tensor2d(${JSON.stringify(W)});
  const model = (x${ts ? ': tf.Tensor4D' : ''}) => tf.matMul(tf.reshape(x, [x.shape[0], -1]), w);
  const x = tf.tensor4d(${JSON.stringify(X)}, [1, 2, 2, 1]);
  const ig = decoder('ig')(model, { numSteps: 8 });
  const { attributions, convergenceDelta } = await ig.attribute${ts ? '!' : ''}(x, ${TARGET});
  console.log(JSON.stringify({ backend: chosenBackend(), attributions: Array.from(await attributions.data()), convergenceDelta }));
`;
const ESM_TS = `import * as tf from '@tensorflow/tfjs';
import { chosenBackend, decoder, initBackend } from 'tfxai';
${consumerBody(true)}`;
const CJS_TS = `import * as tf from '@tensorflow/tfjs';
import { chosenBackend, decoder, initBackend } from 'tfxai';
async function main(): Promise<void> {${consumerBody(true)}}
void main();
`;
const CJS_JS = `const tf = require('@tensorflow/tfjs');
const { chosenBackend, decoder, initBackend } = require('tfxai');
(async () => {${consumerBody(false)}})();
`;
// The settings docs/install.md gives: ES modules resolved as Node does; skipLibCheck
// because tfjs's own .d.ts files do not type-check under strict settings.
const tsconfig = (file: string, outDir: string) => JSON.stringify({
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, outDir },
  files: [file],
});

function expectLinearIg(stdout: string): void {
  const line = stdout.trim().split('\n').at(-1)!;
  const result = JSON.parse(line) as { backend: string; attributions: number[]; convergenceDelta: number[] };
  expect(result.attributions).to.have.length(expectedAttributions.length);
  result.attributions.forEach((a, i) => expect(a).to.be.closeTo(expectedAttributions[i]!, 1e-5));
  expect(Math.abs(result.convergenceDelta[0]!)).to.be.below(1e-5);
}

/** The highest published @tensorflow/tfjs in the peer range (asks the registry). */
async function highestInRange(cwd: string): Promise<string> {
  const { stdout } = await sh('npm', ['view', `@tensorflow/tfjs@${PEER_RANGE}`, 'version', '--json'], { cwd, env: npmEnv({ npm_config_prefer_offline: 'false' }) });
  const parsed = JSON.parse(stdout) as string | string[];
  return (Array.isArray(parsed) ? parsed : [parsed]).sort(compareVersions).at(-1)!;
}

describe('packed packages install and run in an empty folder outside the repository', function () {
  this.timeout(1_800_000);
  let work: string;
  let tarballs: string[];
  let statusBefore: string;
  const lowest = PEER_RANGE.slice(1);
  let highest = lowest;
  let referencePng: Buffer;

  before(async function () {
    statusBefore = await repoStatus();
    work = tempFolder('tfxai-install-');
    const packDir = path.join(work, 'tarballs');
    mkdirSync(packDir);
    const workspaces = packages.flatMap((p) => ['--workspace', p.name]);
    const { stdout } = await sh('npm', ['pack', ...workspaces, '--pack-destination', packDir, '--json'], { cwd: REPO });
    const packed = JSON.parse(stdout) as { filename: string }[];
    tarballs = packed.map((p) => path.join(packDir, p.filename));
    highest = await highestInRange(work);
    // The overlay the workspace's own command writes, to compare the installed one with.
    const referenceOut = path.join(work, 'reference-out');
    await sh(process.execPath, [path.join(REPO, 'packages/cli/bin/tfxai.js'), 'explain', '--model', path.join(EXAMPLE, 'model/model.json'),
      '--method', 'ig', '--standardize', 'rescale', '-q', '--out', referenceOut, path.join(EXAMPLE, 'images/x-01.png')], { cwd: work });
    referencePng = readFileSync(path.join(referenceOut, 'x-01.png'));
  });

  after(async function () {
    if (work && !process.env.TFXAI_KEEP_INSTALL_FOLDER) rmSync(work, { recursive: true, force: true });
    expect(await repoStatus(), 'the install tests wrote into the repository').to.equal(statusBefore);
  });

  it(`packs every public package (${packages.map((p) => p.name).join(', ')})`, () => {
    expect(tarballs).to.have.length(packages.length);
    for (const file of tarballs) expect(existsSync(file), file).to.equal(true);
  });

  describe('each tarball carries what a user needs', () => {
    // npm pack's file list is what `files` selects plus package.json, README and LICENSE.
    let contents: Map<string, string[]>;
    before(async () => {
      const { stdout } = await sh('npm', ['pack', '--dry-run', '--json', ...packages.flatMap((p) => ['--workspace', p.name])], { cwd: REPO });
      contents = new Map((JSON.parse(stdout) as { name: string; files: { path: string }[] }[]).map((p) => [p.name, p.files.map((f) => f.path)]));
    });

    for (const pkg of packages) {
      it(`${pkg.name}: LICENSE (the root's Apache-2.0 text), README.md, engines, peers ${PEER_RANGE}, bins and source maps that resolve`, () => {
        const files = contents.get(pkg.name)!;
        expect(files).to.include.members(['LICENSE', 'README.md', 'package.json']);
        expect(readFileSync(path.join(pkg.dir, 'LICENSE'), 'utf8')).to.equal(readFileSync(path.join(REPO, 'LICENSE'), 'utf8'));
        expect(pkg.manifest.license).to.equal('Apache-2.0');
        expect(pkg.manifest.engines?.node, 'engines.node').to.be.a('string');
        for (const [peer, range] of Object.entries((pkg.manifest.peerDependencies ?? {}) as Record<string, string>)) {
          if (peer.startsWith('@tensorflow/')) expect(range, peer).to.equal(PEER_RANGE);
        }
        for (const target of Object.values((pkg.manifest.bin ?? {}) as Record<string, string>)) expect(files, 'bin').to.include(path.normalize(target));
        const maps = files.filter((f) => f.endsWith('.map'));
        for (const map of maps) {
          const { sources } = JSON.parse(readFileSync(path.join(pkg.dir, map), 'utf8')) as { sources: string[] };
          for (const source of sources) expect(files, `${map} points at ${source}`).to.include(path.normalize(path.join(path.dirname(map), source)));
        }
        expect(files.some((f) => f.startsWith('dist/test/')), 'compiled tests are not shipped').to.equal(false);
      });
    }
  });

  for (const which of ['lowest', 'highest'] as const) {
    describe(`with the ${which} @tensorflow/tfjs in ${PEER_RANGE}`, () => {
      let app: string;
      let version: string;
      before(async function () {
        version = which === 'lowest' ? lowest : highest;
        if (which === 'highest' && highest === lowest) {
          console.log(`      the highest release in ${PEER_RANGE} is ${highest}, the lowest: already tested`);
          this.skip();
        }
        app = path.join(work, `app-tfjs-${version}`);
        mkdirSync(app);
        writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'tfxai-consumer', private: true, type: 'module' }, null, 2));
        await sh('npm', ['install', ...tarballs, `@tensorflow/tfjs@${version}`, `@tensorflow/tfjs-backend-wasm@${version}`, `typescript@${TYPESCRIPT}`], { cwd: app });
      });

      it('installs one copy of @tensorflow/tfjs-core, at the chosen version', () => {
        expect(JSON.parse(readFileSync(path.join(app, 'node_modules/@tensorflow/tfjs-core/package.json'), 'utf8')).version).to.equal(version);
        for (const scope of ['@tfxai', '']) {
          const parent = path.join(app, 'node_modules', scope);
          for (const name of readdirSync(parent)) {
            expect(existsSync(path.join(parent, name, 'node_modules/@tensorflow/tfjs-core')), `a nested tfjs-core under ${scope}/${name}`).to.equal(false);
          }
        }
      });

      it('`npx tfxai --help` runs the command the tfxai package carries', async () => {
        const { stdout } = await sh('npx', ['tfxai', '--help'], { cwd: app });
        expect(stdout).to.match(/tfxai explain --model/);
      });

      it('`npx tfxai explain` on an example image writes the PNG overlay the workspace writes, byte for byte', async () => {
        copyFileSync(path.join(EXAMPLE, 'images/x-01.png'), path.join(app, 'x-01.png'));
        await sh('npx', ['tfxai', 'explain', '--model', path.join(EXAMPLE, 'model/model.json'), '--method', 'ig', '--standardize', 'rescale',
          '--out', 'out/', 'x-01.png'], { cwd: app });
        const written = path.join(app, 'out/x-01.png');
        expect(isPng(written), 'a PNG signature').to.equal(true);
        expect(readFileSync(written).equals(referencePng), 'the same bytes as the workspace command').to.equal(true);
      });

      it('a TypeScript ES module consumer (module NodeNext) compiles and gets exact IG attributions on a linear model', async () => {
        writeFileSync(path.join(app, 'esm-consumer.mts'), ESM_TS);
        writeFileSync(path.join(app, 'tsconfig.esm.json'), tsconfig('esm-consumer.mts', 'out-esm'));
        await sh('npx', ['tsc', '-p', 'tsconfig.esm.json'], { cwd: app });
        expectLinearIg((await sh(process.execPath, ['out-esm/esm-consumer.mjs'], { cwd: app })).stdout);
      });

      it('a TypeScript CommonJS consumer (.cts, module NodeNext: require of the ES modules) compiles and runs', async () => {
        writeFileSync(path.join(app, 'cjs-consumer.cts'), CJS_TS);
        writeFileSync(path.join(app, 'tsconfig.cjs.json'), tsconfig('cjs-consumer.cts', 'out-cjs'));
        await sh('npx', ['tsc', '-p', 'tsconfig.cjs.json'], { cwd: app });
        expect(readFileSync(path.join(app, 'out-cjs/cjs-consumer.cjs'), 'utf8')).to.match(/require\("tfxai"\)/);
        expectLinearIg((await sh(process.execPath, ['out-cjs/cjs-consumer.cjs'], { cwd: app })).stdout);
      });

      it(`a plain CommonJS consumer: require('tfxai') (Node ${process.versions.node}; needs Node >= 20.19)`, async () => {
        writeFileSync(path.join(app, 'require-consumer.cjs'), CJS_JS);
        expectLinearIg((await sh(process.execPath, ['require-consumer.cjs'], { cwd: app })).stdout);
      });
    });
  }
});
