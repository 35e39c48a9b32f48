import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, InvalidOptionError, TfxaiError, adaptModel, checkInteger, isLayersModel, resizeMap, type XaiMethod } from '@tfxai/core';
import {
  IMAGE_EXTENSIONS,
  ImageReadError,
  canonicalJson,
  checkStandardize,
  collectInputs,
  loadModelFromFile,
  preprocessImage,
  readImage,
  safeStem,
  stripExtension,
  writeFileAtomic,
  type DecoderProgress,
  type RasterImage,
} from '@tfxai/node';
import { deletionCurves, insertionCurves } from '../deletion-insertion.js';
import { entropy } from '../entropy.js';
import { energyPointingGame } from '../energy-pointing-game.js';
import { heatmapExplainer } from '../explainer.js';
import { boxMask, type Box } from '../masks.js';
import { muFidelity } from '../mu-fidelity.js';
import { modelParameterRandomisation } from '../parameter-randomisation.js';
import { pointingGame } from '../pointing-game.js';
import { relevanceMassAccuracy } from '../relevance-mass.js';
import { relevanceRankAccuracy } from '../relevance-rank.js';
import { sparseness } from '../sparseness.js';
import { mean } from '../statistics.js';
import { curvePlotSvg } from './curve-plot.js';
import type { EvaluateOptions } from './evaluation-options.js';
import { mapStripSvg } from './map-strip.js';
import { reportHtml } from './report-html.js';
import { rankMethods, summarise, summaryTable, type MetricSummary, type RankingEntry, type SampleEvaluation } from './summary.js';
import { svgToPng } from './svg-png.js';

/** One method's randomisation cascade, as stored in results/cascade--<method>.json. */
export interface CascadeSummary {
  method: string;
  /** The method's options as canonical JSON, as in {@link SampleEvaluation}: `resume` redoes the cascade when they differ. */
  methodOptions?: string;
  samples: string[];
  stages: { layer: string; spearman: number; ssim: number }[];
  /** The strip of maps (PNG) of the first image. */
  picture: string;
}

/** What {@link evaluateMethods} returns (and writes as evaluation.json, without the curves per image). */
export interface EvaluationResult {
  outDir: string;
  methods: string[];
  total: number;
  done: number;
  skipped: number;
  failed: number;
  aborted: boolean;
  seconds: number;
  /** Per method and metric: mean, spread (sample standard deviation) and count over images. */
  summary: Record<string, Record<string, MetricSummary>>;
  /** Methods by their mean rank over the faithfulness and localisation metrics. */
  ranking: RankingEntry[];
  /** The summary as a text table. */
  table: string;
  evaluations: SampleEvaluation[];
  cascades: CascadeSummary[];
  failures: { sample: string; error: { name: string; code: string; message: string } }[];
  files: { json: string; curves: string; report: string };
}

const isPerImageError = (error: unknown): error is TfxaiError => error instanceof ImageReadError || error instanceof InvalidInputError;

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, Buffer.from(`${JSON.stringify(value, null, 2)}\n`));
}

/** A binary mask of the image's size from the mask folder or the boxes, or undefined when there is none. */
async function findMask(options: EvaluateOptions, sample: string, image: RasterImage, maskFiles: Map<string, string> | undefined): Promise<Float32Array | undefined> {
  const base = path.basename(sample);
  const entry = options.boxes?.[sample] ?? options.boxes?.[base];
  if (entry) return boxMask('box' in entry ? entry.box : entry, [image.height, image.width]);
  if (!maskFiles) return undefined;
  const strip = (name: string) => stripExtension(name, IMAGE_EXTENSIONS).base;
  const file = maskFiles.get(safeStem(strip(sample))) ?? maskFiles.get(strip(base));
  if (!file) return undefined;
  const mask = await readImage(file);
  if (mask.width !== image.width || mask.height !== image.height) {
    throw new InvalidInputError(`mask '${file}' is ${mask.width}x${mask.height} but image '${sample}' is ${image.width}x${image.height}`);
  }
  return Float32Array.from({ length: mask.width * mask.height }, (_, p) => (mask.data[p * mask.channels]! > 127 ? 1 : 0));
}

