#!/usr/bin/env node
// Builds the demo page, a static site, into web/dist (npm run build:web), and reports the size of
// tfxai's browser library entry against its budget (docs/browser.md says why that budget).
//
//   node web/build.mjs            the site
//   node web/build.mjs --harness  also the page the browser test drives (harness.html)
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

/** Minified bytes allowed for `import * from 'tfxai'` in a browser bundle (measured 1.40 MB at 0.1.0). */
export const LIBRARY_BUDGET_BYTES = 1_600_000;

const common = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  // A Node built-in reached from a browser entry fails the build instead of being shimmed.
  external: [],
};

/** Bundles tfxai's browser entry alone and checks it against the budget; returns its sizes. */
async function buildLibrary(outDir) {
  const entry = join(outDir, '.library-entry.mjs');
  writeFileSync(entry, "export * from 'tfxai';\n");
  const outfile = join(outDir, 'tfxai.browser.js');
  const result = await esbuild.build({ ...common, entryPoints: [entry], outfile, nodePaths: [join(root, 'node_modules')] });
  rmSync(entry);
  const nodeOnly = Object.keys(result.metafile.inputs).filter((input) => /(^|\/)(node:|@tfxai\/node|packages\/node\/|sharp\/)/.test(input));
  if (nodeOnly.length) throw new Error(`the browser entry reaches Node-only modules: ${nodeOnly.join(', ')}`);
  const bytes = statSync(outfile).size;
  const gzipped = gzipSync(readFileSync(outfile)).length;
  return { bytes, gzipped };
}

function copyDirectory(from, to, filter = () => true) {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    if (!filter(name)) continue;
    const source = join(from, name);
    if (statSync(source).isDirectory()) copyDirectory(source, join(to, name), filter);
    else copyFileSync(source, join(to, name));
  }
}

function listFiles(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path, base) : [relative(base, path)];
  });
}

/**
 * Builds the site into `outDir` (default web/dist).
 * @returns the library entry's sizes and the budget
 */
export async function buildWeb({ outDir = join(here, 'dist'), harness = false } = {}) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  // The page bundle takes only @tfxai/node's pure overlay, colormap and .npy code, whose one import
  // from @tfxai/core is its error classes: pointing that at errors.js keeps TensorFlow.js out of
  // the page (it lives in the worker).
  await esbuild.build({ ...common, entryPoints: { app: join(here, 'src/app.ts') }, outdir: outDir, alias: { '@tfxai/core': join(root, 'packages/core/dist/src/errors.js') } });
  await esbuild.build({ ...common, entryPoints: { worker: join(here, 'src/worker.ts') }, outdir: outDir, nodePaths: [join(root, 'node_modules')] });
  if (harness) await esbuild.build({ ...common, minify: false, entryPoints: { harness: join(here, 'test/harness.ts') }, outdir: outDir });
  const library = await buildLibrary(outDir);

  for (const file of ['index.html', 'style.css']) copyFileSync(join(here, 'src', file), join(outDir, file));
  if (harness) writeFileSync(join(outDir, 'harness.html'), '<!doctype html><meta charset="utf-8"><title>tfxai harness</title><link rel="icon" href="data:,"><script type="module" src="harness.js"></script>\n');
  // tfjs-backend-wasm fetches its binaries from the directory of the script (see docs/browser.md).
  const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const name of readdirSync(wasmDir).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(wasmDir, name), join(outDir, name));
  const example = join(root, 'examples/synthetic-shapes');
  copyDirectory(join(example, 'model'), join(outDir, 'examples/model'), (name) => name !== 'metrics.json');
  copyDirectory(join(example, 'images'), join(outDir, 'examples/images'));
  const { CLASS_NAMES } = await import(pathToFileURL(join(example, 'shapes.mjs')).href);
  writeFileSync(join(outDir, 'examples/model/classes.json'), JSON.stringify(CLASS_NAMES));
  const images = readdirSync(join(example, 'images')).filter((n) => n.endsWith('.png')).sort();
  writeFileSync(join(outDir, 'examples/images/index.json'), JSON.stringify(images));

  // The service worker caches every file of the site on first load: the page works offline after.
  const files = listFiles(outDir).filter((f) => !f.startsWith('harness') && f !== 'tfxai.browser.js');
  const version = createHash('sha256');
  for (const file of files.sort()) version.update(file).update(readFileSync(join(outDir, file)));
  const serviceWorker = readFileSync(join(here, 'src/service-worker.js'), 'utf8')
    .replace('__VERSION__', version.digest('hex').slice(0, 12))
    .replace('__FILES__', JSON.stringify(['./', ...files]));
  writeFileSync(join(outDir, 'service-worker.js'), serviceWorker);
  return { library, budget: LIBRARY_BUDGET_BYTES };
}

/** One line for the build log; throws when the library entry is over budget. */
export function reportLibrarySize({ library, budget }) {
  const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
  const line = `tfxai browser entry: ${mb(library.bytes)} minified, ${mb(library.gzipped)} gzipped (budget ${mb(budget)} minified)`;
  if (library.bytes > budget) throw new Error(`${line}: OVER BUDGET`);
  return line;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const result = await buildWeb({ harness: process.argv.includes('--harness') });
  console.log(reportLibrarySize(result));
  console.log(`web/dist built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
