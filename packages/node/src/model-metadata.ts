// A model's description of its own input (the `tfxai.json` sidecar): the one
// place its schema is defined, checked and turned into decoder settings.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { TfxaiError } from '@tfxai/core';
import { STANDARDIZE_MODES, type PreprocessFunction, type StandardizeMode } from './preprocessing.js';

/** File name of the sidecar, looked for beside model.json. */
export const MODEL_METADATA_FILE = 'tfxai.json';

/** The key under a model.json's `userDefinedMetadata` that holds the same object. */
export const USER_DEFINED_METADATA_KEY = 'tfxai';

/** The sidecar format version this code reads. */
export const MODEL_METADATA_VERSION = 1;

/**
 * What a model says about its own input, from `tfxai.json` beside its
 * model.json (or `userDefinedMetadata.tfxai` inside model.json). Every field
 * is optional; unknown fields are an error (a typo must not be ignored).
 *
 * ```json
 * { "version": 1, "standardize": "rescale", "inputRange": [0, 1],
 *   "channels": 3, "channelOrder": "rgb", "classNames": ["plus", "ring", "x"] }
 * ```
 */
export interface ModelMetadata {
  /** Format version. Default: 1 (the only one). */
  version?: 1;
  /** How 0..255 pixels become the model's input (see {@link StandardizeMode}). Default: derived from `inputRange`, else none given. */
  standardize?: StandardizeMode;
  /**
   * The range of the values the model was trained on, [min, max]. With no
   * `standardize`, [0, 255] means 'none', [0, 1] 'rescale', [-1, 1] 'tf';
   * with one, it must agree with the mode's output range. Default: none given.
   */
  inputRange?: readonly [number, number];
  /** Channels the model takes, 1 or 3. Default: what the model declares. */
  channels?: 1 | 3;
  /** Order of the 3 channels the model takes. 'bgr' (OpenCV/Caffe-trained models) reverses RGB images. Default: 'rgb'. */
  channelOrder?: 'rgb' | 'bgr';
  /** One name per output class, in output order. Default: none (classes are shown by index). */
  classNames?: readonly string[];
}

/** Where metadata came from, for messages and results. */
export interface ModelMetadataSource {
  metadata: ModelMetadata;
  /** The file it was read from (the sidecar or the model.json). */
  file: string;
  /** 'sidecar': `tfxai.json`; 'model.json': its `userDefinedMetadata.tfxai`. */
  kind: 'sidecar' | 'model.json';
}

/** A `tfxai.json` (or `userDefinedMetadata.tfxai`) is not valid: `field` names the bad field. */
export class ModelMetadataError extends TfxaiError {
  constructor(
    /** The file it came from. */
    readonly file: string,
    /** The offending field ('' for the whole object). */
    readonly field: string,
    detail: string,
  ) {
    super('MODEL_METADATA_INVALID', `model metadata '${file}'${field ? `, field '${field}'` : ''}: ${detail} (see docs/cli.md#model-sidecar-tfxaijson)`);
  }
}

const FIELDS = ['version', 'standardize', 'inputRange', 'channels', 'channelOrder', 'classNames', '$schema', 'description'] as const;

/** The output range of the modes that have a fixed one (the others depend on the image or on ImageNet statistics). */
const MODE_RANGES: Partial<Record<StandardizeMode, readonly [number, number]>> = {
  none: [0, 255],
  rescale: [0, 1],
  minmax: [0, 1],
  grayscale: [0, 255],
  tf: [-1, 1],
};

/** The mode an input range implies when no mode is given. */
const RANGE_MODES: readonly { range: readonly [number, number]; mode: StandardizeMode }[] = [
  { range: [0, 255], mode: 'none' },
  { range: [0, 1], mode: 'rescale' },
  { range: [-1, 1], mode: 'tf' },
];

const sameRange = (a: readonly [number, number], b: readonly [number, number]) => a[0] === b[0] && a[1] === b[1];

/**
 * Checks a parsed JSON value against the schema of {@link ModelMetadata} and
 * returns it typed.
 * @param file where it came from, for the error message
 * @throws ModelMetadataError naming the first bad field and what is allowed
 */
