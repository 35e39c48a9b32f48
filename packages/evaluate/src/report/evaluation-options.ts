import type { XaiRegistry } from '@tfxai/core';
import type { DecoderProgress, StandardizeMode } from '@tfxai/node';
import type { Box } from '../masks.js';
import type { FillMode } from '../fill.js';

/** Options of {@link evaluateMethods}. */
export interface EvaluateOptions {
  /** Path of a TensorFlow.js model.json (layers or graph model). */
  model: string;
  /** Image files or folders (walked recursively). */
  inputs: readonly string[];
  /** Method names as the registry knows them, e.g. ['ig', 'gradcam', 'occlusion']. */
  methods: readonly string[];
  /** The registry the methods come from (plugins loaded into it count too). */
  registry: XaiRegistry;
  /** Per method name, the options its factory gets. Default: none. */
  methodOptions?: Readonly<Record<string, unknown>>;
  /** Where evaluation.json, the PNGs, report.html and the per-image results go. */
  outDir: string;
  /** A folder of masks: for image `a/b.png`, the mask file `a.b.png` or `b.png` (any image format); a pixel > 127 is inside. */
  masksDir?: string;
  /** Boxes per sample name or base name: `{ "x.png": { "box": { x, y, width, height } } }` or `{ "x.png": { x, y, width, height } }`, in image pixels. */
  boxes?: Readonly<Record<string, Box | { box: Box }>>;
  /** How images become model inputs (see @tfxai/node's standardize). Default 'none'. */
  standardize?: StandardizeMode;
  /** Deletion and insertion steps. Default 32. */
  steps?: number;
  /** Fill of the deletion curve. Default 'constant' (0), as RISE. */
  deletionFill?: FillMode;
  /** Fill of the insertion curve. Default 'blur', as RISE. */
  insertionFill?: FillMode;
  /** MuFidelity subsets per image. Default 128. */
  muFidelitySamples?: number;
  /** Images (the first ones) the randomisation cascade runs on, per method; 0 turns it off. Layers models only. Default 1. */
  randomisationImages?: number;
  /** Model calls per batch. Default 32. */
  batchSize?: number;
  /** Seed of every random draw. Default 0. */
  seed?: number;
  /** Skip (image, method) pairs whose result file exists. Default false. */
  resume?: boolean;
  /** A glob over folder contents. Default: every image file. */
  glob?: string;
  /** Called after each image. */
  onProgress?: (progress: DecoderProgress) => void;
  /** Stops the run between images. */
  signal?: AbortSignal;
}