/** Mask files by stem. */
async function listMasks(folder: string | undefined): Promise<Map<string, string> | undefined> {
  if (folder === undefined) return undefined;
  const files = new Map<string, string>();
  for (const name of await readdir(folder)) {
    const match = /^(.*)\.([^.]+)$/.exec(name);
    if (match && IMAGE_EXTENSIONS.includes(match[2]!.toLowerCase())) files.set(match[1]!, path.join(folder, name));
  }
  return files;
}

/** Mean of several curves sampled at the same fractions. */
function meanCurve(curves: readonly { fractions: number[]; scores: number[] }[]): { x: number[]; y: number[] } {
  const x = curves[0]?.fractions ?? [];
  return { x, y: x.map((_, k) => mean(curves.map((c) => c.scores[k]!))) };
}

/**
 * `tfxai evaluate`: explains every image with every method (the target is
 * the model's top class) and measures the maps: deletion and insertion
 * curves, MuFidelity, sparseness and entropy, and with masks or boxes the
 * pointing game, relevance mass, relevance rank and energy pointing game;
 * then the randomisation cascade (Adebayo et al.) per method on the first
 * images. Writes results/<stem>--<method>.json per pair (what `resume`
 * skips), evaluation.json, curves.png, cascade-<method>.png and report.html.
 */