export function parseModelMetadata(value: unknown, file: string): ModelMetadata {
  const fail: (field: string, detail: string) => never = (field, detail) => {
    throw new ModelMetadataError(file, field, detail);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('', `expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  const json = value as Record<string, unknown>;
  for (const key of Object.keys(json)) {
    if (!(FIELDS as readonly string[]).includes(key)) fail(key, `unknown field; allowed: ${FIELDS.filter((f) => !f.startsWith('$') && f !== 'description').join(', ')}`);
  }
  const metadata: { -readonly [K in keyof ModelMetadata]: ModelMetadata[K] } = {};
  if (json['version'] !== undefined) {
    if (json['version'] !== MODEL_METADATA_VERSION) fail('version', `got ${JSON.stringify(json['version'])}; allowed: ${MODEL_METADATA_VERSION}`);
    metadata.version = 1;
  }
  if (json['standardize'] !== undefined) {
    if (!STANDARDIZE_MODES.includes(json['standardize'] as StandardizeMode)) {
      fail('standardize', `got ${JSON.stringify(json['standardize'])}; allowed: ${STANDARDIZE_MODES.join(', ')}`);
    }
    metadata.standardize = json['standardize'] as StandardizeMode;
  }
  if (json['inputRange'] !== undefined) {
    const range = json['inputRange'];
    if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => typeof v === 'number' && Number.isFinite(v)) || !(range[0] < range[1])) {
      fail('inputRange', `got ${JSON.stringify(range)}; allowed: [min, max], two finite numbers with min < max, e.g. [0, 1]`);
    }
    metadata.inputRange = [range[0], range[1]];
  }
  if (json['channels'] !== undefined) {
    if (json['channels'] !== 1 && json['channels'] !== 3) fail('channels', `got ${JSON.stringify(json['channels'])}; allowed: 1 or 3`);
    metadata.channels = json['channels'] as 1 | 3;
  }
  if (json['channelOrder'] !== undefined) {
    if (json['channelOrder'] !== 'rgb' && json['channelOrder'] !== 'bgr') fail('channelOrder', `got ${JSON.stringify(json['channelOrder'])}; allowed: "rgb" or "bgr"`);
    if (metadata.channels === 1) fail('channelOrder', 'a channel order needs 3 channels; the metadata says channels 1');
    metadata.channelOrder = json['channelOrder'] as 'rgb' | 'bgr';
  }
  if (json['classNames'] !== undefined) {
    const names = json['classNames'];
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string' && n.trim() !== '')) {
      fail('classNames', `got ${JSON.stringify(names)}; allowed: a non-empty array of non-empty strings, one per output class`);
    }
    const list = names as string[];
    const repeated = list.find((n, i) => list.indexOf(n) !== i);
    if (repeated !== undefined) fail('classNames', `'${repeated}' appears twice; class names must be distinct`);
    metadata.classNames = [...list];
  }
  // Contradictions between fields: a model cannot be trained on two ranges at once.
  const mode = metadata.standardize;
  if (mode !== undefined && metadata.inputRange) {
    const expected = MODE_RANGES[mode];
    if (expected && !sameRange(expected, metadata.inputRange)) {
      fail('inputRange', `${JSON.stringify(metadata.inputRange)} contradicts standardize '${mode}', whose output range is ${JSON.stringify(expected)}`);
    }
  }
  if (mode !== undefined && (mode === 'caffe' || mode === 'torch') && metadata.channels === 1) {
    fail('standardize', `'${mode}' works on RGB input; the metadata says channels 1`);
  }
  if (mode === 'caffe' && metadata.channelOrder === 'rgb') {
    fail('channelOrder', "'caffe' feeds the model BGR (it reverses the channels itself); give \"bgr\" or leave channelOrder out");
  }
  if (mode === undefined && metadata.inputRange && !RANGE_MODES.some(({ range }) => sameRange(range, metadata.inputRange!))) {
    fail('standardize', `missing: the input range ${JSON.stringify(metadata.inputRange)} does not imply a mode (only [0, 255], [0, 1] and [-1, 1] do); give standardize`);
  }
  return metadata;
}

async function readJson(file: string): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ModelMetadataError(file, '', `cannot read it: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelMetadataError(file, '', `it is not valid JSON (${(error as Error).message})`);
  }
}

/**
 * Reads a model's metadata: `tfxai.json` beside the model.json, else the
 * `userDefinedMetadata.tfxai` object inside model.json (TensorFlow.js keeps
 * `userDefinedMetadata` at the top level of model.json). The sidecar wins
 * when both exist. Resolves undefined when there is neither (a missing or
 * broken model.json is left to the model loader to report).
 * @throws ModelMetadataError when the metadata found is invalid
 */
export async function readModelMetadata(modelPath: string): Promise<ModelMetadataSource | undefined> {
  const sidecar = path.join(path.dirname(modelPath), MODEL_METADATA_FILE);
  const fromSidecar = await readJson(sidecar);
  if (fromSidecar !== undefined) return { metadata: parseModelMetadata(fromSidecar, sidecar), file: sidecar, kind: 'sidecar' };
  let modelJson: unknown;
  try {
    modelJson = JSON.parse(await readFile(modelPath, 'utf8'));
  } catch {
    return undefined;
  }
  const userDefined = (modelJson as { userDefinedMetadata?: Record<string, unknown> } | null)?.userDefinedMetadata?.[USER_DEFINED_METADATA_KEY];
  if (userDefined === undefined) return undefined;
  return { metadata: parseModelMetadata(userDefined, `${modelPath} (userDefinedMetadata.${USER_DEFINED_METADATA_KEY})`), file: modelPath, kind: 'model.json' };
}

/** The input settings a run uses, and where each came from. */
export interface ResolvedModelInput {
  standardize: StandardizeMode | PreprocessFunction;
  channels: 1 | 3 | undefined;
  /** True when RGB images must be reversed to BGR before standardisation (metadata channelOrder 'bgr', mode not 'caffe'). */
  reverseChannels: boolean;
  classNames: readonly string[] | undefined;
  /** How the preprocessing was decided, one sentence for the run's summary. */
  preprocessingNote: string;
  /** True when nothing said how to preprocess and 'none' was assumed. */
  assumed: boolean;
}

/**
 * Merges explicit options (flags) over the model's metadata: an option
 * always wins; then the metadata; then 'none' (pixels 0..255 as they are),
 * which is reported as assumed.
 */
export function resolveModelInput(
  options: { standardize?: StandardizeMode | PreprocessFunction; channels?: 1 | 3 },
  source: ModelMetadataSource | undefined,
): ResolvedModelInput {
  const metadata = source?.metadata ?? {};
  const fromRange = metadata.inputRange && RANGE_MODES.find(({ range }) => sameRange(range, metadata.inputRange!))?.mode;
  const fromMetadata = metadata.standardize ?? fromRange;
  const standardize = options.standardize ?? fromMetadata ?? 'none';
  const where = source ? (source.kind === 'sidecar' ? source.file : `${source.file} userDefinedMetadata`) : undefined;
  let preprocessingNote: string;
  if (typeof options.standardize === 'function') preprocessingNote = 'preprocessing: your standardize function (given as an option)';
  else if (options.standardize !== undefined) preprocessingNote = `preprocessing: standardize ${standardize} (given as an option)`;
  else if (fromMetadata !== undefined) preprocessingNote = `preprocessing: standardize ${standardize} (from ${where})`;
  else {
    preprocessingNote =
      `preprocessing: ASSUMED standardize none, pixels 0..255 go in as they are (${source ? `${where} does not say` : `no ${MODEL_METADATA_FILE} beside the model`}); ` +
      `if the model was trained on other values give --standardize (e.g. rescale for 0..1) or add a ${MODEL_METADATA_FILE}`;
  }
  // 'caffe' reverses the channels itself: the order is then already the model's.
  const reverseChannels = standardize !== 'caffe' && metadata.channelOrder === 'bgr';
  return { standardize, channels: options.channels ?? metadata.channels, reverseChannels, classNames: metadata.classNames, preprocessingNote, assumed: options.standardize === undefined && fromMetadata === undefined };
}
