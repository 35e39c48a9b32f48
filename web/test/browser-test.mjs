#!/usr/bin/env node
// npm run test:browser: tfxai in a real Chromium (Debian's, driven by playwright-core; software
// WebGL through SwiftShader). Builds the demo with its test harness, serves it on 127.0.0.1, and
//   1. runs every official method on webgl and on wasm in the page, and compares the heatmaps and
//      raw attributions with Node's cpu results for the same image, model and options;
//   2. compares input gradients of the wasm kernel tests' model families (batch 2) with Node's cpu;
//   3. drives the demo as a user would (keyboard and mouse: load the example model, pick images
//      and methods, explain, read the result, download the raw map, cancel, reload offline),
//      saving screenshots under test-output/browser/.
// Prints per backend how many checks passed and a closing "N passed, N failed"; exits 1 on a failure.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import { buildWeb, reportLibrarySize } from '../build.mjs';
import { CASE_IMAGES, DILATED_FAMILY, DILATED_INPUT_SEED, DILATED_METHOD_CASES, DILATED_TARGET, METHOD_CASES } from './method-cases.mjs';
import { CHROMIUM, hasChromium, launchChromium, serveDirectory } from './chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const outDir = join(root, 'test-output/browser');
const siteDir = join(root, 'test-output/browser/site');
/**
 * Tolerances, as the largest |browser - node| over the largest |node| value of the map:
 * wasm computes in float32 like cpu, but XNNPACK sums convolutions in another order; webgl runs
 * float32 textures on SwiftShader (WEBGL_RENDER_FLOAT32_ENABLED, checked below) whose exp, log and
 * division are GPU-style approximations, a few ulps off IEEE. docs/browser.md gives the figures.
 */
export const TOLERANCE = { wasm: 1e-5, webgl: 1e-5 };

// ------------------------------------------------------------------ tallies