export async function evaluateMethods(options: EvaluateOptions): Promise<EvaluationResult> {
  const started = Date.now();
  if (options.methods.length === 0) throw new InvalidOptionError('methods', 'give at least one method name');
  const methods = [...new Set(options.methods)];
  for (const name of methods) options.registry.registration(name);
  const steps = checkInteger('steps', options.steps ?? 32, 1);
  const batchSize = checkInteger('batchSize', options.batchSize ?? 32, 1);
  const muSamples = checkInteger('muFidelitySamples', options.muFidelitySamples ?? 128, 2);
  const randomisationImages = checkInteger('randomisationImages', options.randomisationImages ?? 1, 0);
  const seed = options.seed ?? 0;
  const outDir = path.resolve(options.outDir);
  const resultsDir = path.join(outDir, 'results');
  await mkdir(resultsDir, { recursive: true });

  const { model } = await loadModelFromFile(options.model);
  const adapter = adaptModel(model);
  // The size and channels the model declares (null: keep the image's), as `tfxai explain` takes them.
  const declared = adapter.inputShape;
  const spec = { height: (declared?.[0] as number | null) ?? null, width: (declared?.[1] as number | null) ?? null, channels: (declared?.[2] as number | null) ?? null };
  const standardize = checkStandardize(options.standardize ?? 'none', spec.channels ?? undefined);
  const methodFor = (name: string, m: typeof model): XaiMethod => options.registry.decoder(name)(m, options.methodOptions?.[name] as never);
  const instances = new Map(methods.map((name) => [name, methodFor(name, model)]));
  // What each pair's result records of its method, so that `resume` redoes a pair whose options changed.
  const optionsRecord = new Map(methods.map((name) => [name, canonicalJson(options.methodOptions?.[name] ?? {})]));
  const items = await collectInputs([...options.inputs], { glob: options.glob });
  const maskFiles = await listMasks(options.masksDir);
  // Named like explain's outputs: the sample's path without its image extension, separators as '.'.
  const stemOf = (sample: string) => safeStem(stripExtension(sample, IMAGE_EXTENSIONS).base);
  const resultFile = (sample: string, method: string) => path.join(resultsDir, `${stemOf(sample)}--${safeStem(method)}.json`);

  const evaluations: SampleEvaluation[] = [];
  const failures: EvaluationResult['failures'] = [];
  const inputsForCascade: { sample: string; input: tf.Tensor3D; target: number }[] = [];
  let [done, skipped, computed] = [0, 0, 0];
  let aborted = false;
  const report = (sample: string, status: DecoderProgress['status'], error?: TfxaiError) => {
    const completed = done + skipped + failures.length;
    const elapsed = (Date.now() - started) / 1000;
    const rate = computed > 0 ? computed / elapsed : 0;
    options.onProgress?.({ completed, total: items.length, done, skipped, failed: failures.length, rate, etaSeconds: rate > 0 ? (items.length - completed) / rate : undefined, sample, status, error });
  };

  try {
    for (const item of items) {
      if (options.signal?.aborted) {
        aborted = true;
        break;
      }
      const sample = item.sample;
      const stored = options.resume
        ? await Promise.all(methods.map(async (m) => {
            const found = await readJson<SampleEvaluation>(resultFile(sample, m));
            // Reused only when recorded with the same method and options (older files without a record are redone).
            return found?.method === m && found.methodOptions === optionsRecord.get(m) ? found : undefined;
          }))
        : [];
      const needInput = inputsForCascade.length < randomisationImages && isLayersModel(model);
      if (options.resume && stored.every((s) => s !== undefined) && !needInput) {
        evaluations.push(...(stored as SampleEvaluation[]));
        skipped++;
        report(sample, 'skipped');
        continue;
      }
      let input: tf.Tensor3D | undefined;
      try {
        if (item.kind !== 'file') throw new InvalidInputError('tfxai evaluate takes image files');
        const image = await readImage(item.path);
        input = tf.tidy(() => preprocessImage(tf.tensor3d(image.data, [image.height, image.width, image.channels]), spec, standardize));
        const [height, width] = input.shape;
        const batch = input.expandDims(0) as tf.Tensor4D;
        const scores = tf.tidy(() => adapter.predict(batch));
        const row = Array.from(await scores.data());
        scores.dispose();
        const target = row.indexOf(Math.max(...row));
        const fullMask = await findMask(options, sample, image, maskFiles);
        const mask = fullMask && (height !== image.height || width !== image.width)
          ? tf.tidy(() => tf.image.resizeNearestNeighbor(tf.tensor4d(fullMask, [1, image.height, image.width, 1]), [height, width], false, true).reshape([1, height, width]))
          : fullMask && tf.tensor3d(fullMask, [1, height, width]);
        try {
          let fresh = false;
          for (const [m, name] of methods.entries()) {
            if (stored[m]) {
              evaluations.push(stored[m]!);
              continue;
            }
            fresh = true;
            const t0 = Date.now();
            const heatmap = await instances.get(name)!.computeHeatmap(batch, target);
            const maps = tf.tidy(() => resizeMap(heatmap, [height, width]).expandDims(0));
            heatmap.dispose();
            const heatmapSeconds = (Date.now() - t0) / 1000;
            try {
              const [deletion] = await deletionCurves(adapter, batch, maps, target, { steps, batchSize, fill: options.deletionFill ?? 'constant' });
              const [insertion] = await insertionCurves(adapter, batch, maps, target, { steps, batchSize, fill: options.insertionFill ?? 'blur' });
              const evaluation: SampleEvaluation = {
                sample,
                method: name,
                methodOptions: optionsRecord.get(name)!,
                target,
                heatmapSeconds,
                deletion: deletion!,
                insertion: insertion!,
                muFidelity: (await muFidelity(adapter, batch, maps, target, { samples: muSamples, batchSize, seed }))[0]!,
                sparseness: (await sparseness(maps))[0]!,
                entropy: (await entropy(maps))[0]!,
                ...(mask
                  ? {
                      pointingGame: (await pointingGame(maps, mask))[0]!,
                      relevanceMass: (await relevanceMassAccuracy(maps, mask))[0]!,
                      relevanceRank: (await relevanceRankAccuracy(maps, mask))[0]!,
                      energyPointingGame: (await energyPointingGame(maps, mask))[0]!,
                    }
                  : {}),
              };
              await writeJson(resultFile(sample, name), evaluation);
              evaluations.push(evaluation);
            } finally {
              maps.dispose();
            }
          }
          if (needInput) inputsForCascade.push({ sample, input: input.clone(), target });
          if (fresh) {
            done++;
            computed++;
            report(sample, 'done');
          } else {
            skipped++;
            report(sample, 'skipped');
          }
        } finally {
          tf.dispose([batch, mask as tf.Tensor | undefined].filter((t): t is tf.Tensor => t !== undefined));
        }
      } catch (error) {
        if (!isPerImageError(error)) throw error;
        failures.push({ sample, error: { name: error.name, code: error.code, message: error.message } });
        report(sample, 'failed', error);
      } finally {
        input?.dispose();
      }
    }

    const cascades: CascadeSummary[] = [];
    if (!aborted && inputsForCascade.length > 0 && isLayersModel(model)) {
      const images = tf.stack(inputsForCascade.map((c) => c.input));
      try {
        for (const name of methods) {
          const jsonFile = path.join(resultsDir, `cascade--${safeStem(name)}.json`);
          const previous = options.resume ? await readJson<CascadeSummary>(jsonFile) : undefined;
          if (previous && previous.method === name && previous.methodOptions === optionsRecord.get(name)) {
            cascades.push(previous);
            continue;
          }
          const result = await modelParameterRandomisation(model, (m) => heatmapExplainer(methodFor(name, m)), images, inputsForCascade.map((c) => c.target), { seed, keepMaps: true });
          const [height, width] = result.originalMaps!.spatialShape as [number, number];
          const size = height * width;
          const tiles = [
            { caption: 'trained model', map: result.originalMaps!.values.subarray(0, size) },
            ...result.stages.map((stage) => ({ caption: `up to ${stage.layer}`, detail: `ρ ${stage.spearman[0]!.toFixed(2)}  SSIM ${stage.ssim[0]!.toFixed(2)}`, map: stage.maps!.values.subarray(0, size) })),
          ];
          const picture = path.join(outDir, `cascade-${safeStem(name)}.png`);
          await writeFileAtomic(picture, await svgToPng(await mapStripSvg(`${name}: cascading randomisation from the top layer (${inputsForCascade[0]!.sample})`, tiles, height, width)));
          const summaryEntry: CascadeSummary = {
            method: name,
            methodOptions: optionsRecord.get(name)!,
            samples: inputsForCascade.map((c) => c.sample),
            stages: result.stages.map((stage) => ({ layer: stage.layer, spearman: mean(stage.spearman), ssim: mean(stage.ssim) })),
            picture,
          };
          await writeJson(jsonFile, summaryEntry);
          cascades.push(summaryEntry);
        }
      } finally {
        images.dispose();
      }
    }

    const summary = summarise(evaluations, methods);
    const ranking = rankMethods(summary);
    const table = summaryTable(summary, ranking);
    const curvesFile = path.join(outDir, 'curves.png');
    const panels = (['deletion', 'insertion'] as const).map((kind) => ({
      title: `${kind} (mean over images)`,
      xLabel: `fraction of pixels ${kind === 'deletion' ? 'removed' : 'restored'}`,
      yLabel: 'target score',
      series: methods.map((name) => ({ name, ...meanCurve(evaluations.filter((e) => e.method === name).map((e) => e[kind])) })),
    }));
    if (evaluations.length > 0) await writeFileAtomic(curvesFile, await svgToPng(curvePlotSvg(panels)));
    const result: EvaluationResult = {
      outDir,
      methods,
      total: items.length,
      done,
      skipped,
      failed: failures.length,
      aborted,
      seconds: (Date.now() - started) / 1000,
      summary,
      ranking,
      table,
      evaluations,
      cascades,
      failures,
      files: { json: path.join(outDir, 'evaluation.json'), curves: curvesFile, report: path.join(outDir, 'report.html') },
    };
    const { evaluations: _all, ...overview } = result;
    await writeJson(result.files.json, { ...overview, evaluations: evaluations.map(({ deletion, insertion, ...rest }) => ({ ...rest, deletionAuc: deletion.area, insertionAuc: insertion.area })) });
    await writeFileAtomic(result.files.report, Buffer.from(reportHtml(result)));
    return result;
  } finally {
    tf.dispose(inputsForCascade.map((c) => c.input));
    if ('dispose' in model && typeof model.dispose === 'function') model.dispose();
  }
}
