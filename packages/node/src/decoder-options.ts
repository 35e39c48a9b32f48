import type * as tf from '@tensorflow/tfjs';
import type { ModelLike, TfxaiError, XaiMethod, XaiRegistry } from '@tfxai/core';
import type { ColormapName } from './colormaps.js';
import type { WorkerCrashError } from './errors.js';
import type { DecoderInput, IgnoredEntries } from './input-collection.js';
import type { MapWarning } from './map-warnings.js';
import type { ModelMetadata } from './model-metadata.js';
import type { ShardSpec } from './shard.js';
import type { PreprocessFunction, StandardizeMode } from './preprocessing.js';
import type { RasterImage } from './raster-image.js';

/** Options of {@link xaiDecoder}. Only `inputs`, `model` and `method` are required. */
export interface XaiDecoderOptions {
  /** Image files, folders (walked recursively, filtered by `glob`), tensors (H, W, C) or (N, H, W, C) on the 0..255 scale, or a list of these. */
  inputs: DecoderInput;
  /** A path to a TensorFlow.js model.json (layers or graph model, detected), or a loaded model / function / adapter. */
  model: string | ModelLike;
  /** A method name looked up in `registry` (AUCMEDI's keys work: 'ig', 'gradcam', ...), or a ready method instance. */
  method: string | XaiMethod;
  /** Where `method` names are looked up. Default: the default registry of 'tfxai' (every official method, plus plugins loaded into it). */
  registry?: XaiRegistry;
  /**
   * Plugin modules (`file:` URLs, paths relative to the working folder, or
   * package names) whose methods are loaded into `registry` before `method`
   * is looked up, and into each worker thread's registry (see `workers`).
   * Loading a module that is already loaded does nothing. Default: none.
   */
  plugins?: readonly string[];
  /** Options passed to the method's factory, e.g. `{ numSteps: 100 }`. Default: none (the method's defaults). Not allowed with a method instance. */
  methodOptions?: Record<string, unknown>;
  /** The layer to explain, for layer-based methods (passed to the factory as `layerName`). Default: the method chooses. */
  layerName?: string;
  /** Predictions (N, classes), one row per input image in order: one map per image for its argmax class. Default: none. */
  preds?: readonly (readonly number[])[] | tf.Tensor2D;
  /** Explain these classes for every image (one map per class, files `x.class_<c>.png`). Default: none. */
  classes?: readonly number[];
  /** Explain every class (one map per class, files `x.class_<c>.png`), as AUCMEDI does without preds. Default: false. */
  allClasses?: boolean;
  /**
   * What the model says about its input (see {@link ModelMetadata}): preprocessing,
   * channels, class names. Default: read from `tfxai.json` beside `model` (or
   * `userDefinedMetadata.tfxai` in its model.json) when `model` is a path; none
   * for a loaded model. `false` ignores any metadata. Explicit options
   * (`standardize`, `channels`) override it.
   */
  metadata?: ModelMetadata | false;
  /**
   * Intensity standardisation before the model (see {@link StandardizeMode}) or a function.
   * Default: the model's metadata (`standardize`, or implied by `inputRange`), else
   * 'none', which the result then reports as assumed (`preprocessingAssumed`).
   */
  standardize?: StandardizeMode | PreprocessFunction;
  /** The model's input size [height, width]. Default: the size the model declares; a model that declares none gets each image at its own size. */
  inputSize?: readonly [number, number];
  /** The model's channel count, 1 or 3. Default: the model's declared channels, else the image's own. */
  channels?: 1 | 3;
  /** Images decoded and predicted together. Default: 8. */
  batchSize?: number;
  /** Which files of an input folder to take (a glob on the path relative to the folder). Default: every PNG, JPEG, TIFF and WebP file. */
  glob?: string;
  /** Sample names of tensor inputs, in order. Default: 'tensor-0', 'tensor-1', ... */
  names?: readonly string[];
  /**
   * Output folder (created if missing). When it lies inside an input folder it is left out of the inputs;
   * it may not be an input folder itself. Default: none: images and maps are returned instead of written.
   */
  outDir?: string;
  /**
   * Heatmap weight in the overlay, 0 to 1. Default: {@link DEFAULT_OVERLAY_ALPHA} (0.5),
   * so that sparse maps (Integrated Gradients, saliency) stay visible; AUCMEDI's
   * `visualize_heatmap` uses {@link AUCMEDI_OVERLAY_ALPHA} (0.25).
   */
  alpha?: number;
  /** Overlay colormap. Default: 'jet' (AUCMEDI's). */
  colormap?: ColormapName;
  /** Also write each raw map (float32, original image size, values in [0, 1]) as a NumPy `.npy` file beside its overlay. Default: false. */
  saveMaps?: boolean;
  /**
   * Skip images whose outputs an earlier run with the same setup wrote whole: every file present and
   * intact, and every overlay recording the same method, method options, model (hash of its files or
   * weights) and preprocessing/overlay settings. Anything else is computed again. Default: false.
   */
  resume?: boolean;
  /** Min-max epsilon passed to `computeHeatmap`. Default: 1e-8. */
  eps?: number;
  /** Called after every image with the run's progress. Default: none. */
  onProgress?: (progress: DecoderProgress) => void;
  /**
   * Worker threads that share the images (each with its own backend, model and
   * method), or 'auto'. Default: 'auto': min(os.availableParallelism(),
   * floor(images / n)) threads, n = max(16, ceil(816 / the method's model
   * passes per image)): 16 images per thread for Integrated Gradients, 816
   * for Grad-CAM or saliency (see `methodCost`), when the run can be moved to threads (file
   * and folder inputs, `model` a path, `method` a name, `standardize` not a
   * function, the default registry, a backend other than tfjs-node's);
   * otherwise, and for fewer than 2n images, 1. 1 runs in this thread.
   * The result's `workersReason` says the choice.
   * A number > 1 for a run that cannot be moved to threads is an
   * InvalidOptionError naming the reason. See docs/pipeline.md#worker-threads.
   */
  workers?: number | 'auto';
  /**
   * Process only the inputs of this shard (1-based, see {@link ShardSpec}): an
   * input belongs to the shard its sample name hashes to, so shards of one run
   * never overlap and together cover every input. Output names are the ones
   * the whole run would give. Default: every input.
   */
  shard?: ShardSpec;
  /** Stops the run between batches when aborted (`aborted: true` in the result; images not reached are not listed). Default: none. */
  signal?: AbortSignal;
}