const tallies = new Map();
function check(group, name, ok, detail = '') {
  const tally = tallies.get(group) ?? { passed: 0, failed: 0 };
  tallies.set(group, tally);
  if (ok) tally.passed++;
  else tally.failed++;
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${group}: ${name}${detail ? ` (${detail})` : ''}`);
}

/** Largest |a - b| over the largest |b|: 0 for equal maps. */
function relativeError(a, b) {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return Number.isFinite(diff) ? diff / (scale || 1) : Infinity;
}

// ------------------------------------------------------------------ Node's cpu reference

/** One method's heatmap and raw attributions (when it has them) for `target`, as the page's harness takes them. */
async function methodRun(tf, tfxai, model, image, method, options, target) {
  const explainer = tfxai.decoder(method)(model, options);
  const map = await explainer.computeHeatmap(image, target);
  const run = { heatmap: Array.from(await map.data()) };
  map.dispose();
  if (explainer.attribute) {
    const result = await explainer.attribute(image, target);
    run.attributions = Array.from(await result.attributions.data());
    result.attributions.dispose();
  }
  return run;
}

async function nodeReference() {
  const tf = await import('@tensorflow/tfjs');
  const tfxai = await import('tfxai');
  await tf.setBackend('cpu');
  const { loadExampleModel } = await import('../../examples/synthetic-shapes/load-model.mjs');
  const { decodePng } = await import('../../examples/synthetic-shapes/png.mjs');
  const { FAMILIES } = await import('../../packages/wasm-kernels/dist/test/families.js');
  const model = await loadExampleModel();
  const methods = new Map();
  const pixels = new Map();
  for (const name of CASE_IMAGES) {
    const png = decodePng(readFileSync(join(root, 'examples/synthetic-shapes/images', name)));
    const floats = Float32Array.from(png.data, (v) => v / 255);
    pixels.set(name, floats);
    const image = tf.tensor4d(floats, [1, png.height, png.width, 3]);
    const predicted = tf.tidy(() => model.predict(image).argMax(-1).dataSync()[0]);
    for (const { method, options } of METHOD_CASES) methods.set(`${method} ${name}`, await methodRun(tf, tfxai, model, image, method, options, predicted));
    image.dispose();
  }
  // Per example (batch 1): stock cpu's ResizeNearestNeighborGrad mixes the examples of a batch.
  const families = new Map();
  for (const [family, build] of Object.entries(FAMILIES)) {
    const net = build();
    const input = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 11);
    const parts = [];
    for (let i = 0; i < 2; i++) {
      const one = input.slice([i, 0, 0, 0], [1, -1, -1, -1]);
      // Inside tfxai's kernel scope, as tfxai's methods take gradients (dilated gradients are scoped).
      const gradient = tfxai.withTfxaiKernels(() => tf.grad((x) => net.apply(x).slice([0, 1], [-1, 1]).sum())(one));
      parts.push(...(await gradient.data()));
      tf.dispose([one, gradient]);
    }
    families.set(family, parts);
    input.dispose();
    net.dispose();
  }
  // The gradient methods on the Dilated family, built after every family as the page does (same seeded weights).
  // Node's tf.fused is patchable: this reference takes tfxai's tf.fused route, the page its Conv2D layer route.
  const dilatedMethods = new Map();
  const dilatedNet = FAMILIES[DILATED_FAMILY]();
  const dilatedImage = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', DILATED_INPUT_SEED);
  for (const { method, options } of DILATED_METHOD_CASES) dilatedMethods.set(method, await methodRun(tf, tfxai, dilatedNet, dilatedImage, method, options, DILATED_TARGET));
  dilatedImage.dispose();
  dilatedNet.dispose();
  return { methods, families, dilatedMethods, pixels, model };
}

// ------------------------------------------------------------------ in-page library checks

async function libraryChecks(browser, base, backend, reference) {
  const page = await browser.newPage();
  const consoleErrors = [];
  page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  page.on('console', (message) => message.type() === 'info' && message.text().startsWith('[harness]') && console.log(`    ${message.text()}`));
  await page.goto(`${base}/harness.html?backend=${backend}`);
  await page.waitForFunction(() => window.harnessResult !== undefined, undefined, { timeout: 20 * 60_000, polling: 500 });
  const result = await page.evaluate(() => window.harnessResult);
  await page.close();
  if (result.error) {
    check(backend, 'the harness ran', false, result.error);
    return;
  }
  check(backend, `initBrowserBackend({ backend: '${backend}' }) chose it and it is active`, result.backend === backend && result.active === backend, `${result.backend}/${result.active}`);
  check(backend, "an unknown backend is a typed error listing the browser's backends", result.unknownBackend === "BACKEND_UNAVAILABLE: backend='tensorflow' is not a backend tfxai knows; allowed: webgpu, webgl, wasm, cpu", result.unknownBackend);
  if (backend === 'webgl') check(backend, 'float32 render targets (WEBGL_RENDER_FLOAT32_ENABLED)', result.flags.WEBGL_RENDER_FLOAT32_ENABLED === true, JSON.stringify(result.flags));
  check(backend, 'no console errors (the wasm binaries load from the bundle directory)', consoleErrors.length === 0, consoleErrors.slice(0, 2).join(' | '));
  const tolerance = TOLERANCE[backend];
  const worst = {};
  /** A method run in the page against Node's: heatmap, attributions, leaks; its worst error under `key`. */
  const compareRun = (run, expected, label, key) => {
    if (run.error) {
      check(backend, label, false, run.error);
      return;
    }
    const heatmapError = relativeError(run.heatmap, expected.heatmap);
    check(backend, `${label}: heatmap equals Node cpu`, heatmapError <= tolerance, `max error ${heatmapError.toExponential(1)} of range`);
    let attributionError = 0;
    if (expected.attributions) {
      attributionError = run.attributions ? relativeError(run.attributions, expected.attributions) : Infinity;
      check(backend, `${label}: attributions equal Node cpu`, attributionError <= tolerance, `max error ${attributionError.toExponential(1)} of max |value|`);
    }
    check(backend, `${label}: no tensor leaked`, run.leaked === 0, `${run.leaked} tensors`);
    worst[key] = Math.max(worst[key] ?? 0, heatmapError, attributionError);
  };
  for (const run of result.methods) compareRun(run, reference.methods.get(`${run.method} ${run.image}`), `${run.method} on ${run.image}`, run.method);
  // An ES-module bundle's tf.fused is frozen, so tfxai routes dilated Conv2D layers by their class's
  // call instead (tfjs's fused conv gradient refuses dilation); Node took the tf.fused route.
  check(
    backend,
    "dilated Conv2D layers take tfxai's layer route (tf.fused is frozen in the bundle)",
    result.fusedConvRoute === false && result.dilatedConvLayerRoute === true,
    `fusedConvRoute ${result.fusedConvRoute}, dilatedConvLayerRoute ${result.dilatedConvLayerRoute}`,
  );
  for (const run of result.dilatedMethods) {
    const expected = reference.dilatedMethods.get(run.method);
    // A map of zeros would compare equal to anything: the reference must carry a signal.
    check(backend, `${run.method} on the Dilated family: Node's map is not constant`, Math.max(...expected.heatmap) > Math.min(...expected.heatmap));
    compareRun(run, expected, `${run.method} on the Dilated family`, `${run.method} (Dilated)`);
  }
  for (const { family, gradient, error } of result.families) {
    const expected = reference.families.get(family);
    const gradientError = error ? Infinity : relativeError(gradient, expected);
    check(backend, `input gradient, batch 2, ${family}`, gradientError <= tolerance, error ?? `max error ${gradientError.toExponential(1)}`);
    worst[`family: ${family}`] = gradientError;
  }
  return { ms: result.ms, worst };
}

