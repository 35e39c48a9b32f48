#!/usr/bin/env node
// Browser rows of `npm run bench`: IG 50, Grad-CAM and occlusion on bench/models.mjs's 224x224 VGG
// model in headless Chromium, on webgl (SwiftShader: software WebGL on the CPU, no GPU here) and
// wasm (SIMD, one thread: the page is not cross-origin isolated). Skipped without Chromium.
//
//   node bench/browser.mjs [--quick] [--out FILE]
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasChromium, launchChromium, serveDirectory, CHROMIUM } from '../web/test/chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

/**
 * The rows. SwiftShader needs minutes per IG or occlusion map at 224x224 (71 s for IG 50 at
 * 96x96): on webgl those run once, without a warm-up, so their time includes compiling shaders.
 */
export function browserPlan(quick) {
  const size = quick ? 96 : 224;
  const rows = [];
  for (const backend of ['webgl', 'wasm']) {
    const slow = backend === 'webgl' && !quick;
    const base = { backend: `${backend} (Chromium)`, model: 'vgg', size };
    const config = (method, options, repeats, slowRow) => ({ backend, model: 'vgg', size, method, options, warmup: quick || (slow && slowRow) ? 0 : 1, repeats: quick || (slow && slowRow) ? 1 : repeats });
    rows.push({ ...base, label: 'IG 50, tfxai', config: config('integrated-gradients', { numSteps: 50 }, 3, true) });
    rows.push({ ...base, label: 'Grad-CAM, tfxai', config: config('gradcam', {}, 5, false) });
    rows.push({ ...base, label: 'occlusion, tfxai', config: config('occlusion', {}, 3, true) });
  }
  return rows;
}

export async function runBrowserRows(quick) {
  if (!hasChromium()) return { skipped: `no Chromium at ${CHROMIUM}`, rows: [] };
  const dir = mkdtempSync(join(tmpdir(), 'tfxai-bench-'));
  await esbuild.build({ entryPoints: [join(here, 'browser-page.mjs')], bundle: true, format: 'esm', platform: 'browser', minify: true, outfile: join(dir, 'bench.js'), logLevel: 'warning' });
  writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="bench.js"></script>\n');
  const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const name of readdirSync(wasmDir).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(wasmDir, name), join(dir, name));
  const { server, base } = await serveDirectory(dir);
  const browser = await launchChromium();
  const rows = browserPlan(quick);
  try {
    for (const row of rows) {
      process.stderr.write(`[bench] ${row.backend} ${row.model} ${row.label} ... `);
      // A fresh page per configuration, as bench/run.mjs runs each in a fresh process.
      const page = await browser.newPage();
      await page.goto(`${base}/index.html?config=${encodeURIComponent(JSON.stringify(row.config))}`);
      await page.waitForFunction(() => window.benchResult !== undefined, undefined, { timeout: 30 * 60_000, polling: 1000 });
      row.result = await page.evaluate(() => window.benchResult);
      await page.close();
      process.stderr.write(`${row.result.msPerMap !== undefined ? Math.round(row.result.msPerMap) + ' ms' : 'failed: ' + row.result.failed}\n`);
    }
  } finally {
    await browser.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows };
}

function formatTable(rows) {
  const header = ['backend', 'model', 'configuration', 'kernels', 'ms/map', 'runs', 'leaked'];
  const body = rows.map((r) => [r.backend, `${r.model} ${r.size}`, r.label, r.result.kernels ?? '', r.result.msPerMap !== undefined ? String(Math.round(r.result.msPerMap)) : 'FAILED', r.result.runs ? String(r.result.runs.length) : '', r.result.tensorsLeaked !== undefined ? String(r.result.tensorsLeaked) : '']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const outIndex = process.argv.indexOf('--out');
  const result = await runBrowserRows(quick);
  if (result.skipped) console.log(`browser rows skipped: ${result.skipped}`);
  else console.log(formatTable(result.rows));
  if (outIndex > 0) {
    mkdirSync(dirname(process.argv[outIndex + 1]), { recursive: true });
    writeFileSync(process.argv[outIndex + 1], JSON.stringify(result, null, 2));
  }
}
