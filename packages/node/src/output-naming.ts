import path from 'node:path';
import { TfxaiError } from '@tfxai/core';

/** Longest stem in UTF-8 bytes: leaves room for '.class_N.png' and the temporary-file affixes within 255 bytes. */
const MAX_STEM_BYTES = 180;

/** Characters that are unsafe in a file name on some system: controls, and Windows' reserved ones. */
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f<>:"|?*]/gu;

function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of text) {
    bytes += Buffer.byteLength(ch);
    if (bytes > maxBytes) break;
    out += ch;
  }
  return out;
}

/**
 * The flat, safe file stem of a sample name, AUCMEDI's way: path separators
 * ('/' and '\') become '.', so `sub/x` gives `sub.x`. Made safe: empty and
 * '.' segments are dropped, '..' segments become '__', control and
 * reserved characters become '_', leading dots are removed (no hidden files,
 * never '.' or '..'), and the stem is cut to 180 UTF-8 bytes. Unicode letters stay.
 * @param sample the sample name without its image extension
 */
export function safeStem(sample: string): string {
  const segments = sample
    .split(/[\\/]+/)
    .filter((segment) => segment !== '' && segment !== '.')
    .map((segment) => (segment === '..' ? '__' : segment.replace(UNSAFE_CHARACTERS, '_')));
  const stem = truncateUtf8(segments.join('.').replace(/^\.+/, ''), MAX_STEM_BYTES);
  return stem === '' ? '_' : stem;
}

/** `name` without its extension when the extension is one of `extensions` (compared case-insensitively). */
export function stripExtension(name: string, extensions: readonly string[]): { base: string; extension: string } {
  const match = /\.([^./\\]+)$/.exec(name);
  if (match && extensions.includes(match[1]!.toLowerCase())) return { base: name.slice(0, match.index), extension: match[1]! };
  return { base: name, extension: '' };
}

/**
 * AUCMEDI's output file name: `<stem>.<ext>` for a sample's one map,
 * `<stem>.class_<c>.<ext>` when maps are written per class.
 */
export function outputFileName(stem: string, extension: string, classIndex?: number): string {
  return classIndex === undefined ? `${stem}.${extension}` : `${stem}.class_${classIndex}.${extension}`;
}

/**
 * Joins a file name to the output folder and refuses any result outside it
 * (a last guard; {@link safeStem} already makes such names impossible).
 */
export function insideFolder(folder: string, fileName: string): string {
  const root = path.resolve(folder);
  const full = path.resolve(root, fileName);
  if (path.dirname(full) !== root) {
    throw new TfxaiError('UNSAFE_OUTPUT_PATH', `output name '${fileName}' would leave the output folder '${root}'`);
  }
  return full;
}

/**
 * Hands out one distinct stem per sample, deterministic for a given input
 * order: the first sample to claim a stem gets it; a later sample whose
 * stem is taken keeps its image extension (`x.jpg` -> `x.jpg`), and then
 * a counter (`x~2`) if that is taken too.
 */
export class StemAllocator {
  readonly #taken = new Set<string>();

  /** @param sample the sample's name, e.g. its path relative to the input folder */
  allocate(sample: string, imageExtensions: readonly string[]): string {
    const { base, extension } = stripExtension(sample, imageExtensions);
    const candidates = [safeStem(base)];
    if (extension) candidates.push(safeStem(`${base}.${extension}`));
    let stem = candidates.find((candidate) => !this.#taken.has(candidate.toLowerCase()));
    for (let n = 2; stem === undefined; n++) {
      const numbered = `${candidates[0]}~${n}`;
      if (!this.#taken.has(numbered.toLowerCase())) stem = numbered;
    }
    // Case-insensitive file systems (macOS, Windows) would merge 'A' and 'a'.
    this.#taken.add(stem.toLowerCase());
    return stem;
  }
}
