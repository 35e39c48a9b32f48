#!/usr/bin/env node
// tfxai benchmark: ms per heatmap, peak RSS, peak tensor bytes (IG) and tensor leaks for IG (50 and 300 steps),
// Grad-CAM and saliency on a 224x224x3 VGG-style CNN and a MobileNet-style model, per
// installed backend, with the speed-up over the seed's algorithm (AUCMEDI's: one model
// call per path point) on stock kernels measured in the same run.
//
//   npm run bench                      full run (about 10-15 minutes on 2 cores: wasm ~6, cpu ~4)
//   node bench/run.mjs --quick         96x96 inputs, one repeat: a smoke run for development
//   node bench/run.mjs --backend wasm  only these backends (comma-separated: wasm,cpu,tensorflow)
//   node bench/run.mjs --out FILE      where the JSON goes (default bench-results/bench-<time>.json)
//   node bench/browser.mjs [--quick]   only the browser rows (webgl, wasm in Chromium; also run by the full bench)
//
// At the end it runs bench/pipeline-workers.mjs, bench/volumes.mjs (the 3-D rows: IG, Grad-CAM and
// occlusion on a 64^3 volume, IG on 128^3), bench/occlusion-reuse.mjs and bench/reference.mjs (IG,
// SmoothGrad, occlusion vs PyTorch, when
// python3-torch is installed, and the physical limit, with 1 wasm thread and every core), then
// bench/conv-shapes.mjs (the model's convolutions one by one against PyTorch's).
//
// Every configuration runs in its own child process (node bench/run.mjs --child ...), so that
// its peak RSS (process.resourceUsage().maxRSS) is its own and kernel modes do not mix.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel } from './models.mjs';
import { seedIntegratedGradients } from './seed-integrated-gradients.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

// ---------------------------------------------------------------- one configuration (child process)