// ------------------------------------------------------------------ the docs' example, run as written

/** The first ```js block of docs/browser.md, bundled as a page: docs are code. */
async function bundleDocsExample(dir) {
  const markdown = readFileSync(join(root, 'docs/browser.md'), 'utf8');
  const code = /```js\n([\s\S]*?)```/.exec(markdown)?.[1];
  if (!code) throw new Error('docs/browser.md has no ```js block');
  writeFileSync(join(dir, 'docs-example.mjs'), code);
  await esbuild.build({ entryPoints: [join(dir, 'docs-example.mjs')], bundle: true, format: 'esm', platform: 'browser', outfile: join(dir, 'docs-example.js'), nodePaths: [join(root, 'node_modules')], logLevel: 'warning' });
  writeFileSync(join(dir, 'docs-example.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="docs-example.js"></script>\n');
}

async function docsExampleCheck(browser, base) {
  const page = await browser.newPage();
  const lines = [];
  page.on('console', (message) => lines.push(message.text()));
  page.on('pageerror', (error) => lines.push(`page error: ${error.message}`));
  const printedOrFailed = page.waitForEvent('console', { predicate: (message) => message.text().startsWith('heatmap'), timeout: 300_000 }).catch(() => undefined);
  await page.goto(`${base}/docs-example.html`);
  await Promise.race([printedOrFailed, new Promise((done) => page.on('pageerror', done))]);
  await page.close();
  const printed = lines.find((line) => line.startsWith('heatmap'));
  check('docs', 'the example in docs/browser.md runs in the page and prints what it says', printed === 'heatmap [64,64] on webgl', lines.join(' | '));
}

// ------------------------------------------------------------------ the demo, driven as a user

async function pageChecks(browser, base, reference) {
  const group = 'demo page';
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 1400 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${base}/index.html`);
  await page.waitForFunction(() => document.body.dataset.backend, undefined, { timeout: 120_000 });
  const backend = await page.evaluate(() => document.body.dataset.backend);
  check(group, 'chooses a backend automatically (webgl first where it works)', backend === 'webgl', backend);

  // Keyboard: Tab to the example model button and press Enter.
  await page.focus('#example-model');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.body.dataset.model === 'loaded', undefined, { timeout: 60_000 });
  check(group, 'loads the example model from the keyboard', /3 classes \(plus, ring, x\)/.test(await page.textContent('#model-status')));

  // Images: plus-01 is ticked by default; add x-02 with the keyboard (Space on its checkbox).
  await page.focus('input[data-image="x-02.png"]');
  await page.keyboard.press(' ');
  // Methods: Grad-CAM is ticked by default; compare it with IG and occlusion.
  await page.check('input[data-method="integrated-gradients"]');
  await page.check('input[data-method="occlusion"]');
  const labelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')].filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map((el) => el.id || el.name));
  check(group, 'every form control has a label', labelled.length === 0, labelled.join(', '));
  await page.click('#explain');
  await page.waitForFunction(() => document.querySelectorAll('.card[data-done="yes"]').length === 6, undefined, { timeout: 10 * 60_000 });
  const cards = await page.$$eval('.card', (all) => all.map((card) => ({ method: card.dataset.method, status: card.querySelector('.status').textContent, ms: Number(card.dataset.ms) })));
  check(group, 'shows 2 images x 3 methods side by side, each with the class and the time taken', cards.length === 6 && cards.every((c) => /^explains (plus|ring|x), \d+ ms on webgl$/.test(c.status)), cards.map((c) => c.status).join('; '));
  const predictions = await page.$$eval('.result-row', (rows) => rows.map((row) => row.querySelector('.predictions li')?.textContent ?? ''));
  check(group, 'predicted classes: plus-01 is a plus, x-02 an x', /^plus: 9\d\.\d%|^plus: 100\.0%/.test(predictions[0]) && /^x: 9\d\.\d%|^x: 100\.0%/.test(predictions[1]), predictions.join(' | '));
  const progress = await page.$eval('#progress', (bar) => [bar.value, bar.max]);
  check(group, 'the progress bar is full at the end', progress[0] === 6 && progress[1] === 6, progress.join('/'));
  mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: join(outDir, 'demo-compare-webgl.png'), fullPage: true });

  // Download the raw Grad-CAM map of plus-01 (JSON) and compare it with Node's cpu heatmap.
  const card = page.locator('.result-row').first().locator('.card[data-method="gradcam"]');
  const [download] = await Promise.all([page.waitForEvent('download'), card.getByText('map JSON').click()]);
  const raw = JSON.parse(readFileSync(await download.path(), 'utf8'));
  const error = relativeError(raw.map, reference.methods.get('gradcam plus-01.png').heatmap);
  check(group, 'the downloaded Grad-CAM map equals Node cpu within the webgl tolerance', error <= TOLERANCE.webgl, `max error ${error.toExponential(1)}`);
  const [pngDownload] = await Promise.all([page.waitForEvent('download'), card.getByText('overlay PNG').click()]);
  const png = readFileSync(await pngDownload.path());
  check(group, 'the overlay downloads as a 64x64 PNG', png.subarray(1, 4).toString() === 'PNG' && png.readUInt32BE(16) === 64 && png.readUInt32BE(20) === 64);
  const [npyDownload] = await Promise.all([page.waitForEvent('download'), card.getByText('map .npy').click()]);
  const npy = readFileSync(await npyDownload.path());
  check(group, 'the map downloads as .npy with shape (64, 64)', npy.subarray(1, 6).toString() === 'NUMPY' && npy.toString('latin1', 10, 128).includes("'shape': (64, 64)"));

  // Options from the form: IG alone on plus-01 with numSteps 16 (a declared field, or the JSON
  // fallback while IG declares none), compared with Node's IG of the same options.
  await page.uncheck('input[data-method="occlusion"]');
  await page.uncheck('input[data-method="gradcam"]');
  await page.uncheck('input[data-image="x-02.png"]');
  const igCard = page.locator('.method', { has: page.locator('input[data-method="integrated-gradients"]') });
  await igCard.locator('summary').click();
  const declared = await igCard.locator('[data-option="numSteps"]').count();
  if (declared) await igCard.locator('[data-option="numSteps"]').fill('16');
  else await igCard.locator('textarea.json-options').fill('{ "numSteps": 16 }');
  await page.screenshot({ path: join(outDir, 'demo-options.png'), fullPage: false });
  await page.click('#explain');
  await page.waitForFunction(() => document.querySelectorAll('.card[data-done="yes"]').length === 1, undefined, { timeout: 10 * 60_000 });
  const [igDownload] = await Promise.all([page.waitForEvent('download'), page.locator('.card[data-method="integrated-gradients"]').getByText('map JSON').click()]);
  const igMap = JSON.parse(readFileSync(await igDownload.path(), 'utf8')).map;
  const igError = relativeError(igMap, reference.methods.get('integrated-gradients plus-01.png').heatmap);
  check(group, `IG with numSteps 16 from the options form (${declared ? 'declared field' : 'JSON fallback'}) equals Node's`, igError <= TOLERANCE.webgl, `max error ${igError.toExponential(1)}`);

  // Cancel a queue of Score-CAM and LIME runs.
  await page.check('input[data-image="x-02.png"]');
  await page.check('input[data-method="scorecam"]');
  await page.check('input[data-method="lime-pro"]');
  await page.click('#explain');
  await page.waitForFunction(() => document.querySelector('.card .status')?.textContent === 'running…' || document.querySelector('.card[data-done]'), undefined, { timeout: 60_000 });
  const before = Date.now();
  const stillResponsive = await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => done(true))));
  check(group, 'the page keeps drawing frames while a method runs (the work is in a Web Worker)', stillResponsive === true);
  await page.click('#cancel');
  await page.waitForFunction(() => document.getElementById('progress-text').textContent === 'Cancelled.' && document.body.dataset.busy === 'no', undefined, { timeout: 60_000 });
  const cancelled = await page.$$eval('.card .status', (all) => all.filter((s) => s.textContent === 'cancelled').length);
  check(group, 'Cancel stops the queue at once', cancelled >= 1 && Date.now() - before < 30_000, `${cancelled} cancelled`);
  await page.waitForFunction(() => /backend: webgl/.test(document.getElementById('backend-status').textContent) && document.body.dataset.model === 'loaded' && !document.getElementById('explain').disabled, undefined, { timeout: 60_000 });
  check(group, 'after a cancel the page is ready again with the model reloaded', true);

  // Offline: the service worker cached the site; reload with the network cut and explain again.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await context.setOffline(true);
  await page.reload();
  await page.waitForFunction(() => document.body.dataset.backend, undefined, { timeout: 120_000 });
  await page.click('#example-model');
  await page.waitForFunction(() => document.body.dataset.model === 'loaded', undefined, { timeout: 60_000 });
  await page.click('#explain');
  await page.waitForFunction(() => document.querySelectorAll('.card[data-done="yes"]').length === 1, undefined, { timeout: 120_000 });
  check(group, 'works offline once loaded (service worker): model, image and Grad-CAM', true);
  await page.screenshot({ path: join(outDir, 'demo-offline.png'), fullPage: true });

  // The user's own files (still offline): model.json + weights and an image from the file pickers.
  const exampleDir = join(root, 'examples/synthetic-shapes');
  await page.setInputFiles('#model-files', [join(exampleDir, 'model/model.json'), join(exampleDir, 'model/weights.bin')]);
  await page.waitForFunction(() => /^Model loaded: input 64x64x3, 3 classes \(class 0, class 1, class 2\)/.test(document.getElementById('model-status').textContent), undefined, { timeout: 60_000 });
  await page.setInputFiles('#image-files', [join(exampleDir, 'images/ring-01.png')]);
  await page.waitForFunction(() => /ring-01\.png/.test(document.getElementById('image-drop').textContent), undefined, { timeout: 30_000 });
  await page.click('#explain');
  await page.waitForFunction(() => document.querySelectorAll('.card[data-done="yes"]').length === 2, undefined, { timeout: 120_000 });
  const ownStatus = await page.locator('.result-row').nth(1).locator('.card .status').textContent();
  check(group, "a user's model.json + weights and image from the file pickers (offline): class 1 (ring) for ring-01", /^explains class 1, \d+ ms on webgl$/.test(ownStatus), ownStatus);
  await context.setOffline(false);

  // wasm chosen in the page: every method on one image, one screenshot.
  await page.selectOption('#backend-choice', 'wasm');
  await page.waitForFunction(() => document.body.dataset.backend === 'wasm', undefined, { timeout: 120_000 });
  await page.click('#example-model');
  await page.waitForFunction(() => document.body.dataset.model === 'loaded' && !document.getElementById('explain').disabled, undefined, { timeout: 60_000 });
  for (const { method } of METHOD_CASES) await page.check(`input[data-method="${method}"]`);
  await page.click('#explain');
  // plus-01 and the user's ring-01, every method.
  await page.waitForFunction((n) => document.querySelectorAll('.card[data-done="yes"]').length === n, 2 * METHOD_CASES.length, { timeout: 10 * 60_000 });
  const wasmCards = await page.$$eval('.card .status', (all) => all.map((s) => s.textContent));
  check(group, `every method from the form on wasm (${2 * METHOD_CASES.length} overlays)`, wasmCards.every((s) => /ms on wasm$/.test(s)), wasmCards.filter((s) => !/ms on wasm$/.test(s)).join('; '));
  await page.screenshot({ path: join(outDir, 'demo-every-method-wasm.png'), fullPage: true });
  check(group, 'no uncaught page errors', errors.length === 0, errors.slice(0, 2).join(' | '));
  await context.close();
}

