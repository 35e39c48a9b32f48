#!/usr/bin/env node
// Integrated Gradients (50 steps, 51-point trapezoid, zero baseline), SmoothGrad (saliency, 50
// samples, noise 0.15 of the image's range) and occlusion (patch 16, stride 8, zero fill, the score
// drop: 729 windows at 224x224) on the 224x224x3 VGG-style model: tfxai on wasm with 1 thread and
// with every core (the threaded SIMD build, see packages/core/src/wasm-threads.ts), against
// references measured in the same run:
//   - PyTorch (Debian's python3-torch), the same weights and path, every point in one batched
//     call as Captum does, with 1 thread and with every core (torch.set_num_threads); for
//     SmoothGrad Captum's NoiseTunnel(Saliency) (all 50 samples in one call), for occlusion
//     Captum's Occlusion algorithm with 32 windows per call (tfxai's occlusion batchSize); see
//     bench/pytorch_ig.py (plain torch: Captum has no Debian package);
//   - the physical limit: the time of the 51 forward and backward passes in ONE batched call on
//     the wasm backend with one thread, divided by the cores used.
// Also tfxai with its first-layer shortcut (exact IG through the first conv, option firstLayerShortcut).
// Checks the numbers too: tfxai's attributions with 1 vs n threads, shortcut vs plain, and tfxai vs
// PyTorch (IG attributions, the occlusion map, and the plain input gradient for the SmoothGrad
// rows: their noise differs between the libraries, so their maps are not compared).
//
//   node bench/reference.mjs                 (npm run bench runs it at the end)
//   options: --quick (96x96, 1 repeat, 1 round), --repeats N (default 3), --out FILE (JSON),
//            --methods ig,smoothgrad,occlusion (default all three),
//            --rounds R (default 2): the whole set (tfxai's processes, then PyTorch's) R times in turn,
//            every row the median of all its runs. Why: on a shared 2-core VM one process can run
//            30 % slower than the next for its whole life; alternating spreads that over both libraries.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel } from './models.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const CLASS_INDEX = 3;
const STEPS = 50;
const SMOOTHGRAD = { samples: 50, noiseLevel: 0.15 };
const OCCLUSION = { patchSize: 16, stride: 8, fill: 0, score: 'drop' };
const METHODS = ['ig', 'smoothgrad', 'occlusion'];

// ---------------------------------------------------------------- one thread count (child process)

async function runChild(config) {
  const tf = await import('@tensorflow/tfjs');
  const core = await import('@tfxai/core');
  const tfxai = await import('tfxai'); // registers tfxai's wasm kernels (TFXAI_KERNELS, default all)
  await core.initBackend({ backend: 'wasm', wasmThreads: config.threads, log: () => {} });
  await tf.ready();
  const threads = await core.wasmThreadCount();
  const model = await buildModel(tf, 'vgg', config.size);
  const image = tf.randomUniform([1, config.size, config.size, 3], 0, 1, 'float32', 42);

  if (config.exportTo) {
    // The weights and image for the PyTorch script, as raw float32 files.
    const weights = model.getWeights().map((w, i) => {
      writeFileSync(join(config.exportTo, `w${i}.bin`), Buffer.from(w.dataSync().buffer));
      return { file: `w${i}.bin`, shape: w.shape };
    });
    writeFileSync(join(config.exportTo, 'image.bin'), Buffer.from(image.dataSync().buffer));
    writeFileSync(join(config.exportTo, 'weights.json'), JSON.stringify({ weights, imageShape: image.shape, classes: 10, blocks: [[8, 8], [16, 16], [32]] }));
  }

  const time = async (run) => {
    const times = [];
    for (let i = 0; i < 1 + config.repeats; i++) {
      const start = performance.now();
      const out = run();
      await (await out).data();
      tf.dispose(await out);
      if (i > 0) times.push(performance.now() - start); // the first run warms up
    }
    return { msPerMap: [...times].sort((a, b) => a - b)[Math.floor((times.length - 1) / 2)], runs: times.map(Math.round) };
  };

  // IG first: its rows include the physical limit, and the batched call measured after SmoothGrad
  // and occlusion in the same process took 1783 ms on one thread, against 1050-1090 ms alone.
  const result = { threads, ...(config.methods.includes('ig') ? await igRows(tf, core, tfxai, model, image, config, time) : {}) };
  if (config.methods.includes('smoothgrad')) result.smoothgrad = await smoothGradRows(tf, core, tfxai, model, image, config, time);
  if (config.methods.includes('occlusion')) result.occlusion = await occlusionRows(tf, tfxai, model, image, config, time);
  return result;
}

