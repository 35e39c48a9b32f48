#!/usr/bin/env node
// The 3-D rows of `npm run bench` (issue 10): ms per map and peak RSS for Integrated Gradients
// (50 steps), Grad-CAM and occlusion on a 64^3 single-channel volume through a small seeded 3-D
// CNN, on wasm and cpu; and IG with 50 steps on a 128^3 volume (the chunked path), whose
// peak RSS is the figure that says memory stays bounded.
//
//   node bench/volumes.mjs                      after `npm run build` (run.mjs runs it too)
//   node bench/volumes.mjs --backend wasm       only these backends (comma-separated: wasm,cpu)
//   node bench/volumes.mjs --quick              32^3 and 64^3 instead of 64^3 and 128^3, one run each
//   node bench/volumes.mjs --out FILE           where the JSON goes
//
// Every row runs in its own child process, so that its peak RSS (process.resourceUsage().maxRSS)
// is its own. A method that does not take volumes on this build is printed as skipped, with the
// method's own error message; it is not a failure of the bench.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');

/** The small 3-D CNN of the example (conv 8, pool, conv 16, pool, conv 16, GAP3D, dense 3), seeded, at any cube size. */
async function buildVolumeModel(tf, size) {
  const { GlobalAveragePooling3D } = await import('@tfxai/volume-layers');
  let seed = 1;
  const conv = (filters, extra = {}) =>
    tf.layers.conv3d({ filters, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }), ...extra });
  const model = tf.sequential({ name: 'bench_volume_cnn' });
  model.add(conv(8, { inputShape: [size, size, size, 1] }));
  model.add(tf.layers.maxPooling3d({ poolSize: 2 }));
  model.add(conv(16));
  model.add(tf.layers.maxPooling3d({ poolSize: 2 }));
  model.add(conv(16, { name: 'conv3' }));
  model.add(new GlobalAveragePooling3D({}));
  model.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed++ }) }));
  return model;
}

async function runChild(config) {
  const tf = await import('@tensorflow/tfjs');
  if (config.backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  const tfxai = await import('tfxai');
  if (!(await tf.setBackend(config.backend))) throw new Error(`backend ${config.backend} failed to initialise`);
  await tf.ready();
  const registry = tfxai.defaultRegistry();
  if (!registry.has(config.method)) return { skipped: `method '${config.method}' is not registered` };
  const model = await buildVolumeModel(tf, config.size);
  const volume = tf.randomUniform([1, config.size, config.size, config.size, 1], 0, 1, 'float32', 42);
  const before = tf.memory().numTensors;
  const times = [];
  let method;
  for (let i = 0; i < config.warmup + config.repeats; i++) {
    const start = performance.now();
    let map;
    try {
      method ??= tfxai.decoder(config.method)(model, config.options ?? {});
      map = await method.computeHeatmap(volume, 1);
    } catch (error) {
      // Creating the method and its first call tell whether it takes volumes on this build: its typed error is the skip reason.
      if (i === 0 && error?.code) return { skipped: `${config.method} does not take volumes on this build: ${error.message.slice(0, 200)}` };
      throw error;
    }
    const values = await map.data();
    const ms = performance.now() - start;
    if (map.rank !== 3 || values.some((v) => !Number.isFinite(v))) throw new Error(`expected a finite (D, H, W) map, got shape [${map.shape}]`);
    map.dispose();
    if (i >= config.warmup) times.push(ms);
  }
  times.sort((a, b) => a - b);
  const leaked = tf.memory().numTensors - before;
  tf.dispose(volume);
  model.dispose();
  return { msPerMap: times[Math.floor((times.length - 1) / 2)], runs: times.map((t) => Math.round(t)), peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024), tensorsLeaked: leaked };
}

function parseArgs(argv) {
  const args = { quick: false, backends: ['wasm', 'cpu'], out: undefined, child: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--backend') args.backends = argv[++i].split(',').map((s) => s.trim());
    else if (a === '--out') args.out = argv[++i];
    else if (a === '--child') args.child = JSON.parse(argv[++i]);
    else throw new Error(`unknown argument ${a}; allowed: --quick, --backend LIST, --out FILE`);
  }
  return args;
}