/** Progress of a decoder run, reported after each image. */
export interface DecoderProgress {
  /** Images finished so far (done + skipped + failed). */
  completed: number;
  /** Images in the run. */
  total: number;
  done: number;
  skipped: number;
  failed: number;
  /** Images computed per second so far (skipped ones not counted). */
  rate: number;
  /** Estimated seconds left at that rate; undefined before the first image is computed. */
  etaSeconds: number | undefined;
  /** The sample just finished. */
  sample: string;
  /** What happened to it. */
  status: SampleResult['status'];
  /** Why it failed, when it did. */
  error?: TfxaiError;
}

/** One class's map of one image, at the image's original size. */
export interface ClassMap {
  classIndex: number;
  /** height * width values in [0, 1], row-major. */
  map: Float32Array;
}

/** What happened to one input image. */
export interface SampleResult {
  /** The sample name (path relative to its input folder, a file's base name, or a tensor's name). */
  sample: string;
  /** The file it came from, or 'tensor' for tensor inputs. */
  source: string;
  /** 'done': computed (and written); 'skipped': outputs already present (resume); 'failed': see `error`. */
  status: 'done' | 'skipped' | 'failed';
  /** The classes explained (empty when it failed before the classes were known). */
  classes: number[];
  /** Files written (or found, when skipped), absolute paths. */
  files: string[];
  /** Why it failed. */
  error?: TfxaiError;
  /** The names of `classes`, from the model's metadata (absent when it has none). */
  classNames?: string[];
  /** Maps that came out constant (one flat colour); absent when none did. */
  warnings?: MapWarning[];
  /** Without `outDir`: the original image. */
  image?: RasterImage;
  /** Without `outDir`: one map per explained class, at the original size. */
  maps?: ClassMap[];
}

/** What {@link xaiDecoder} returns. */
export interface DecoderResult {
  total: number;
  done: number;
  skipped: number;
  failed: number;
  /** Wall time of the run in seconds. */
  seconds: number;
  /** True when `signal` stopped the run early. */
  aborted: boolean;
  /** Pipelines that shared the images: 1 in this thread, else the number of worker threads started. */
  workers: number;
  /**
   * Why `workers` came out as it did, one sentence; for 'auto' it names the method's estimated
   * cost and the image count, e.g. "workers 'auto': this thread for 200 images of gradcam, about
   * 1 pass per image (a thread per 816 images, at most one per core: 2)". xaiDecoder always sets it.
   */
  workersReason?: string;
  /** Worker threads that stopped unexpectedly (each also failed the images it held); empty when none did. */
  workerCrashes: WorkerCrashError[];
  /** One entry per input image reached, in input order. */
  samples: SampleResult[];
  /** The model's class names (from its metadata), when it has them. */
  classNames?: string[];
  /** How the input was preprocessed and where that came from, one sentence (see `preprocessingAssumed`). */
  preprocessing: string;
  /** True when nothing (option or model metadata) said how to preprocess and 'none' was assumed. */
  preprocessingAssumed: boolean;
  /** Every constant map of the run, with its sample. */
  warnings: (MapWarning & { sample: string })[];
  /** The shard this run processed, when `shard` was given. */
  shard?: ShardSpec;
  /** Inputs over all shards (equals `total` without `shard`). */
  inputsTotal: number;
  /** What the folder walks left out: hidden entries, links not followed, FIFOs and devices, the output folder. */
  ignored: IgnoredEntries;
}

/** The default overlay weight of {@link xaiDecoder}. */
export const DEFAULT_OVERLAY_ALPHA = 0.5;
/** AUCMEDI's overlay weight (`visualize_heatmap(alpha=0.25)`). */
export const AUCMEDI_OVERLAY_ALPHA = 0.25;