/** IG timed as computeHeatmap, with and without the first-layer shortcut, and the physical limit (one batched call). */
async function igRows(tf, core, tfxai, model, image, config, time) {
  // The physical limit: every path point's forward and backward pass in one batched call.
  const selector = tf.oneHot([CLASS_INDEX], 10).toFloat();
  const gradient = tf.grad((x) => tf.sum(tf.mul(model.apply(x), selector)));
  const points = tf.tidy(() => tf.mul(tf.tile(image, [STEPS + 1, 1, 1, 1]), tf.linspace(0, 1, STEPS + 1).reshape([STEPS + 1, 1, 1, 1])));
  // Inside tfxai's kernel scope, where tfxai's own passes run (a plain tf.grad gets stock kernels).
  const batched = await time(() => core.withTfxaiKernels(() => gradient(points)));

  const method = tfxai.decoder('integrated-gradients')(model, { numSteps: STEPS });
  const before = tf.memory().numTensors;
  const ig = await time(() => method.computeHeatmap(image, CLASS_INDEX));
  const leaked = tf.memory().numTensors - before;
  const { attributions } = await method.attribute(image, CLASS_INDEX);
  const plain = await attributions.data();
  writeFileSync(config.attributionsTo, Buffer.from(plain.buffer));
  attributions.dispose();

  // The same map through the first-layer shortcut (packages/integrated-gradients/src/first-layer-shortcut.ts).
  const shortcutMethod = tfxai.decoder('integrated-gradients')(model, { numSteps: STEPS, firstLayerShortcut: true });
  const shortcutBefore = tf.memory().numTensors;
  const shortcut = await time(() => shortcutMethod.computeHeatmap(image, CLASS_INDEX));
  const shortcutLeaked = tf.memory().numTensors - shortcutBefore;
  const { attributions: viaShortcut } = await shortcutMethod.attribute(image, CLASS_INDEX);
  const shortcutDifference = relativeDifference(await viaShortcut.data(), plain);
  viaShortcut.dispose();
  return { batched, ig, leaked, shortcut: { ...shortcut, leaked: shortcutLeaked, difference: shortcutDifference } };
}

/** SmoothGrad over saliency, timed as computeHeatmap; writes the plain input gradient (the model check against PyTorch). */
async function smoothGradRows(tf, core, tfxai, model, image, config, time) {
  const method = tfxai.decoder('saliency')(model, { smoothGrad: SMOOTHGRAD });
  const before = tf.memory().numTensors;
  const timing = await time(() => method.computeHeatmap(image, CLASS_INDEX));
  const leaked = tf.memory().numTensors - before;
  // The same with the noise drawn anew for every map (a first call; see packages/core/src/noise-cache.ts).
  const fresh = await time(() => {
    core.clearNoiseCache();
    return method.computeHeatmap(image, CLASS_INDEX);
  });
  const { attributions } = await tfxai.decoder('saliency')(model).attribute(image, CLASS_INDEX);
  writeFileSync(config.gradientTo, Buffer.from((await attributions.data()).buffer));
  attributions.dispose();
  return { ...timing, leaked, fresh };
}

/** Occlusion, timed as computeHeatmap; writes the raw map (H x W) for the check against PyTorch. */
async function occlusionRows(tf, tfxai, model, image, config, time) {
  const method = tfxai.decoder('occlusion')(model, OCCLUSION);
  const before = tf.memory().numTensors;
  const timing = await time(() => method.computeHeatmap(image, CLASS_INDEX));
  const leaked = tf.memory().numTensors - before;
  const map = await method.sensitivityMap(image, CLASS_INDEX);
  const plain = await map.data();
  writeFileSync(config.occlusionTo, Buffer.from(plain.buffer));
  map.dispose();
  // The same map with the unoccluded activations reused (packages/perturbation/src/occlusion-reuse.ts).
  const reuseMethod = tfxai.decoder('occlusion')(model, { ...OCCLUSION, reuseActivations: true });
  const reuseBefore = tf.memory().numTensors;
  const reuse = await time(() => reuseMethod.computeHeatmap(image, CLASS_INDEX));
  const reuseLeaked = tf.memory().numTensors - reuseBefore;
  const reusedMap = await reuseMethod.sensitivityMap(image, CLASS_INDEX);
  const difference = relativeDifference(await reusedMap.data(), plain);
  reusedMap.dispose();
  return { ...timing, leaked, reuse: { ...reuse, leaked: reuseLeaked, difference } };
}

