import * as tf from '@tensorflow/tfjs';
import {
  ClassIndexError,
  DuplicateMethodError,
  InvalidInputError,
  InvalidOptionError,
  LayerNotFoundError,
  TfxaiError,
  UnknownMethodError,
  UnsupportedModelError,
  resizeMap,
  type ModelAdapter,
  type XaiMethod,
} from '@tfxai/core';
import { writeOutputFile } from './atomic-write.js';
import type { ClassMap, DecoderResult, SampleResult, XaiDecoderOptions } from './decoder-options.js';
import { ImageReadError, ImageSizeError, InvalidMapError } from './errors.js';
import { checkMap } from './map-check.js';
import { encodePng, readImage, type DecodeOptions } from './image-io.js';
import { MAX_IMAGE_PIXELS, checkFreeSizeImage } from './image-size-guard.js';
import type { InputItem } from './input-collection.js';
import { encodeNpy } from './npy.js';
import { constantMapWarning, type MapWarning } from './map-warnings.js';
import { insideFolder, outputFileName } from './output-naming.js';
import { overlayHeatmap } from './overlay.js';
import { preprocessImage, type ModelInputSpec, type checkStandardize } from './preprocessing.js';
import type { RasterImage } from './raster-image.js';
import { outputsReusable, type MapOutputs } from './resume-check.js';
import { embedRecord, type RunRecord } from './run-record.js';
import { checkClassChoice, type PlannedItem } from './run-plan.js';

/** The decoder options a run reads while it works (the rest were settled before it started). */
export type RunSettings = Pick<XaiDecoderOptions, 'outDir' | 'saveMaps' | 'resume' | 'classes' | 'allClasses' | 'eps' | 'signal'> & {
  /** What made this run's outputs: written into every overlay, compared by resume (see run-record.ts). Required with `outDir`. */
  record?: RunRecord;
};

/** Called with each image's result as soon as it is known, in input order within a batch. */
export type SampleSink = (position: number, result: SampleResult) => void;

/** A planned input after decoding (or the reason it could not be). */
interface LoadedItem {
  planned: PlannedItem;
  item: InputItem;
  stem: string;
  image?: RasterImage;
  skipped?: string[];
  /** True when resume already looked for this sample's outputs. */
  checked?: boolean;
  error?: TfxaiError;
}

/** Errors that concern one image: reported in its result while the run goes on. Anything else stops the run. */
function isPerImageError(error: unknown): error is TfxaiError {
  return error instanceof ImageReadError || error instanceof ImageSizeError || error instanceof InvalidInputError || error instanceof InvalidMapError || (error instanceof TfxaiError && error.code === 'OUTPUT_WRITE_FAILED');
}

/** Typed errors about the run's setup (method, options, model, classes): the same for every image, so they stop the run. */
const RUN_LEVEL_ERRORS = [InvalidOptionError, UnknownMethodError, DuplicateMethodError, LayerNotFoundError, UnsupportedModelError, ClassIndexError];

/**
 * A typed error a method raised on one image is that image's failure (its
 * size, its values), unless it is about the run's setup. Untyped errors
 * (bugs) still stop the run.
 */
function isPerImageMethodError(error: unknown): error is TfxaiError {
  return isPerImageError(error) || (error instanceof TfxaiError && !RUN_LEVEL_ERRORS.some((errorClass) => error instanceof errorClass));
}

