// The record a run (or one shard of it) leaves in its output folder, and the
// merge of every shard's record into one report (`tfxai summary OUT`).
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { TfxaiError } from '@tfxai/core';
import { writeFileAtomic } from './atomic-write.js';
import type { DecoderResult } from './decoder-options.js';
import type { MapWarning } from './map-warnings.js';
import { shardLabel, type ShardSpec } from './shard.js';

/** Folder inside the output folder that holds the run manifests. */
export const MANIFEST_FOLDER = '.tfxai';
const FORMAT = 'tfxai-run-manifest';
const VERSION = 1;

/** One image in a manifest. */
export interface ManifestSample {
  sample: string;
  status: 'done' | 'skipped' | 'failed';
  classes: number[];
  classNames?: string[];
  /** Output files, relative to the output folder. */
  files: string[];
  error?: { name: string; code: string; message: string };
  warnings?: MapWarning[];
}

/** What one run (one shard) writes to `OUT/.tfxai/run-<i>-of-<n>.json`. */
export interface RunManifest {
  format: typeof FORMAT;
  version: typeof VERSION;
  /** The shard this run processed; 1 of 1 for an unsharded run. */
  shard: ShardSpec;
  /** Inputs over all shards, as this shard saw them. */
  inputsTotal: number;
  /** Inputs of this shard. */
  total: number;
  done: number;
  skipped: number;
  failed: number;
  /** True when the run was interrupted: `total - samples.length` images were not reached. */
  aborted: boolean;
  method: string;
  model: string;
  preprocessing: string;
  classNames?: string[];
  /** ISO time the manifest was written. */
  finishedAt: string;
  seconds: number;
  samples: ManifestSample[];
}

/** A manifest folder cannot be read, holds a broken manifest, or mixes runs split into different shard counts. */
export class RunManifestError extends TfxaiError {
  constructor(readonly file: string, detail: string) {
    super('RUN_MANIFEST_INVALID', `run manifest '${file}': ${detail}`);
  }
}

/** The manifest of a finished (or interrupted) decoder run. */
export function runManifest(result: DecoderResult, run: { outDir: string; method: string; model: string }): RunManifest {
  return {
    format: FORMAT,
    version: VERSION,
    shard: result.shard ?? { index: 1, count: 1 },
    inputsTotal: result.inputsTotal,
    total: result.total,
    done: result.done,
    skipped: result.skipped,
    failed: result.failed,
    aborted: result.aborted,
    method: run.method,
    model: run.model,
    preprocessing: result.preprocessing,
    ...(result.classNames ? { classNames: result.classNames } : {}),
    finishedAt: new Date().toISOString(),
    seconds: result.seconds,
    samples: result.samples.map((s) => ({
      sample: s.sample,
      status: s.status,
      classes: s.classes,
      ...(s.classNames ? { classNames: s.classNames } : {}),
      files: s.files.map((file) => path.relative(run.outDir, file).split(path.sep).join('/')),
      ...(s.error ? { error: { name: s.error.name, code: s.error.code, message: s.error.message } } : {}),
      ...(s.warnings ? { warnings: s.warnings } : {}),
    })),
  };
}

/** Path of a shard's manifest: `OUT/.tfxai/run-<i>-of-<n>.json`. */
export function manifestPath(outDir: string, shard: ShardSpec): string {
  return path.join(outDir, MANIFEST_FOLDER, `run-${shardLabel(shard)}.json`);
}

/** Writes a manifest atomically (a rerun of the same shard replaces it). Resolves with its path. */
export async function writeRunManifest(outDir: string, manifest: RunManifest): Promise<string> {
  const file = manifestPath(outDir, manifest.shard);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  return file;
}

function checkManifest(json: unknown, file: string): RunManifest {
  const m = json as Partial<RunManifest> | null;
  if (typeof m !== 'object' || m === null || m.format !== FORMAT) throw new RunManifestError(file, `not a tfxai run manifest (expected "format": "${FORMAT}")`);
  if (m.version !== VERSION) throw new RunManifestError(file, `version ${String(m.version)}; this tfxai reads version ${VERSION}`);
  const shard = m.shard;
  if (!shard || !Number.isInteger(shard.count) || shard.count < 1 || !Number.isInteger(shard.index) || shard.index < 1 || shard.index > shard.count) {
    throw new RunManifestError(file, `bad shard ${JSON.stringify(shard)}`);
  }
  if (!Array.isArray(m.samples) || !Number.isInteger(m.total) || !Number.isInteger(m.inputsTotal)) throw new RunManifestError(file, 'missing samples, total or inputsTotal');
  return m as RunManifest;
}