// ------------------------------------------------------------------ main

async function main() {
  if (!hasChromium()) {
    console.log(`test:browser: SKIPPED, no Chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`);
    return 0;
  }
  const started = Date.now();
  rmSync(outDir, { recursive: true, force: true });
  console.log(reportLibrarySize(await buildWeb({ outDir: siteDir, harness: true })));
  const reference = await nodeReference();
  console.log(`Node cpu reference: ${reference.methods.size} method runs, ${reference.families.size} family gradients, ${reference.dilatedMethods.size} method runs on the Dilated family`);
  await bundleDocsExample(siteDir);
  const { server, base } = await serveDirectory(siteDir);
  const browser = await launchChromium();
  const figures = {};
  try {
    for (const backend of ['webgl', 'wasm']) {
      console.log(`\n${backend}: every method and family in the page vs Node cpu`);
      figures[backend] = await libraryChecks(browser, base, backend, reference);
    }
    console.log('\ndocs/browser.md');
    await docsExampleCheck(browser, base);
    console.log('\ndemo page');
    await pageChecks(browser, base, reference);
  } finally {
    await browser.close();
    server.close();
  }
  for (const [backend, figure] of Object.entries(figures)) {
    if (!figure) continue;
    const worst = Object.entries(figure.worst).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', ');
    console.log(`${backend}: harness ${(figure.ms / 1000).toFixed(1)} s; largest errors: ${worst}`);
  }
  console.log('');
  let passed = 0;
  let failed = 0;
  for (const [group, tally] of tallies) {
    console.log(`${group}: ${tally.passed} passed, ${tally.failed} failed`);
    passed += tally.passed;
    failed += tally.failed;
  }
  console.log(`screenshots: ${outDir}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
  // The CI summary counts mocha-style "N passing" lines.
  console.log(`  ${passed} passing (browser)`);
  if (failed) console.log(`  ${failed} failing (browser)`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

process.exitCode = await main().catch((error) => {
  console.error(error);
  return 1;
});