// ---------------------------------------------------------------- the table (parent)

function parseArgs(argv) {
  const args = { quick: false, repeats: undefined, rounds: undefined, out: undefined, methods: METHODS };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--quick') args.quick = true;
    else if (argv[i] === '--repeats') args.repeats = Number(argv[++i]);
    else if (argv[i] === '--rounds' && Number.isInteger(Number(argv[i + 1])) && Number(argv[i + 1]) >= 1) args.rounds = Number(argv[++i]);
    else if (argv[i] === '--out') args.out = resolve(argv[++i]);
    else if (argv[i] === '--methods' && argv[i + 1]?.split(',').every((m) => METHODS.includes(m))) args.methods = argv[++i].split(',');
    else {
      console.log('usage: node bench/reference.mjs [--quick] [--repeats N] [--rounds R] [--methods ig,smoothgrad,occlusion] [--out file.json]');
      process.exit(argv[i] === '--help' || argv[i] === '-h' ? 0 : 2);
    }
  }
  args.repeats ??= args.quick ? 1 : 3;
  args.rounds ??= args.quick ? 1 : 2;
  return args;
}

function child(config) {
  const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', JSON.stringify(config)], {
    cwd: root,
    env: { ...process.env, TFXAI_BACKEND: 'wasm' },
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  if (result.status !== 0 || !line.startsWith('{')) throw new Error(`tfxai child (${config.threads} threads) failed (${result.status}): ${result.stderr.slice(-1500)}`);
  return JSON.parse(line);
}

/** Debian's torch lives in the system python; a pyenv or venv python3 first on PATH may lack it. */
function findTorchPython() {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  return undefined;
}

const readFloats = (file) => {
  const bytes = readFileSync(file);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};

