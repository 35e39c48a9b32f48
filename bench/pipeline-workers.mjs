#!/usr/bin/env node
// The decoder pipeline on all cores: xaiDecoder over a folder of images with workers: 1 (this
// thread) and workers: 2 (two worker threads, each with its own backend and model), on the
// bundled example model (64x64x3, 3 classes), for Integrated Gradients (default 50 steps) and
// Grad-CAM. Prints images per second, the speed-up of 2 workers over 1, and peak RSS; writes
// the table as JSON.
//
//   node bench/pipeline-workers.mjs            128 images, median of 3 runs (a few minutes on 2 cores)
//   node bench/pipeline-workers.mjs --quick    32 images, one run: a smoke run
//   options: --images N, --repeats N, --methods a,b (default integrated-gradients,gradcam), --backend wasm|cpu (default wasm), --out FILE
//            (default bench-results/pipeline-workers.json)
//
// Every configuration runs in its own child process, so its peak RSS is its own. Worker threads
// live in that process: process.resourceUsage().maxRSS (the process's peak resident set) covers
// the parent thread and every worker together. Times are whole xaiDecoder calls, wall clock:
// model loading and worker start-up included, as a user pays them.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const EXAMPLE = join(root, 'examples/synthetic-shapes');

// ---------------------------------------------------------------- one configuration (child process)

async function runChild(config) {
  const { xaiDecoder } = await import('@tfxai/node');
  const { defaultRegistry } = await import('tfxai');
  if (!defaultRegistry().has(config.method)) return { skipped: `method '${config.method}' is not registered in 'tfxai'` };
  const runs = [];
  for (let i = 0; i < config.repeats; i++) {
    const out = mkdtempSync(join(os.tmpdir(), 'tfxai-bench-out-'));
    try {
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      let firstImage;
      const result = await xaiDecoder({
        inputs: config.folder,
        model: join(EXAMPLE, 'model/model.json'),
        method: config.method,
        standardize: 'rescale',
        outDir: out,
        workers: config.workers,
        onProgress: () => (firstImage ??= (performance.now() - start) / 1000),
      });
      const seconds = (performance.now() - start) / 1000;
      // CPU time of the whole process (every thread): cpu / wall is the number of cores the run kept busy.
      const cpu = process.cpuUsage(cpuStart);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      if (result.done !== config.images) throw new Error(`expected ${config.images} images done, got ${JSON.stringify({ ...result, samples: undefined })}`);
      runs.push({ seconds, cpuSeconds, firstImageSeconds: firstImage, workers: result.workers });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }
  return { runs, peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024) };
}

// ---------------------------------------------------------------- the table (parent)

function parseArgs(argv) {
  const args = { quick: false, images: undefined, repeats: undefined, methods: ['integrated-gradients', 'gradcam'], backend: 'wasm', out: join(root, 'bench-results/pipeline-workers.json') };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--quick') args.quick = true;
    else if (flag === '--images') args.images = Number(argv[++i]);
    else if (flag === '--repeats') args.repeats = Number(argv[++i]);
    else if (flag === '--backend') args.backend = argv[++i];
    else if (flag === '--methods') args.methods = argv[++i].split(',');
    else if (flag === '--out') args.out = resolve(argv[++i]);
    else {
      console.log('usage: node bench/pipeline-workers.mjs [--quick] [--images N] [--repeats N] [--methods a,b] [--backend wasm|cpu] [--out file.json]');
      process.exit(flag === '--help' || flag === '-h' ? 0 : 2);
    }
  }
  args.images ??= args.quick ? 32 : 128;
  args.repeats ??= args.quick ? 1 : 3;
  return args;
}

/** The example's images, cycled to `count` files (names stay distinct). */
function makeFolder(count) {
  const sources = readdirSync(join(EXAMPLE, 'images')).filter((name) => name.endsWith('.png')).sort();
  const folder = mkdtempSync(join(os.tmpdir(), 'tfxai-bench-in-'));
  for (let i = 0; i < count; i++) {
    const source = sources[i % sources.length];
    copyFileSync(join(EXAMPLE, 'images', source), join(folder, `${String(i).padStart(4, '0')}-${source}`));
  }
  return folder;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function runConfig(config, backend) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify(config)], {
    cwd: root,
    env: { ...process.env, TFXAI_BACKEND: backend },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const line = child.stdout.trim().split('\n').pop();
  if (child.status !== 0 || !line?.startsWith('{')) throw new Error(`child failed (${child.status}): ${child.stderr.slice(-2000)}`);
  return JSON.parse(line);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const folder = makeFolder(args.images);
  const rows = [];
  const load = os.loadavg();
  try {
    for (const method of args.methods) {
      let baseline;
      for (const workers of [1, 2]) {
        const result = runConfig({ method, workers, folder, images: args.images, repeats: args.repeats }, args.backend);
        if (result.skipped) {
          rows.push({ method, workers, skipped: result.skipped });
          break;
        }
        const seconds = median(result.runs.map((run) => run.seconds));
        baseline ??= seconds;
        rows.push({
          method,
          backend: args.backend,
          workers: result.runs[0].workers,
          images: args.images,
          runs: result.runs.length,
          medianSeconds: Number(seconds.toFixed(3)),
          imagesPerSecond: Number((args.images / seconds).toFixed(2)),
          speedUp: Number((baseline / seconds).toFixed(2)),
          firstImageSeconds: Number(median(result.runs.map((run) => run.firstImageSeconds)).toFixed(2)),
          coresBusy: Number(median(result.runs.map((run) => run.cpuSeconds / run.seconds)).toFixed(2)),
          peakRssMB: result.peakRssMB,
          allSeconds: result.runs.map((run) => Number(run.seconds.toFixed(3))),
        });
      }
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }

  const header = ['method', 'backend', 'workers', 'images', 'median s', 'images/s', 'speed-up', 'first image s', 'cores busy', 'peak RSS MB'];
  const table = rows.map((r) =>
    r.skipped
      ? [r.method, args.backend, String(r.workers), '-', '-', '-', '-', '-', '-', r.skipped]
      : [r.method, r.backend, String(r.workers), String(r.images), r.medianSeconds.toFixed(2), r.imagesPerSecond.toFixed(2), `${r.speedUp.toFixed(2)}x`, r.firstImageSeconds.toFixed(2), r.coresBusy.toFixed(2), String(r.peakRssMB)],
  );
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  const format = (row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  console.log(`xaiDecoder over ${args.images} images of the example model (64x64x3), median of ${args.repeats} run(s); ` +
    `${os.availableParallelism()} cores, load average before: ${load.map((l) => l.toFixed(2)).join(' ')}`);
  console.log(format(header));
  for (const row of table) console.log(format(row));
  console.log('speed-up: median time with workers 1 / with workers 2 (whole calls: model loading and worker start-up included); ' +
    'first image: seconds until the first image was finished (setup and thread start-up); ' +
    'cores busy: process CPU time / wall time; peak RSS: the whole process (parent and worker threads)');

  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cores: os.availableParallelism(), loadAverage: load, images: args.images, repeats: args.repeats, rows }, null, 2)}\n`);
  console.log(`JSON: ${args.out}`);
}

if (process.argv[2] === '--child') {
  const result = await runChild(JSON.parse(process.argv[3]));
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  await main();
}
