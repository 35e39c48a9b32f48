// The folder the doc runner runs blocks in: a temporary copy of the repository's
// files and built dist/ folders (so a block that writes files never writes into the
// repository), with the entries of its node_modules linked in, and the
// bundled example reachable as `model/` and `images/`, the placeholder paths the
// CLI docs use. node_modules/.bin is put first on PATH, as `npx` or a global
// install would, so `tfxai ...` in a sh block is the workspace's command.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface DocWorkspace {
  readonly root: string;
  /** Environment for blocks: PATH with node_modules/.bin first. */
  readonly env: NodeJS.ProcessEnv;
}

/** Folders holding packages whose built dist/ the blocks need (dist/ is not tracked). */
const PACKAGE_PARENTS = ['packages', 'test/plugins'];

export function createDocWorkspace(repoRoot: string): DocWorkspace {
  const root = mkdtempSync(path.join(tmpdir(), 'tfxai-docs-'));
  // Tracked and new (not ignored) files: a doc under edit is tested with what it refers to.
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' });
  const tracked = files.split('\0').filter(Boolean);
  for (const file of tracked) {
    const from = path.join(repoRoot, file);
    if (!existsSync(from)) continue; // deleted in the work tree, not yet committed
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    cpSync(from, path.join(root, file));
  }
  // node_modules: a real folder of links to the repository's entries, never a link to
  // the folder itself (an `npm ci` in a block would empty the repository's through it).
  mkdirSync(path.join(root, 'node_modules'));
  for (const entry of readdirSync(path.join(repoRoot, 'node_modules'))) {
    symlinkSync(path.join(repoRoot, 'node_modules', entry), path.join(root, 'node_modules', entry));
  }
  // Built output is copied, not linked, so that a block that builds writes into the copy.
  for (const parent of PACKAGE_PARENTS) {
    for (const name of readdirSync(path.join(repoRoot, parent))) {
      const dist = path.join(repoRoot, parent, name, 'dist');
      if (existsSync(dist) && existsSync(path.join(root, parent, name))) cpSync(dist, path.join(root, parent, name, 'dist'), { recursive: true });
    }
  }
  symlinkSync(path.join(root, 'examples/synthetic-shapes/model'), path.join(root, 'model'), 'dir');
  symlinkSync(path.join(root, 'examples/synthetic-shapes/images'), path.join(root, 'images'), 'dir');
  const env = { ...process.env, PATH: `${path.join(root, 'node_modules/.bin')}${path.delimiter}${process.env.PATH ?? ''}` };
  return { root, env };
}

/**
 * Code run before a block marked `example-model`: the bundled example model and
 * images, scaled to [0, 1] as the model was trained. Names start with `__` where
 * a block might import the same thing itself.
 */
export function exampleModelPrelude(language: 'ts' | 'js'): string {
  const ts = language === 'ts';
  return [
    `import * as __tf from '@tensorflow/tfjs';`,
    `import { loadModelFromFile as __loadModel, readImage as __readImage } from '@tfxai/node';`,
    `const __dir = 'examples/synthetic-shapes';`,
    `const { model } = await __loadModel(\`\${__dir}/model/model.json\`);`,
    `async function __load(name${ts ? ': string' : ''})${ts ? ': Promise<__tf.Tensor3D>' : ''} {`,
    `  const raster = await __readImage(\`\${__dir}/images/\${name}.png\`);`,
    `  return __tf.tidy(() => __tf.tensor3d(raster.data, [raster.height, raster.width, raster.channels]).div(255)${ts ? ' as __tf.Tensor3D' : ''});`,
    `}`,
    `const __names = ['x-01', 'plus-01', 'ring-01', 'x-02', 'plus-02', 'ring-02', 'x-03', 'plus-03', 'ring-03'];`,
    `const __all = await Promise.all(__names.map(__load));`,
    `const image = __tf.stack(__all.slice(0, 1))${ts ? ' as __tf.Tensor4D' : ''};            // (1, 64, 64, 3): an x, class 2`,
    `const images = __tf.stack(__all.slice(0, 3))${ts ? ' as __tf.Tensor4D' : ''};           // (3, 64, 64, 3): x, plus, ring = classes 2, 0, 1`,
    `const backgroundImages = __all.slice(3);                  // six more images, each (64, 64, 3)`,
    `__tf.dispose(__all.slice(0, 3));`,
    `void image; void images; void backgroundImages;`,
    '',
  ].join('\n');
}