/** max |a - b| / max |b|: the worst difference relative to the attributions' scale. */
function relativeDifference(a, b) {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

/**
 * One result out of several rounds' results of the same shape: every `runs` list joined (and its
 * `msPerMap` the median of the joined list), counts and differences the worst (largest) of the
 * rounds, anything else as in the first round.
 */
function mergeRounds(results) {
  const [first] = results;
  if (Array.isArray(first)) return first.map((_, i) => mergeRounds(results.map((r) => r[i])));
  if (first === null || typeof first !== 'object') return typeof first === 'number' ? Math.max(...results) : first;
  const merged = {};
  for (const key of Object.keys(first)) {
    if (key === 'runs') merged.runs = results.flatMap((r) => r.runs);
    else if (key === 'msPerMap' || key === 'threads') continue;
    else merged[key] = mergeRounds(results.map((r) => r[key]));
  }
  if ('threads' in first) merged.threads = first.threads;
  if ('msPerMap' in first) merged.msPerMap = merged.runs ? median(merged.runs) : median(results.map((r) => r.msPerMap));
  return merged;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const size = args.quick ? 96 : 224;
  const cores = os.availableParallelism();
  const threadCounts = cores > 1 ? [1, Math.min(cores, 8)] : [1];
  const dir = mkdtempSync(join(os.tmpdir(), 'tfxai-reference-'));
  const load = os.loadavg();
  const notes = [];
  const hasIg = args.methods.includes('ig');
  try {
    const python = findTorchPython();
    if (!python) notes.push('PyTorch rows skipped: no python3 with torch and numpy (Debian: apt-get install python3-torch)');
    // tfxai's noise is relative to the image's value range; Captum's stdev is absolute (read after round 1 exports the image).
    let noiseStdev;
    const tfxaiRounds = [];
    const torchRounds = [];
    for (let round = 0; round < args.rounds; round++) {
      tfxaiRounds.push(
        threadCounts.map((threads, i) =>
          child({
            threads,
            size,
            repeats: args.repeats,
            methods: args.methods,
            exportTo: i === 0 && round === 0 ? dir : undefined,
            attributionsTo: join(dir, `tfxai-${threads}.bin`),
            gradientTo: join(dir, `tfxai-gradient-${threads}.bin`),
            occlusionTo: join(dir, `tfxai-occlusion-${threads}.bin`),
          }),
        ),
      );
      if (!python) continue;
      if (noiseStdev === undefined) {
        const pixels = readFloats(join(dir, 'image.bin'));
        let [low, high] = [Infinity, -Infinity];
        for (const v of pixels) [low, high] = [Math.min(low, v), Math.max(high, v)];
        noiseStdev = SMOOTHGRAD.noiseLevel * (high - low);
      }
      const run = spawnSync(
        python,
        [
          join(here, 'pytorch_ig.py'), dir, '--threads', threadCounts.join(','), '--repeats', String(args.repeats), '--steps', String(STEPS), '--target', String(CLASS_INDEX),
          '--methods', args.methods.join(','), '--samples', String(SMOOTHGRAD.samples), '--noise-stdev', String(noiseStdev),
          '--patch', String(OCCLUSION.patchSize), '--stride', String(OCCLUSION.stride), '--occlusion-batch', '32',
        ],
        { encoding: 'utf8' },
      );
      const line = run.stdout.trim().split('\n').pop() ?? '';
      if (run.status !== 0 || !line.startsWith('{')) notes.push(`PyTorch run failed (${run.status}): ${run.stderr.trim().split('\n').pop()}`);
      else torchRounds.push(JSON.parse(line));
    }
    const tfxai = threadCounts.map((_, i) => mergeRounds(tfxaiRounds.map((round) => round[i])));
    const mine = hasIg ? readFloats(join(dir, 'tfxai-1.bin')) : undefined;
    const threadDifference = hasIg && threadCounts.length > 1 ? relativeDifference(readFloats(join(dir, `tfxai-${threadCounts[1]}.bin`)), mine) : undefined;

    const torch = torchRounds.length > 0 ? mergeRounds(torchRounds) : undefined;
    if (torch) {
      if (hasIg) torch.difference = relativeDifference(mine, readFloats(join(dir, 'torch-attributions.bin')));
      if (args.methods.includes('smoothgrad')) torch.gradientDifference = relativeDifference(readFloats(join(dir, 'tfxai-gradient-1.bin')), readFloats(join(dir, 'torch-gradient.bin')));
      if (args.methods.includes('occlusion')) torch.occlusionDifference = relativeDifference(readFloats(join(dir, 'tfxai-occlusion-1.bin')), readFloats(join(dir, 'torch-occlusion.bin')));
    }

    const limitOneCore = hasIg ? tfxai[0].batched.msPerMap : undefined;
    const rows = [];
    const versus = (torchRows, t, ms) => {
      const reference = torchRows?.find((r) => r.threads === t.threads);
      return reference ? ms / reference.msPerMap : undefined;
    };
    if (hasIg) {
      for (const t of tfxai) {
        rows.push({ configuration: 'tfxai IG 50, wasm', threads: t.threads, msPerMap: t.ig.msPerMap, runs: t.ig.runs, vsPytorch: versus(torch?.rows, t, t.ig.msPerMap), overAbove: t.ig.msPerMap / (limitOneCore / t.threads), leaked: t.leaked });
      }
      for (const t of tfxai) {
        const ms = t.shortcut.msPerMap;
        rows.push({ configuration: 'tfxai IG 50, wasm, firstLayerShortcut', threads: t.threads, msPerMap: ms, runs: t.shortcut.runs, vsPytorch: versus(torch?.rows, t, ms), overAbove: ms / (limitOneCore / t.threads), leaked: t.shortcut.leaked });
      }
      tfxai.forEach((t) => rows.push({ configuration: 'one batched call, 51 fwd+bwd, wasm', threads: t.threads, msPerMap: t.batched.msPerMap, runs: t.batched.runs }));
      threadCounts.forEach((threads) => rows.push({ configuration: 'physical limit: 1-thread batched call / cores', threads, msPerMap: limitOneCore / threads }));
      for (const r of torch?.rows ?? []) rows.push({ configuration: `PyTorch ${torch.torch} IG 50, one batched call`, threads: r.threads, msPerMap: r.msPerMap, runs: r.runs });
    }
    if (args.methods.includes('smoothgrad')) {
      for (const t of tfxai) rows.push({ configuration: 'tfxai SmoothGrad 50 (saliency), wasm', threads: t.threads, msPerMap: t.smoothgrad.msPerMap, runs: t.smoothgrad.runs, vsPytorch: versus(torch?.smoothgrad, t, t.smoothgrad.msPerMap), leaked: t.smoothgrad.leaked });
      for (const t of tfxai) {
        const { fresh } = t.smoothgrad;
        rows.push({ configuration: 'tfxai SmoothGrad 50, noise drawn anew each map', threads: t.threads, msPerMap: fresh.msPerMap, runs: fresh.runs, vsPytorch: versus(torch?.smoothgrad, t, fresh.msPerMap) });
      }
      for (const r of torch?.smoothgrad ?? []) rows.push({ configuration: `PyTorch ${torch.torch} NoiseTunnel smoothgrad 50, one call`, threads: r.threads, msPerMap: r.msPerMap, runs: r.runs });
    }
    if (args.methods.includes('occlusion')) {
      for (const t of tfxai) rows.push({ configuration: 'tfxai occlusion 16/8, wasm', threads: t.threads, msPerMap: t.occlusion.msPerMap, runs: t.occlusion.runs, vsPytorch: versus(torch?.occlusion, t, t.occlusion.msPerMap), leaked: t.occlusion.leaked });
      for (const t of tfxai) {
        const { reuse } = t.occlusion;
        rows.push({ configuration: 'tfxai occlusion 16/8, wasm, reuseActivations', threads: t.threads, msPerMap: reuse.msPerMap, runs: reuse.runs, vsPytorch: versus(torch?.occlusion, t, reuse.msPerMap), leaked: reuse.leaked });
      }
      for (const r of torch?.occlusion ?? []) rows.push({ configuration: `PyTorch ${torch.torch} Occlusion 16/8, 32 windows/call`, threads: r.threads, msPerMap: r.msPerMap, runs: r.runs });
    }

    const header = ['configuration', 'threads', 'ms/map', 'runs', 'tfxai / PyTorch', 'tfxai / limit', 'leaked'];
    const body = rows.map((r) => [
      r.configuration,
      String(r.threads),
      String(Math.round(r.msPerMap)),
      r.runs ? r.runs.join(' ') : '',
      r.vsPytorch !== undefined ? `${r.vsPytorch.toFixed(2)}x` : '',
      r.overAbove !== undefined ? `${r.overAbove.toFixed(2)}x` : '',
      r.leaked !== undefined ? String(r.leaked) : '',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
    console.log(`${args.methods.join(', ')} on the ${size}x${size}x3 VGG-style model, median of ${args.rounds} round(s) x ${args.repeats} runs (each process warms up once; the rounds alternate tfxai's and PyTorch's processes); ${cores} cores, load average before: ${load.map((l) => l.toFixed(2)).join(' ')}`);
    console.log([line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n'));
    if (threadDifference !== undefined) console.log(`tfxai attributions, ${threadCounts[1]} threads vs 1: max |diff| / max |attribution| = ${threadDifference.toExponential(2)}${threadDifference === 0 ? ' (bit-identical)' : ''}`);
    if (hasIg) tfxai.forEach((t) => console.log(`firstLayerShortcut vs plain tfxai attributions (${t.threads} thread(s)): max |diff| / max |attribution| = ${t.shortcut.difference.toExponential(2)}`));
    if (torch?.difference !== undefined) console.log(`tfxai (1 thread) vs PyTorch IG attributions, same weights: max |diff| / max |attribution| = ${torch.difference.toExponential(2)}`);
    if (torch?.gradientDifference !== undefined) console.log(`tfxai saliency (1 thread) vs PyTorch input gradient, no noise (the SmoothGrad rows' model check): max |diff| / max |gradient| = ${torch.gradientDifference.toExponential(2)}`);
    if (args.methods.includes('occlusion')) tfxai.forEach((t) => console.log(`occlusion reuseActivations vs plain tfxai map (${t.threads} thread(s)): max |diff| / max |value| = ${t.occlusion.reuse.difference.toExponential(2)}`));
    if (torch?.occlusionDifference !== undefined) console.log(`tfxai occlusion map (1 thread) vs PyTorch/Captum's algorithm: max |diff| / max |value| = ${torch.occlusionDifference.toExponential(2)}`);
    if (hasIg) console.log("tfxai / limit: tfxai's time over the physical limit for its thread count (1.00x = no overhead above one batched call per core)");
    for (const note of notes) console.log(`- ${note}`);
    if (args.out) {
      mkdirSync(dirname(args.out), { recursive: true });
      const differences = { threadDifference, shortcutDifferences: hasIg ? tfxai.map((t) => t.shortcut.difference) : undefined, torchDifference: torch?.difference, torchGradientDifference: torch?.gradientDifference, torchOcclusionDifference: torch?.occlusionDifference };
      writeFileSync(args.out, `${JSON.stringify({ date: new Date().toISOString(), cores, loadAverage: load, size, repeats: args.repeats, rounds: args.rounds, methods: args.methods, rows, ...differences, notes }, null, 2)}\n`);
      console.log(`JSON: ${args.out}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  const result = await runChild(JSON.parse(process.argv[3]));
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  await main();
}