function argmax(row: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

function tensorToRaster(item: Extract<InputItem, { kind: 'tensor' }>): RasterImage {
  const image = tf.tidy(() => (item.index < 0 ? item.tensor : (item.tensor as tf.Tensor4D).slice([item.index], [1]).squeeze([0])).toFloat());
  try {
    const [height, width, channels] = image.shape as [number, number, number];
    if (channels !== 1 && channels !== 3) {
      throw new InvalidInputError(`tensor input '${item.sample}' has ${channels} channels; allowed are 1 (grayscale) and 3 (RGB)`);
    }
    return { width, height, channels, data: image.dataSync() as Float32Array, bitDepth: 8 };
  } finally {
    image.dispose();
  }
}

/**
 * The pipeline of {@link xaiDecoder} over planned images: loads batches (with
 * one batch of read-ahead), predicts, explains, writes, and hands each
 * image's result to a sink. It runs in the caller's thread or in a decoder
 * worker thread, the same code either way.
 */
export class DecoderRun {
  #numClasses: number | undefined;
  #onExplain: (position: number) => void = () => {};

  /**
   * @param onClassCount called once the model's class count is known (at once when the model declares it,
   *   else after the first prediction); may throw to stop the run (e.g. a `preds` row of the wrong length)
   */
  constructor(
    private readonly options: RunSettings,
    private readonly adapter: ModelAdapter,
    private readonly method: XaiMethod,
    private readonly spec: ModelInputSpec,
    private readonly standardize: ReturnType<typeof checkStandardize>,
    declaredClasses: number | undefined,
    private readonly overlay: { alpha: number; colormap: NonNullable<XaiDecoderOptions['colormap']> },
    private readonly onClassCount: (numClasses: number) => void = () => {},
  ) {
    if (declaredClasses !== undefined) this.#classCountKnown(declaredClasses);
  }

  /**
   * Processes batches until the source ends or `signal` is aborted (checked
   * before each batch; the batch read ahead is then dropped, its images not reported).
   * @returns whether the signal stopped it
   */
  async process(
    batches: AsyncIterable<readonly PlannedItem[]> | Iterable<readonly PlannedItem[]>,
    sink: SampleSink,
    /** Called just before an image is explained (a worker tells its pool which image a crash would concern). */
    onExplain: (position: number) => void = () => {},
  ): Promise<{ aborted: boolean }> {
    this.#onExplain = onExplain;
    const iterator = Symbol.asyncIterator in batches ? batches[Symbol.asyncIterator]() : (batches as Iterable<readonly PlannedItem[]>)[Symbol.iterator]();
    const loadNext = async (): Promise<LoadedItem[] | undefined> => {
      const next = await iterator.next();
      return next.done ? undefined : Promise.all(next.value.map((planned) => this.#load(planned)));
    };
    const prefetch = () => {
      const promise = loadNext();
      // Awaited in the next round; until then a failure must not count as unhandled.
      promise.catch(() => {});
      return promise;
    };
    let next = prefetch();
    for (;;) {
      const batch = await next;
      if (!batch) return { aborted: false };
      // Decode the next batch while this one is explained.
      next = prefetch();
      if (this.options.signal?.aborted) {
        await next;
        return { aborted: true };
      }
      const results = await this.#explainBatch(batch);
      batch.forEach((loaded, i) => sink(loaded.planned.position, results[i]!));
    }
  }

  /** Output files of a sample for the given classes (undefined: the one argmax map, whose class is `knownClass` when preds chose it). */
  #mapOutputs(stem: string, classes: readonly number[] | undefined, knownClass?: number): MapOutputs[] {
    const outDir = this.options.outDir!;
    const file = (ext: string, c: number | undefined) => insideFolder(outDir, outputFileName(stem, ext, c));
    return (classes ?? [undefined]).map((c) => ({
      classIndex: c ?? knownClass,
      png: file('png', c),
      ...(this.options.saveMaps ? { npy: file('npy', c) } : {}),
    }));
  }

  /** The outputs of a sample that resume may keep (every file whole and written by this run's setup), or undefined. */
  async #reusable(planned: PlannedItem, classes: readonly number[] | undefined): Promise<string[] | undefined> {
    const preds = planned.preds;
    const outputs = this.#mapOutputs(planned.stem, classes, classes === undefined && preds ? argmax(preds) : undefined);
    if (!this.options.record || !(await outputsReusable(outputs, this.options.record))) return undefined;
    return outputs.flatMap(({ png, npy }) => (npy ? [png, npy] : [png]));
  }

  /** The classes of a sample when they are known without predicting (undefined: argmax, one unsuffixed map). */
  #fixedClasses(): number[] | undefined | 'unknown' {
    if (this.options.classes) return [...this.options.classes];
    if (this.options.allClasses) return this.#numClasses === undefined ? 'unknown' : Array.from({ length: this.#numClasses }, (_, c) => c);
    return undefined;
  }

  async #load(planned: PlannedItem): Promise<LoadedItem> {
    const { item, stem } = planned;
    try {
      if (this.options.resume) {
        const classes = this.#fixedClasses();
        if (classes !== 'unknown') {
          const files = await this.#reusable(planned, classes);
          if (files) return { planned, item, stem, skipped: files };
        }
      }
      const image = item.kind === 'file' ? await readImage(item.path, this.#decodeOptions()) : tensorToRaster(item);
      if (this.spec.height === null || this.spec.width === null) checkFreeSizeImage(this.adapter, item.sample, image.height, image.width, this.spec.channels ?? image.channels);
      return { planned, item, stem, image, checked: this.options.resume === true && this.#fixedClasses() !== 'unknown' };
    } catch (error) {
      if (isPerImageError(error)) return { planned, item, stem, error };
      throw error;
    }
  }

  /**
   * Large files never reach the backend at full size: for a model with a fixed input they are decoded
   * shrunk to MAX_IMAGE_PIXELS (the model sees a resize anyway); otherwise they are refused from their header.
   */
  #decodeOptions(): DecodeOptions {
    const fixed = this.spec.height !== null && this.spec.width !== null;
    return { maxPixels: MAX_IMAGE_PIXELS, larger: fixed ? 'shrink' : 'refuse' };
  }

  #classCountKnown(numClasses: number): void {
    this.#numClasses = numClasses;
    checkClassChoice(numClasses, this.options.classes, undefined);
    this.onClassCount(numClasses);
  }

  async #explainBatch(batch: LoadedItem[]): Promise<SampleResult[]> {
    const results = new Map<LoadedItem, SampleResult>();
    const source = (item: InputItem) => (item.kind === 'file' ? item.path : 'tensor');
    for (const loaded of batch) {
      const base = { sample: loaded.item.sample, source: source(loaded.item), classes: [] as number[] };
      if (loaded.skipped) results.set(loaded, { ...base, status: 'skipped', classes: this.#fixedClasses() as number[] ?? [], files: loaded.skipped });
      else if (loaded.error) results.set(loaded, { ...base, status: 'failed', files: [], error: loaded.error });
    }
    const pending = batch.filter((loaded) => !results.has(loaded));
    const inputs: tf.Tensor3D[] = [];
    try {
      for (const loaded of pending) inputs.push(this.#toModelInput(loaded.image!));
    } catch (error) {
      tf.dispose(inputs);
      throw error;
    }
    // Consecutive images of one input size go through the model together.
    for (let i = 0; i < pending.length; ) {
      const first = inputs[i]!.shape.join();
      let end = i + 1;
      while (end < pending.length && inputs[end]!.shape.join() === first) end++;
      const members = pending.slice(i, end);
      const stacked = tf.stack(inputs.slice(i, end)) as tf.Tensor4D;
      tf.dispose(inputs.slice(i, end));
      try {
        const predicted = await this.#predictIfNeeded(stacked, members);
        for (let j = 0; j < members.length; j++) {
          const loaded = members[j]!;
          this.#onExplain(loaded.planned.position);
          results.set(loaded, await this.#explainOne(loaded, stacked, j, predicted?.[j]));
        }
      } catch (error) {
        tf.dispose(inputs.slice(end));
        throw error;
      } finally {
        stacked.dispose();
      }
      i = end;
    }
    return batch.map((loaded) => results.get(loaded)!);
  }

  #toModelInput(image: RasterImage): tf.Tensor3D {
    return tf.tidy(() => preprocessImage(tf.tensor3d(image.data, [image.height, image.width, image.channels]), this.spec, this.standardize));
  }

  /** Scores of the batch when the classes depend on them (argmax without `preds`) or the class count is not yet known. */
  async #predictIfNeeded(batch: tf.Tensor4D, members: readonly LoadedItem[]): Promise<number[][] | undefined> {
    const argmaxOfModel = !this.options.classes && !this.options.allClasses && members.some((loaded) => loaded.planned.preds === undefined);
    if (!argmaxOfModel && this.#numClasses !== undefined) return undefined;
    const scores = tf.tidy(() => this.adapter.predict(batch));
    try {
      if (this.#numClasses === undefined) this.#classCountKnown(scores.shape[1]);
      return (await scores.array()) as number[][];
    } finally {
      scores.dispose();
    }
  }

  async #explainOne(loaded: LoadedItem, batch: tf.Tensor4D, row: number, scores: number[] | undefined): Promise<SampleResult> {
    const image = loaded.image!;
    const fixed = this.#fixedClasses();
    const preds = loaded.planned.preds;
    // A worker sees only its images' rows: each is checked as it is used (in this thread all were checked up front).
    if (fixed === undefined && preds) checkClassChoice(this.#numClasses!, undefined, [preds]);
    const classes = fixed === undefined ? [preds ? argmax(preds) : argmax(scores!)] : (fixed as number[]);
    const suffixed = fixed !== undefined;
    const base = { sample: loaded.item.sample, source: loaded.item.kind === 'file' ? loaded.item.path : 'tensor', classes };
    try {
      if (this.options.resume && !loaded.checked) {
        // The class count became known only now: check for finished outputs before computing.
        const files = await this.#reusable(loaded.planned, suffixed ? classes : undefined);
        if (files) return { ...base, status: 'skipped', files };
      }
      const maps: ClassMap[] = [];
      const single = batch.slice([row], [1]);
      try {
        for (const classIndex of classes) {
          const heatmap = await this.method.computeHeatmap(single, classIndex, this.options.eps ?? 1e-8);
          const resized = tf.tidy(() => resizeMap(heatmap, [image.height, image.width]));
          heatmap.dispose();
          const map = (await resized.data()) as Float32Array;
          resized.dispose();
          // Whatever the method did: no NaN and nothing outside [0, 1] is written or returned.
          checkMap(map, loaded.item.sample, classIndex);
          maps.push({ classIndex, map });
        }
      } finally {
        single.dispose();
      }
      const warnings = maps.map(({ classIndex, map }) => constantMapWarning(map, classIndex)).filter((w): w is MapWarning => w !== undefined);
      const warned = warnings.length ? { warnings } : {};
      if (!this.options.outDir) return { ...base, status: 'done', files: [], image, maps, ...warned };
      const files: string[] = [];
      for (const { classIndex, map } of maps) {
        const stemClass = suffixed ? classIndex : undefined;
        const pixels = overlayHeatmap(image, map, this.overlay);
        const png = await encodePng(pixels, image.width, image.height, 3);
        const record = this.options.record;
        files.push(await this.#write(outputFileName(loaded.stem, 'png', stemClass), record ? embedRecord(png, { ...record, classIndex }) : png));
        if (this.options.saveMaps) {
          files.push(await this.#write(outputFileName(loaded.stem, 'npy', stemClass), encodeNpy(map, [image.height, image.width])));
        }
      }
      return { ...base, status: 'done', files, ...warned };
    } catch (error) {
      if (isPerImageMethodError(error)) return { ...base, status: 'failed', files: [], error };
      throw error;
    }
  }

  #write(fileName: string, data: Uint8Array): Promise<string> {
    return writeOutputFile(insideFolder(this.options.outDir!, fileName), data);
  }
}
