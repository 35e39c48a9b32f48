import { opendir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '@tfxai/core';
import picomatch from 'picomatch';
import { InputNotFoundError } from './errors.js';
import { IMAGE_EXTENSIONS } from './image-io.js';

/** The default folder filter: every supported image extension, in any sub-folder, any letter case. */
export const DEFAULT_GLOB = `**/*.{${IMAGE_EXTENSIONS.join(',')}}`;

/** One image the decoder will process: a file, or one example of a tensor batch. */
export type InputItem =
  | { readonly kind: 'file'; readonly path: string; readonly sample: string }
  | { readonly kind: 'tensor'; readonly tensor: tf.Tensor3D | tf.Tensor4D; readonly index: number; readonly sample: string };

/** What the decoder accepts as `inputs`: paths of files or folders, tensors, or a list mixing them. */
export type DecoderInput = string | tf.Tensor | readonly (string | tf.Tensor)[];

/** Options of {@link collectInputs}. */
export interface CollectOptions {
  /** Which files of a folder to take: a glob on the path relative to the folder. Default: {@link DEFAULT_GLOB}. */
  glob?: string;
  /** Names of the tensor examples, in order. Default: `tensor-<i>`. */
  names?: readonly string[];
  /** Folders the walk does not enter (the output folder, when it lies inside an input folder). Default: none. */
  exclude?: readonly string[];
}

/**
 * What a folder walk left out, so that a summary can say so instead of
 * files silently missing. Files the glob does not match are not counted.
 */
export interface IgnoredEntries {
  /** Files and folders whose name starts with '.' (not entered, not taken), unless the glob names such a path. */
  hidden: number;
  /** Symbolic links not followed: to folders (a link cycle could trap the walk), broken, or to something not a regular file. */
  symlinks: number;
  /** FIFOs, sockets and devices: never opened (reading a FIFO would wait forever, a device may never end). */
  special: number;
  /** Excluded folders met in the walk (the output folder inside an input folder). */
  excluded: number;
}

/** The images to process and what the walk left out. */
export interface GatheredInputs {
  items: InputItem[];
  ignored: IgnoredEntries;
}

interface WalkContext {
  isMatch: (relative: string) => boolean;
  /** True when the glob itself names hidden paths: then hidden entries are walked and matched as before. */
  takeHidden: boolean;
  /** Real paths of folders not to enter. */
  exclude: ReadonlySet<string>;
  out: InputItem[];
  ignored: IgnoredEntries;
}

/**
 * Files under `folder` whose relative path (with '/') matches the glob, in
 * sorted order, found by walking the tree. Symbolic links to files are
 * followed; links to folders are not (a link cycle cannot trap the walk).
 * What is left out is counted in `context.ignored`.
 */
async function walkFolder(folder: string, context: WalkContext, prefix = ''): Promise<void> {
  const entries: { name: string; directory: boolean; file: boolean }[] = [];
  const { ignored } = context;
  const directory = await opendir(path.join(folder, prefix));
  for await (const entry of directory) {
    if (entry.name.startsWith('.') && !context.takeHidden) {
      ignored.hidden++;
      continue;
    }
    let file = entry.isFile();
    if (entry.isSymbolicLink()) {
      file = await stat(path.join(folder, prefix, entry.name)).then((s) => s.isFile(), () => false);
      if (!file) ignored.symlinks++;
    } else if (!file && !entry.isDirectory()) {
      ignored.special++;
    }
    entries.push({ name: entry.name, directory: entry.isDirectory(), file });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.directory) {
      if (context.exclude.size > 0 && context.exclude.has(await realpath(path.join(folder, relative)).catch(() => ''))) ignored.excluded++;
      else await walkFolder(folder, context, relative);
    } else if (entry.file && context.isMatch(relative)) context.out.push({ kind: 'file', path: path.join(folder, relative), sample: relative });
  }
}

/**
 * Expands the decoder's inputs into the list of images to process, in
 * order: a file is taken as it is (sample name: its base name), a folder is
 * walked recursively and filtered with `glob` (sample name: the path
 * relative to the folder, as AUCMEDI's samples are), a tensor (H, W, C) is one
 * image and (N, H, W, C) is N images. Only names are collected: no image is read.
 * @throws InputNotFoundError for a path that does not exist
 * @throws InvalidInputError for a tensor of the wrong rank, a wrong count of names, or no inputs at all
 */
export async function collectInputs(inputs: DecoderInput, options: CollectOptions = {}): Promise<InputItem[]> {
  return (await gatherInputs(inputs, options)).items;
}

/**
 * {@link collectInputs}, also saying what the folder walks left out (hidden
 * entries, links not followed, FIFOs and devices, excluded folders).
 * A path given directly is taken as it is: reading it refuses anything but
 * a regular file (see readImage).
 */
export async function gatherInputs(inputs: DecoderInput, options: CollectOptions = {}): Promise<GatheredInputs> {
  const list = Array.isArray(inputs) ? inputs : [inputs as string | tf.Tensor];
  if (list.length === 0) throw new InvalidInputError('no inputs given; give image files, folders, or tensors');
  const glob = options.glob ?? DEFAULT_GLOB;
  const ignored: IgnoredEntries = { hidden: 0, symlinks: 0, special: 0, excluded: 0 };
  const exclude = new Set<string>();
  for (const folder of options.exclude ?? []) exclude.add(await realpath(folder).catch(() => path.resolve(folder)));
  const items: InputItem[] = [];
  const context: WalkContext = {
    isMatch: picomatch(glob, { nocase: true, dot: false }),
    takeHidden: /(^|[/{,])\.[^/.]/.test(glob),
    exclude,
    out: items,
    ignored,
  };
  let tensorIndex = 0;
  const tensorName = () => options.names?.[tensorIndex] ?? `tensor-${tensorIndex}`;
  for (const input of list) {
    if (input instanceof tf.Tensor) {
      if (input.rank !== 3 && input.rank !== 4) {
        throw new InvalidInputError(`an input tensor must be one image (H, W, C) or a batch (N, H, W, C); got shape [${input.shape}]`);
      }
      const count = input.rank === 4 ? input.shape[0] : 1;
      for (let i = 0; i < count; i++, tensorIndex++) {
        items.push({ kind: 'tensor', tensor: input as tf.Tensor3D | tf.Tensor4D, index: input.rank === 4 ? i : -1, sample: tensorName() });
      }
      continue;
    }
    if (typeof input !== 'string') throw new InvalidInputError(`inputs must be paths or tensors; got ${typeof input}`);
    const info = await stat(input).catch((error: NodeJS.ErrnoException) => {
      throw new InputNotFoundError(input, error.code === 'ENOENT' ? 'does not exist' : `cannot be read (${error.code})`);
    });
    if (info.isDirectory()) {
      await walkFolder(input, context).catch((error: NodeJS.ErrnoException) => {
        throw new InputNotFoundError(input, `cannot be listed (${error.code ?? error.message})`);
      });
    } else {
      items.push({ kind: 'file', path: input, sample: path.basename(input) });
    }
  }
  if (options.names && options.names.length !== tensorIndex) {
    throw new InvalidInputError(`got ${options.names.length} names for ${tensorIndex} tensor images; give one name per tensor image`);
  }
  return { items, ignored };
}