async function runChild(config) {
  const tf = await import('@tensorflow/tfjs');
  if (config.backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (config.backend === 'tensorflow') await import('@tensorflow/tfjs-node');
  // The umbrella registers tfxai's wasm kernels on import, as TFXAI_KERNELS (set by the parent) says.
  const tfxai = await import('tfxai');
  const { tfxaiKernelStatus } = await import('@tfxai/wasm-kernels');
  if (!(await tf.setBackend(config.backend))) throw new Error(`backend ${config.backend} failed to initialise`);
  await tf.ready();

  const model = await buildModel(tf, config.model, config.size);
  const image = tf.randomUniform([1, config.size, config.size, 3], 0, 1, 'float32', 42);
  const classIndex = 3;
  let run;
  if (config.method === 'seed-ig') {
    run = async () => seedIntegratedGradients(tf, model, image, classIndex, config.numSteps);
  } else {
    const registry = tfxai.defaultRegistry();
    if (!registry.has(config.method)) return { skipped: `method '${config.method}' is not registered in 'tfxai' yet` };
    const options = config.numSteps ? { numSteps: config.numSteps, ...(config.internalBatchSize ? { internalBatchSize: config.internalBatchSize } : {}) } : {};
    const method = tfxai.decoder(config.method)(model, options);
    run = () => method.computeHeatmap(image, classIndex);
  }

  const before = tf.memory().numTensors;
  const times = [];
  for (let i = 0; i < config.warmup + config.repeats; i++) {
    const start = performance.now();
    const map = await run();
    await map.data();
    const ms = performance.now() - start;
    map.dispose();
    if (i >= config.warmup) times.push(ms);
  }
  const leaked = tf.memory().numTensors - before;
  times.sort((a, b) => a - b);
  // IG's peak tensor memory (issue 14: independent of numSteps): one more, untimed run under
  // tf.profile, whose peakBytes is the engine's tracked maximum of live tensor bytes after each kernel.
  let peakTensorMB;
  if (config.method === 'integrated-gradients') {
    const bytesBefore = tf.memory().numBytes;
    const profile = await tf.profile(async () => {
      const map = await run();
      await map.data();
      map.dispose();
    });
    peakTensorMB = +((profile.peakBytes - bytesBefore) / 2 ** 20).toFixed(1);
  }
  const status = tfxaiKernelStatus();
  return {
    msPerMap: times[Math.floor((times.length - 1) / 2)],
    runs: times.map((t) => Math.round(t)),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    peakTensorMB,
    tensorsLeaked: leaked,
    kernels: `${status.mode} (${status.kernels.filter((k) => k.active).length} active)`,
  };
}

// ---------------------------------------------------------------- the plan (parent)

function parseArgs(argv) {
  const args = { quick: false, backends: undefined, out: undefined, child: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--backend') args.backends = argv[++i].split(',').map((s) => s.trim());
    else if (a === '--out') args.out = argv[++i];
    else if (a === '--child') args.child = JSON.parse(argv[++i]);
    else if (a === '--help' || a === '-h') {
      console.log('usage: node bench/run.mjs [--quick] [--backend wasm,cpu,tensorflow] [--out file.json]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}; allowed: --quick, --backend LIST, --out FILE`);
  }
  return args;
}

function installedBackends() {
  const found = ['wasm', 'cpu'];
  try {
    // tfjs-node is optional: its install needs a download that fails offline.
    const probe = spawnSync(process.execPath, ['-e', "require('@tensorflow/tfjs-node')"], { cwd: root, encoding: 'utf8' });
    if (probe.status === 0) found.unshift('tensorflow');
  } catch {
    /* not installed */
  }
  return found;
}

/** Every configuration, with repeats bounded so the full run stays near 15 minutes on 2 cores. */
function plan(backends, quick) {
  const size = quick ? 96 : 224;
  const rows = [];
  for (const backend of backends) {
    const slow = backend === 'cpu';
    for (const model of ['vgg', 'mobilenet']) {
      const base = { backend, model, size };
      const r = (n) => (quick ? 1 : slow ? 1 : n);
      const w = quick || slow ? 0 : 1;
      // The seed's algorithm on stock kernels: wasm MobileNet cannot run on stock wasm (no
      // DepthwiseConv2dNativeBackpropInput), so it gets tfxai's gap-filling kernels only.
      const seedKernels = backend === 'wasm' && model === 'mobilenet' ? 'gaps' : 'off';
      // cpu needs minutes per IG map at 224x224: its IG rows run on the VGG model only.
      const skipIg = slow && !quick && model !== 'vgg' ? 'cpu: minutes per IG map at 224x224; IG on cpu is measured on the VGG model only' : undefined;
      if (skipIg) {
        for (const label of ['IG 50, seed algorithm (1 call/point)', 'IG 50, tfxai, stock kernels', 'IG 50, tfxai', 'IG 300, tfxai']) rows.push({ ...base, label, kernels: 'all', skipped: skipIg });
        rows.push({ ...base, label: 'Grad-CAM, tfxai', method: 'gradcam', kernels: 'all', warmup: 0, repeats: 1 });
        rows.push({ ...base, label: 'saliency, tfxai', method: 'saliency', kernels: 'all', warmup: 0, repeats: 1 });
        continue;
      }
      rows.push({ ...base, label: 'IG 50, seed algorithm (1 call/point)', method: 'seed-ig', numSteps: 50, kernels: seedKernels, warmup: 0, repeats: r(2) });
      // On cpu tfxai replaces no kernel (only gradient configs), and each IG map takes about a minute: not run.
      if (slow && !quick) rows.push({ ...base, label: 'IG 50, tfxai, stock kernels', kernels: 'off', skipped: 'cpu: tfxai replaces no cpu kernel; not run to bound the bench time' });
      else rows.push({ ...base, label: 'IG 50, tfxai, stock kernels', method: 'integrated-gradients', numSteps: 50, kernels: seedKernels, warmup: w, repeats: r(3) });
      // Five runs: wasm timings on a shared machine scatter by +-30%, and this row carries the speed-up bar.
      rows.push({ ...base, label: 'IG 50, tfxai', method: 'integrated-gradients', numSteps: 50, kernels: 'all', warmup: w, repeats: r(5) });
      if (slow && !quick) rows.push({ ...base, label: 'IG 300, tfxai', method: 'integrated-gradients', numSteps: 300, kernels: 'all', skipped: 'cpu: minutes per map at 224x224; not run' });
      else rows.push({ ...base, label: 'IG 300, tfxai', method: 'integrated-gradients', numSteps: 300, kernels: 'all', warmup: 0, repeats: 1 });
      rows.push({ ...base, label: 'Grad-CAM, tfxai', method: 'gradcam', kernels: 'all', warmup: slow ? 0 : 1, repeats: r(5) });
      rows.push({ ...base, label: 'saliency, tfxai', method: 'saliency', kernels: 'all', warmup: slow ? 0 : 1, repeats: r(5) });
    }
  }
  return rows;
}

function runConfiguration(row) {
  if (row.skipped) return { skipped: row.skipped };
  const { label, kernels, ...config } = row;
  const env = { ...process.env, TFXAI_KERNELS: kernels, TFXAI_BACKEND: row.backend };
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify(config)], {
    cwd: root,
    env,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    const reason = (child.stderr || child.stdout).trim().split('\n').filter((l) => /Error|error/.test(l))[0] ?? `exit ${child.status}`;
    return { failed: reason.slice(0, 160) };
  }
}

function formatTable(rows) {
  const header = ['backend', 'model', 'configuration', 'kernels', 'ms/map', 'runs', 'peak RSS MB', 'peak tensors MB', 'leaked', 'speed-up vs seed'];
  const body = rows.map((r) => [
    r.backend,
    r.model,
    r.label,
    r.result.skipped ? '-' : (r.result.kernels ?? r.kernels),
    r.result.msPerMap !== undefined ? String(Math.round(r.result.msPerMap)) : r.result.skipped ? 'skipped' : 'FAILED',
    r.result.runs ? String(r.result.runs.length) : '',
    r.result.peakRssMB !== undefined ? String(r.result.peakRssMB) : '',
    r.result.peakTensorMB !== undefined ? String(r.result.peakTensorMB) : '',
    r.result.tensorsLeaked !== undefined ? String(r.result.tensorsLeaked) : '',
    r.speedUp !== undefined ? `${r.speedUp.toFixed(2)}x` : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  const notes = rows.filter((r) => r.result.skipped || r.result.failed).map((r) => `- ${r.backend} ${r.model} ${r.label}: ${r.result.skipped ?? r.result.failed}`);
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ...(notes.length ? ['', 'Notes:', ...notes] : [])].join('\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    const result = await runChild(args.child);
    console.log(JSON.stringify(result));
    return;
  }
  const available = installedBackends();
  const backends = args.backends ?? available;
  const missing = backends.filter((b) => !available.includes(b));
  const rows = plan(backends.filter((b) => available.includes(b)), args.quick);
  const started = Date.now();
  for (const row of rows) {
    process.stderr.write(`[bench] ${row.backend} ${row.model} ${row.label} ... `);
    row.result = runConfiguration(row);
    process.stderr.write(`${row.result.msPerMap !== undefined ? Math.round(row.result.msPerMap) + ' ms' : row.result.skipped ? 'skipped' : 'failed: ' + row.result.failed}\n`);
  }
  // Speed-up: the seed's algorithm (same backend, model, run) over each IG 50 row.
  for (const row of rows) {
    const seed = rows.find((r) => r.backend === row.backend && r.model === row.model && r.method === 'seed-ig');
    if (row.method === 'integrated-gradients' && row.numSteps === 50 && seed?.result.msPerMap && row.result.msPerMap) row.speedUp = seed.result.msPerMap / row.result.msPerMap;
  }
  const ig = (backend, model, steps) => rows.find((r) => r.backend === backend && r.model === model && r.label === `IG ${steps}, tfxai`)?.result;
  const rssRatios = Object.fromEntries(
    rows
      .filter((r) => r.label === 'IG 300, tfxai' && ig(r.backend, r.model, 50)?.peakRssMB && r.result.peakRssMB)
      .map((r) => [`${r.backend}/${r.model}`, +(r.result.peakRssMB / ig(r.backend, r.model, 50).peakRssMB).toFixed(3)]),
  );
  const tensorRatios = Object.fromEntries(
    rows
      .filter((r) => r.label === 'IG 300, tfxai' && ig(r.backend, r.model, 50)?.peakTensorMB && r.result.peakTensorMB)
      .map((r) => [`${r.backend}/${r.model}`, +(r.result.peakTensorMB / ig(r.backend, r.model, 50).peakTensorMB).toFixed(3)]),
  );
  const table = formatTable(rows);
  const notes = [
    ...missing.map((b) => `backend '${b}' is not installed here; not run`),
    ...(available.includes('tensorflow') ? [] : ["tfjs-node ('tensorflow') is not installed: not run"]),
  ];
  console.log(`tfxai bench: ${args.quick ? 'quick, 96x96' : '224x224x3'} inputs, node ${process.version}, ${(await import('node:os')).cpus().length} cores, ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(table);
  console.log(`\nIG peak RSS, 300 steps / 50 steps: ${JSON.stringify(rssRatios)}`);
  console.log(`IG peak tensor bytes (tf.profile peakBytes above the bytes before the call), 300 steps / 50 steps (goal <= 1.2): ${JSON.stringify(tensorRatios)}`);
  for (const note of notes) console.log(`- ${note}`);
  const out = args.out ?? join(root, 'bench-results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  // The decoder pipeline on 1 and 2 worker threads (issue 6, item 4): its own script, its table printed here too.
  const workersOut = out.replace(/\.json$/, '') + '.pipeline-workers.json';
  console.log('\nDecoder pipeline, worker threads:');
  const workers = spawnSync(process.execPath, [join(here, 'pipeline-workers.mjs'), ...(args.quick ? ['--quick'] : []), '--out', workersOut], { stdio: ['ignore', 'inherit', 'inherit'] });
  const pipelineWorkers = workers.status === 0 ? JSON.parse(readFileSync(workersOut, 'utf8')) : { failed: `exit ${workers.status}` };
  // The 3-D rows (issue 10): IG, Grad-CAM and occlusion on a 64^3 volume, IG on 128^3 (chunked), wasm and cpu.
  const volumesOut = out.replace(/\.json$/, '') + '.volumes.json';
  console.log('\nVolumes (3-D CNN):');
  const volumesBackends = backends.filter((b) => b === 'wasm' || b === 'cpu');
  let volumeRows = { skipped: 'neither wasm nor cpu among the backends run' };
  if (volumesBackends.length) {
    const volumesRun = spawnSync(process.execPath, [join(here, 'volumes.mjs'), ...(args.quick ? ['--quick'] : []), '--backend', volumesBackends.join(','), '--out', volumesOut], { stdio: ['ignore', 'inherit', 'inherit'] });
    volumeRows = volumesRun.status === 0 ? JSON.parse(readFileSync(volumesOut, 'utf8')) : { failed: `exit ${volumesRun.status}` };
  }
  // The browser rows (webgl and wasm in headless Chromium): their own script, skipped without Chromium.
  const browserOut = out.replace(/\.json$/, '') + '.browser.json';
  console.log('\nIn the browser (headless Chromium):');
  const browserRun = spawnSync(process.execPath, [join(here, 'browser.mjs'), ...(args.quick ? ['--quick'] : []), '--out', browserOut], { stdio: ['ignore', 'inherit', 'inherit'] });
  const browserRows = browserRun.status === 0 ? JSON.parse(readFileSync(browserOut, 'utf8')) : { failed: `exit ${browserRun.status}` };
  // IG against PyTorch and the physical limit, 1 thread and every core (issue 14): bench/reference.mjs, wasm only.
  let reference = { skipped: 'wasm not among the backends run' };
  if (backends.includes('wasm')) {
    const referenceOut = out.replace(/\.json$/, '') + '.reference.json';
    console.log('\nIntegrated Gradients, SmoothGrad and occlusion vs PyTorch, and the physical limit (wasm):');
    const run = spawnSync(process.execPath, [join(here, 'reference.mjs'), ...(args.quick ? ['--quick'] : []), '--out', referenceOut], { stdio: ['ignore', 'inherit', 'inherit'] });
    reference = run.status === 0 ? JSON.parse(readFileSync(referenceOut, 'utf8')) : { failed: `exit ${run.status}` };
  }
  // Occlusion's activation reuse vs plain, and the multiply-adds it saves, on the VGG-style and the example model (issue 14).
  let occlusionReuse = { skipped: 'wasm not among the backends run' };
  if (backends.includes('wasm')) {
    const reuseOut = out.replace(/\.json$/, '') + '.occlusion-reuse.json';
    console.log('\nOcclusion, reuse of the unoccluded activations (wasm):');
    const run = spawnSync(process.execPath, [join(here, 'occlusion-reuse.mjs'), ...(args.quick ? ['--quick'] : []), '--out', reuseOut], { stdio: ['ignore', 'inherit', 'inherit'] });
    occlusionReuse = run.status === 0 ? JSON.parse(readFileSync(reuseOut, 'utf8')) : { failed: `exit ${run.status}` };
  }
  // The bench model's convolutions one by one against PyTorch on the same shapes (printed only; not with --quick).
  if (backends.includes('wasm') && !args.quick) {
    console.log('\nThe VGG-style model\'s convolutions against PyTorch, shape by shape (wasm):');
    for (const threads of [1, os.availableParallelism()]) spawnSync(process.execPath, [join(here, 'conv-shapes.mjs'), '--threads', String(threads)], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), quick: args.quick, node: process.version, rows, rssRatios, tensorRatios, notes, pipelineWorkers, volumeRows, browserRows, reference, occlusionReuse }, null, 2));
  console.log(`\nJSON: ${out}`);
}

await main();