function plan(backends, quick) {
  const small = quick ? 32 : 64;
  const large = quick ? 64 : 128;
  const rows = [];
  for (const backend of backends) {
    const cpu = backend === 'cpu';
    const once = quick || cpu;
    const timing = { warmup: once ? 0 : 1, repeats: once ? 1 : 2 };
    // IG's 50 forward+backward passes take a minute or more per 64^3 map: one run, as a first call.
    rows.push({ backend, size: small, label: 'IG 50 steps', method: 'integrated-gradients', options: { numSteps: 50 }, warmup: 0, repeats: 1 });
    rows.push({ backend, size: small, label: 'Grad-CAM', method: 'gradcam', options: {}, ...timing });
    // Occlusion's default patch is a side / 8 (8 voxels here): 512 windows, one forward pass each, many minutes on cpu.
    // A 16-voxel patch (64 windows) bounds the bench; the time scales with the number of windows.
    rows.push({ backend, size: small, label: 'occlusion, patch 16 (64 windows)', method: 'occlusion', options: { patchSize: 16 }, warmup: 0, repeats: 1 });
    // cpu runs a 128^3 volume's 50 forward and backward passes for many minutes: its large row is left to wasm.
    if (cpu && !quick) rows.push({ backend, size: large, label: 'IG 50 steps (chunked)', skipped: 'cpu: many minutes per map at 128^3; the memory row runs on wasm' });
    else rows.push({ backend, size: large, label: 'IG 50 steps (chunked)', method: 'integrated-gradients', options: { numSteps: 50 }, warmup: 0, repeats: 1 });
  }
  return rows;
}

function runRow(row) {
  if (row.skipped) return { skipped: row.skipped };
  const { label, ...config } = row;
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify(config)], {
    cwd: root,
    env: { ...process.env, TFXAI_KERNELS: 'all' },
    encoding: 'utf8',
    // A row that runs away is reported, not waited for: 20 minutes at most.
    timeout: 20 * 60 * 1000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    if (child.error?.code === 'ETIMEDOUT') return { failed: 'timed out after 20 minutes' };
    const reason = (child.stderr || child.stdout).trim().split('\n').filter((l) => /Error|error/.test(l))[0] ?? `exit ${child.status}`;
    return { failed: reason.slice(0, 200) };
  }
}

export function formatVolumeTable(rows) {
  const header = ['backend', 'volume', 'configuration', 'ms/map', 'runs', 'peak RSS MB', 'leaked'];
  const body = rows.map((r) => [
    r.backend,
    `${r.size}^3 x 1`,
    r.label,
    r.result.msPerMap !== undefined ? String(Math.round(r.result.msPerMap)) : r.result.skipped ? 'skipped' : 'FAILED',
    r.result.runs ? String(r.result.runs.length) : '',
    r.result.peakRssMB !== undefined ? String(r.result.peakRssMB) : '',
    r.result.tensorsLeaked !== undefined ? String(r.result.tensorsLeaked) : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  const notes = rows.filter((r) => r.result.skipped || r.result.failed).map((r) => `- ${r.backend} ${r.size}^3 ${r.label}: ${r.result.skipped ?? r.result.failed}`);
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ...(notes.length ? ['', 'Notes:', ...notes] : [])].join('\n');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    console.log(JSON.stringify(await runChild(args.child)));
    return;
  }
  const rows = plan(args.backends, args.quick);
  const started = Date.now();
  for (const row of rows) {
    process.stderr.write(`[bench volumes] ${row.backend} ${row.size}^3 ${row.label} ... `);
    row.result = runRow(row);
    process.stderr.write(`${row.result.msPerMap !== undefined ? `${Math.round(row.result.msPerMap)} ms, peak RSS ${row.result.peakRssMB} MB` : row.result.skipped ? 'skipped' : `failed: ${row.result.failed}`}\n`);
  }
  console.log(`tfxai bench, volumes: a small 3-D CNN (conv 8, pool, conv 16, pool, conv 16, GAP3D, dense 3), node ${process.version}, ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(formatVolumeTable(rows));
  const out = args.out ?? join(root, 'bench-results', `bench-volumes-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), quick: args.quick, node: process.version, rows }, null, 2));
  console.log(`\nJSON: ${out}`);
}

await main();
