import path from 'node:path';
import { InvalidOptionError, type TfxaiError, type XaiRegistry } from '@tfxai/core';
import {
  checkSliceAxis,
  explainMedical,
  medicalInputKind,
  parsePercentiles,
  parseWindow,
  resolvePluginSpecifier,
  type ColormapName,
  type MedicalExplainResult,
  type StandardizeMode,
} from '@tfxai/node';
import type { CliIo } from './cli-io.js';
import { UsageError } from './errors.js';
import { numberFlag } from './parse-flags.js';
import { ProgressReporter, formatDuration } from './progress-reporter.js';

/** The flags only medical inputs (NIfTI, DICOM) take; given with ordinary images they are a usage error. */
export const MEDICAL_FLAGS = ['slice-axis', 'volume-index', 'series-uid', 'window', 'clip-percentiles', 'dicom-out'] as const;

/**
 * Whether the run is over medical inputs: every input a NIfTI file, a DICOM
 * file or a folder whose first file is DICOM. A mix of medical inputs and
 * images is a usage error (they take different options and give different outputs).
 */
export async function medicalRun(inputs: readonly string[], values: Record<string, unknown>): Promise<boolean> {
  const kinds = await Promise.all(inputs.map((input) => medicalInputKind(input)));
  const medical = kinds.filter((k) => k !== undefined).length;
  if (medical > 0 && medical < inputs.length) {
    const images = inputs.filter((_, n) => kinds[n] === undefined).map((i) => path.basename(i));
    throw new UsageError(`give either NIfTI/DICOM inputs or images in one run, not both (images: ${images.slice(0, 3).join(', ')})`, 'explain');
  }
  if (medical === 0) {
    const given = MEDICAL_FLAGS.filter((flag) => values[flag] !== undefined);
    if (given.length) throw new UsageError(`--${given[0]} applies to NIfTI and DICOM inputs only (.nii, .nii.gz, .dcm, a DICOM folder)`, 'explain');
  }
  return medical > 0;
}

/** Settings that `tfxai explain` has already read from its flags. */
export interface MedicalCommandContext {
  values: Record<string, string | boolean | string[] | undefined>;
  inputs: string[];
  outDir: string;
  registry: XaiRegistry;
  cwd: string;
  classes?: number[];
  methodOptions?: Record<string, unknown>;
  inputSize?: [number, number];
  alpha?: number;
}

const errorJson = (error: TfxaiError) => ({ name: error.name, code: error.code, message: error.message });

/** A flag's parse error as a usage error (exit 2). */
function flag<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InvalidOptionError) throw new UsageError(`--${error.option} ${error.message.replace(/^option '[^']+': /, '')}`, 'explain');
    throw error;
  }
}

/** The summary lines of a medical run: per input, its grid, intensity, slices and peak, and any notes. */
export function medicalReportLines(result: MedicalExplainResult): string[] {
  const lines: string[] = [];
  for (const s of result.samples) {
    if (s.status !== 'done') continue;
    const classes = s.volume
      ? `class ${s.volume.classes.join(', ')}`
      : Object.entries(s.classSlices ?? {}).map(([c, n]) => `class ${c} on ${n}`).join(', ');
    // A 3-D model sees the scan whole (resized to its grid); a 2-D model sees slices.
    const seen = s.volume ? `, whole volume on the 3-D model's ${s.volume.modelGrid.join('x')} grid` : s.sliceAxis ? `, ${s.sliceAxis} slices` : '';
    lines.push(
      `${s.sample}: ${s.dims!.join('x')} voxels (${s.affineSource} affine), ${s.intensity}` +
        `${seen}${classes ? ` (${classes})` : ''}; peak at voxel ${s.peak!.voxel.join(',')} = ` +
        `(${s.peak!.world.map((v) => v.toFixed(1)).join(', ')}) mm RAS` +
        `${s.peak!.slicesAtMaximum > 1 ? ` (the first of ${s.peak!.slicesAtMaximum} slices whose own map reaches 1)` : ''}`,
    );
    for (const note of s.notes) lines.push(`  note: ${note}`);
  }
  return lines;
}

/** `tfxai explain` over NIfTI files and DICOM files or series. Returns the exit code: 0 all done, 1 some failed, 130 interrupted. */
export async function medicalExplainCommand(context: MedicalCommandContext, io: CliIo): Promise<number> {
  const { values } = context;
  const str = (name: string) => values[name] as string | undefined;
  for (const name of ['all-classes', 'preds', 'shard', 'glob', 'workers']) {
    if (values[name] !== undefined) throw new UsageError(`--${name} is not taken with NIfTI/DICOM inputs (scans run one after another in this thread; choose classes with --class)`, 'explain');
  }
  const reporter = values['quiet'] ? undefined : new ProgressReporter(io.stderr);
  const result = await explainMedical({
    inputs: context.inputs,
    model: path.resolve(context.cwd, str('model')!),
    method: str('method')!,
    registry: context.registry,
    plugins: (values['plugin'] as string[] | undefined)?.map((plugin) => resolvePluginSpecifier(plugin, context.cwd)),
    methodOptions: context.methodOptions,
    layerName: str('layer'),
    classes: context.classes,
    standardize: str('standardize') as StandardizeMode | undefined,
    inputSize: context.inputSize,
    channels: numberFlag('explain', 'channels', str('channels'), (n) => n === 1 || n === 3, '1 or 3') as 1 | 3 | undefined,
    outDir: context.outDir,
    sliceAxis: str('slice-axis') === undefined ? undefined : flag(() => checkSliceAxis(str('slice-axis')!)),
    volumeIndex: numberFlag('explain', 'volume-index', str('volume-index'), (n) => Number.isInteger(n) && n >= 0, 'an integer >= 0'),
    seriesUid: str('series-uid'),
    window: str('window') === undefined ? undefined : flag(() => parseWindow(str('window')!)),
    percentiles: str('clip-percentiles') === undefined ? undefined : flag(() => parsePercentiles(str('clip-percentiles')!)),
    alpha: context.alpha,
    colormap: str('colormap') as ColormapName | undefined,
    saveMaps: values['save-maps'] as boolean | undefined,
    dicomOut: values['dicom-out'] as boolean | undefined,
    resume: values['resume'] as boolean | undefined,
    batchSize: numberFlag('explain', 'batch-size', str('batch-size'), (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1'),
    onProgress: (progress) => {
      if (progress.status === 'failed' && progress.error) reporter?.message(`failed: ${progress.sample}: ${progress.error.message}`);
      reporter?.update(progress);
    },
    signal: io.signal,
  });
  reporter?.finish();
  if (values['json']) {
    const samples = result.samples.map(({ error, ...rest }) => ({ ...rest, ...(error ? { error: errorJson(error) } : {}) }));
    io.stdout.write(`${JSON.stringify({ ...result, samples, outDir: context.outDir }, null, 2)}\n`);
  }
  if (!values['quiet']) {
    for (const line of medicalReportLines(result)) io.stderr.write(`${line}\n`);
    io.stderr.write(
      `${result.aborted ? 'interrupted' : 'finished'}: ${result.done} done, ${result.skipped} skipped, ${result.failed} failed of ${result.total} ` +
        `scans in ${formatDuration(result.seconds)} (${result.seconds.toFixed(1)} s); output: ${context.outDir}\n`,
    );
  }
  if (result.aborted) return 130;
  return result.failed > 0 ? 1 : 0;
}