/** Every manifest in `OUT/.tfxai/`, sorted by shard. Resolves an empty list when there is none. @throws RunManifestError */
export async function readRunManifests(outDir: string): Promise<{ file: string; manifest: RunManifest }[]> {
  const folder = path.join(outDir, MANIFEST_FOLDER);
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new RunManifestError(folder, (error as Error).message);
  }
  const found: { file: string; manifest: RunManifest }[] = [];
  for (const name of names.filter((n) => /^run-\d+-of-\d+\.json$/.test(n)).sort()) {
    const file = path.join(folder, name);
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new RunManifestError(file, `cannot read it as JSON (${(error as Error).message})`);
    }
    found.push({ file, manifest: checkManifest(json, file) });
  }
  return found.sort((a, b) => a.manifest.shard.index - b.manifest.shard.index);
}

/** The merged report of every shard of a run. */
export interface RunSummary {
  /** Shards the run was split into. */
  shardCount: number;
  /** Shards (1-based) that wrote a manifest. */
  reported: number[];
  /** Shards (1-based) with no manifest: never ran, or crashed before the end. */
  missingShards: number[];
  /** Inputs over all shards (the largest any shard saw; see `inputsDisagree`). */
  inputsTotal: number;
  /** True when shards saw different input counts (files added or removed between shard runs). */
  inputsDisagree: boolean;
  done: number;
  skipped: number;
  failed: number;
  /** Images of interrupted shards that were never reached. */
  notReached: number;
  /** Images of missing shards: inputsTotal minus the images of the shards that reported. */
  missing: number;
  /** True when every input is done or skipped. */
  complete: boolean;
  failures: { sample: string; shard: number; error?: ManifestSample['error'] }[];
  warnings: (MapWarning & { sample: string; shard: number; className?: string })[];
  /** Explained maps per class (by name when the model has names). */
  classCounts: Record<string, number>;
}

/**
 * Merges the manifests of one run's shards.
 * @throws RunManifestError when there is none, or they were split into different shard counts
 */
export function mergeRunManifests(found: readonly { file: string; manifest: RunManifest }[]): RunSummary {
  if (found.length === 0) throw new RunManifestError(MANIFEST_FOLDER, 'no run manifests to merge');
  const count = found[0]!.manifest.shard.count;
  const other = found.find(({ manifest }) => manifest.shard.count !== count);
  if (other) {
    throw new RunManifestError(
      other.file,
      `it is shard ${other.manifest.shard.index} of ${other.manifest.shard.count}, but '${found[0]!.file}' is of ${count}; ` +
        'the folder mixes runs split differently: remove the manifests of the old split (or write each split to its own folder)',
    );
  }
  const reported = found.map(({ manifest }) => manifest.shard.index);
  const inputsTotal = Math.max(...found.map(({ manifest }) => manifest.inputsTotal));
  const summary: RunSummary = {
    shardCount: count,
    reported,
    missingShards: Array.from({ length: count }, (_, i) => i + 1).filter((i) => !reported.includes(i)),
    inputsTotal,
    inputsDisagree: found.some(({ manifest }) => manifest.inputsTotal !== inputsTotal),
    done: 0,
    skipped: 0,
    failed: 0,
    notReached: 0,
    missing: 0,
    complete: false,
    failures: [],
    warnings: [],
    classCounts: {},
  };
  let seen = 0;
  for (const { manifest } of found) {
    summary.done += manifest.done;
    summary.skipped += manifest.skipped;
    summary.failed += manifest.failed;
    summary.notReached += manifest.total - manifest.samples.length;
    seen += manifest.total;
    for (const s of manifest.samples) {
      if (s.status === 'failed') summary.failures.push({ sample: s.sample, shard: manifest.shard.index, ...(s.error ? { error: s.error } : {}) });
      for (const w of s.warnings ?? []) {
        const className = s.classNames?.[s.classes.indexOf(w.classIndex)];
        summary.warnings.push({ ...w, sample: s.sample, shard: manifest.shard.index, ...(className !== undefined ? { className } : {}) });
      }
      if (s.status === 'done') {
        s.classes.forEach((c, i) => {
          const key = s.classNames?.[i] ?? String(c);
          summary.classCounts[key] = (summary.classCounts[key] ?? 0) + 1;
        });
      }
    }
  }
  summary.missing = Math.max(0, inputsTotal - seen);
  summary.complete = summary.missingShards.length === 0 && summary.missing === 0 && summary.notReached === 0 && summary.failed === 0 && !summary.inputsDisagree;
  return summary;
}
