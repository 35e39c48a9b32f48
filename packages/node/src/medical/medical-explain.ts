import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError, TfxaiError, adaptModel, initBackend, type ModelAdapter, type ModelLike, type XaiMethod, type XaiRegistry } from '@tfxai/core';
import { defaultRegistry } from 'tfxai';
import { removeStaleTempFiles, writeOutputFile } from '../atomic-write.js';
import { OutputNotWritableError } from '../errors.js';
import type { ColormapName } from '../colormaps.js';
import type { DecoderProgress, DecoderResult, XaiDecoderOptions } from '../decoder-options.js';
import { loadModelFromFile } from '../model-loader.js';
import { readModelMetadata, resolveModelInput, type ModelMetadata } from '../model-metadata.js';
import { encodeNpy } from '../npy.js';
import { insideFolder, outputFileName, safeStem } from '../output-naming.js';
import { loadPluginModule, resolvePluginSpecifier } from '../plugin-modules.js';
import type { StandardizeMode } from '../preprocessing.js';
import { xaiDecoder } from '../xai-decoder.js';
import { voxelToWorld } from './affine.js';
import { secondaryCaptureSeries } from './dicom-secondary-capture.js';
import { dicomFileVolume, readDicomSeries } from './dicom-volume.js';
import { readDicomFile } from './dicom-dataset.js';
import { applyIntensity, chooseIntensity, describeIntensity, intensityRange } from './intensity.js';
import { MedicalReadError, VolumeInputError } from './medical-errors.js';
import { medicalInputKind, medicalInputName, type MedicalInputKind } from './medical-inputs.js';
import type { IntensityWindow, MedicalVolume } from './medical-volume.js';
import { encodeNifti1 } from './nifti1-write.js';
import { readNifti } from './nifti-read.js';
import { assembleSliceMaps, extractSlices, peakVoxel, sliceLayout, voxelAxisOf, type SliceAxis } from './volume-slices.js';
import { volumePicture } from './volume-picture.js';
import { explainVolume, takesVolumes, volumeModelGrid } from './volume-model-explain.js';

/** Options of {@link explainMedical}. `inputs`, `model`, `method` and `outDir` are required. */
export interface MedicalExplainOptions extends Pick<XaiDecoderOptions, 'model' | 'method' | 'registry' | 'plugins' | 'methodOptions' | 'layerName'> {
  /** NIfTI files (.nii, .nii.gz), DICOM files, or folders holding one DICOM series each. */
  inputs: readonly string[];
  /**
   * Explain these classes (files `x.class_<c>.*`): on every slice for a 2-D model, on the volume for a 3-D one.
   * Default: a 2-D model explains each slice's own top class (counted in the result), a 3-D model the volume's top class.
   */
  classes?: readonly number[];
  /** The model's standardisation of the 0..255 slice images. Default: the model's metadata, else 'none'. */
  standardize?: StandardizeMode;
  /** A 2-D model's input size and channels, as for images (a 3-D model takes its declared grid and the scan's own channels). */
  inputSize?: readonly [number, number];
  channels?: 1 | 3;
  /** Where outputs go (created if missing). */
  outDir: string;
  /** The plane a 2-D model sees (a 3-D model sees the whole volume). Default: 'axial'. */
  sliceAxis?: SliceAxis;
  /** Which volume of a 4-D NIfTI file. Default: 0. */
  volumeIndex?: number;
  /** Which series of a DICOM folder holding several. Default: none (several is an error). */
  seriesUid?: string;
  /** `{ center, width }` or a CT preset name (lung, soft-tissue, brain, bone). Default: see {@link chooseIntensity}. */
  window?: IntensityWindow | string;
  /** Percentile clip [low, high]. Default: 0.5/99.5 when there is neither a window nor a file window. */
  percentiles?: readonly [number, number];
  /** Overlay weight in the picture. Default: 0.5. */
  alpha?: number;
  /** Default: 'jet'. */
  colormap?: ColormapName;
  /** Also write the heatmap volume as .npy, shape (k, j, i) (NIfTI's i fastest). Default: false. */
  saveMaps?: boolean;
  /**
   * For DICOM inputs, also write the overlay as an RGB Secondary Capture series
   * in the source's study (folder `<name>.dicom/`, one file per slice, new
   * SeriesInstanceUID, source images referenced). Default: false.
   */
  dicomOut?: boolean;
  /** Skip inputs whose outputs all exist. Default: false. */
  resume?: boolean;
  /** Slices explained per call by a 2-D model. Default: 16. */
  batchSize?: number;
  /** Called after each input. */
  onProgress?: (progress: DecoderProgress) => void;
  /** Stops between inputs. */
  signal?: AbortSignal;
}

/** What happened to one medical input. */
export interface MedicalSampleResult {
  sample: string;
  source: string;
  kind: MedicalInputKind;
  status: 'done' | 'skipped' | 'failed';
  files: string[];
  error?: TfxaiError;
  /** Voxels along i, j, k. */
  dims?: [number, number, number];
  /** Which transform placed the grid (sform, qform, pixdim, dicom). */
  affineSource?: MedicalVolume['affineSource'];
  intensity?: string;
  sliceAxis?: SliceAxis;
  /** 2-D model: slices explained for each class (one entry per class seen). */
  classSlices?: Record<number, number>;
  /** 3-D model: the classes explained on the whole volume, and the model's grid [D, H, W] the volume was resized to. */
  volume?: { classes: number[]; modelGrid: [number, number, number] };
  /**
   * The heatmap's peak voxel and its world position (mm, RAS) for the first class. `slicesAtMaximum`: how many
   * slice maps reach the maximum (2-D model, each slice normalised alone); 1 for a 3-D model (one map, normalised over the volume).
   */
  peak?: { voxel: [number, number, number]; world: [number, number, number]; slicesAtMaximum: number };
  notes: string[];
}

/** What {@link explainMedical} returns: the decoder's counts, one result per scan. */
export interface MedicalExplainResult extends Pick<DecoderResult, 'total' | 'done' | 'skipped' | 'failed' | 'seconds' | 'aborted'> {
  samples: MedicalSampleResult[];
}

/** Errors that concern one input: reported in its result while the run goes on. */
function isPerInputError(error: unknown): error is TfxaiError {
  return error instanceof MedicalReadError || error instanceof VolumeInputError || (error instanceof TfxaiError && (error.code === 'OUTPUT_WRITE_FAILED' || error.code === 'INVALID_INPUT'));
}

/** Reads any medical input into a volume. */
export async function readMedicalVolume(input: string, kind: MedicalInputKind, options: Pick<MedicalExplainOptions, 'volumeIndex' | 'seriesUid'> = {}): Promise<MedicalVolume> {
  try {
    if (kind === 'nifti') return await readNifti(input, { volumeIndex: options.volumeIndex });
    if (kind === 'dicom-file') return dicomFileVolume(await readDicomFile(input));
    return await readDicomSeries(input, { seriesUid: options.seriesUid });
  } catch (error) {
    // A missing or unreadable file is this input's failure, not the run's.
    const e = error as NodeJS.ErrnoException;
    if (typeof e.code === 'string' && e.syscall) throw new MedicalReadError(input, 'unreadable', `${e.code} (${e.message})`);
    throw error;
  }
}

/** How many slice maps reach the volume's maximum: each is normalised alone, so often several do and the peak is the first. */
function slicesAtMaximum(maps: readonly Float32Array[]): number {
  const maxima = maps.map((map) => map.reduce((m, v) => (v > m ? v : m), -Infinity));
  const top = Math.max(...maxima);
  return maxima.filter((m) => m === top).length;
}

const methodName = (method: string | XaiMethod) => (typeof method === 'string' ? method : method.name);

/** Writes files into a temporary folder beside `target`, then renames it into place: the folder appears whole or not at all. */
async function writeFolder(target: string, files: readonly { name: string; bytes: Uint8Array }[]): Promise<string> {
  const temporary = `${path.join(path.dirname(target), `.${path.basename(target)}`)}.tfxai-tmp`;
  try {
    await rm(temporary, { recursive: true, force: true });
    await mkdir(temporary);
    for (const file of files) await writeFile(path.join(temporary, file.name), file.bytes);
    await rm(target, { recursive: true, force: true });
    await rename(temporary, target);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new TfxaiError('OUTPUT_WRITE_FAILED', `cannot write '${target}': ${e.code ?? ''} ${e.message}`.trim());
  }
  return target;
}

async function allExist(files: readonly string[]): Promise<boolean> {
  for (const file of files) if (!(await access(file).then(() => true, () => false))) return false;
  return true;
}


/**
 * `tfxai explain` for NIfTI and DICOM: each input is read with its geometry
 * and windowed to 0..255. A 2-D model (input (N, H, W, C)) gets it cut into
 * slices along `sliceAxis`, explained slice by slice (each slice map min-max
 * normalised on its own, the 2-D method contract), and the slice maps are
 * put back on the source grid. A 3-D model (input (N, D, H, W, C)) gets it
 * whole ({@link explainVolume}): resized trilinearly to the model's grid,
 * explained as one volume, the map resized back and normalised over the
 * whole volume. Outputs: `<name>.nii.gz` (float32 in [0, 1], the source's
 * affine as qform and sform), `<name>.png` (three planes through the peak,
 * overlay, colour bar), `<name>.npy` with `saveMaps`. Per-input errors
 * (including {@link VolumeInputError}) are reported and the run goes on.
 */
export async function explainMedical(options: MedicalExplainOptions): Promise<MedicalExplainResult> {
  const started = Date.now();
  try {
    await mkdir(options.outDir, { recursive: true });
    // Temporary files of an interrupted run are removed, as the image pipeline does.
    await removeStaleTempFiles(options.outDir);
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    throw new OutputNotWritableError(options.outDir, e.code ? `${e.code} (${e.message})` : e.message);
  }
  await initBackend();
  const ownsModel = typeof options.model === 'string';
  const model: ModelLike = typeof options.model === 'string' ? (await loadModelFromFile(options.model)).model : options.model;
  const metadata: ModelMetadata | undefined = typeof options.model === 'string' ? (await readModelMetadata(options.model))?.metadata : undefined;
  const samples: MedicalSampleResult[] = [];
  const counts = { done: 0, skipped: 0, failed: 0 };
  let aborted = false;
  try {
    const adapter = adaptModel(model);
    // A 3-D model explains each scan whole with one method instance; a 2-D model goes through the image pipeline per batch of slices.
    const volumeRun = takesVolumes(adapter.inputShape) ? await volumeRunOf(adapter, model, metadata, options) : undefined;
    for (const input of options.inputs) {
      if (options.signal?.aborted) {
        aborted = true;
        break;
      }
      const kind = (await medicalInputKind(input)) ?? 'nifti';
      const result = await explainOne(input, kind, model, metadata, options, volumeRun);
      samples.push(result);
      counts[result.status]++;
      const elapsed = (Date.now() - started) / 1000;
      const rate = counts.done / Math.max(elapsed, 1e-9);
      const left = options.inputs.length - samples.length;
      options.onProgress?.({
        completed: samples.length,
        total: options.inputs.length,
        ...counts,
        rate,
        etaSeconds: counts.done ? left / rate : undefined,
        sample: result.sample,
        status: result.status,
        error: result.error,
      });
    }
  } finally {
    if (ownsModel) (model as tf.LayersModel | tf.GraphModel).dispose();
  }
  return { samples, total: options.inputs.length, ...counts, seconds: (Date.now() - started) / 1000, aborted };
}

/** What a 3-D model's run shares between scans: the model, the method and the standardisation. */
interface VolumeRun {
  adapter: ModelAdapter;
  method: XaiMethod;
  standardize: ReturnType<typeof resolveModelInput>['standardize'];
  /** How the model's input was decided, said in each scan's notes. */
  note: string;
}

async function volumeRunOf(adapter: ModelAdapter, model: ModelLike, metadata: ModelMetadata | undefined, options: MedicalExplainOptions): Promise<VolumeRun> {
  const input = resolveModelInput({ standardize: options.standardize }, metadata ? { metadata, file: 'tfxai.json', kind: 'sidecar' } : undefined);
  if (options.channels !== undefined && options.channels !== adapter.inputShape![3]) {
    throw new InvalidOptionError('channels', `the 3-D model takes ${adapter.inputShape![3]} channel(s) and --channels says ${options.channels}; a 3-D model gets the scan's own channels, leave --channels out`);
  }
  let method: XaiMethod;
  if (typeof options.method === 'string') {
    const registry = options.registry ?? defaultRegistry();
    for (const plugin of options.plugins ?? []) await loadPluginModule(resolvePluginSpecifier(plugin), registry);
    const methodOptions = { ...(options.methodOptions ?? {}), ...(options.layerName !== undefined ? { layerName: options.layerName } : {}) };
    method = registry.decoder(options.method)(model, methodOptions);
  } else {
    if (typeof options.method?.computeHeatmap !== 'function') throw new InvalidOptionError('method', 'expected a method name or an object with computeHeatmap(image, classIndex)');
    method = options.method;
  }
  return { adapter, method, standardize: input.standardize, note: input.preprocessingNote.replace(/--standardize/g, 'standardize') };
}

async function explainOne(
  input: string,
  kind: MedicalInputKind,
  model: ModelLike,
  metadata: ModelMetadata | undefined,
  options: MedicalExplainOptions,
  volumeRun: VolumeRun | undefined,
): Promise<MedicalSampleResult> {
  const stem = safeStem(medicalInputName(input));
  const classes = options.classes;
  const perClass = classes ?? [undefined];
  const dicomOut = options.dicomOut === true && kind !== 'nifti';
  const outputsOf = (c: number | undefined) =>
    ['nii.gz', 'png', ...(options.saveMaps ? ['npy'] : []), ...(dicomOut ? ['dicom'] : [])].map((ext) => insideFolder(options.outDir, outputFileName(stem, ext, c)));
  const expected = perClass.flatMap(outputsOf);
  const base = { sample: stem, source: input, kind, files: [] as string[], notes: [] as string[] };
  if (options.resume && (await allExist(expected))) return { ...base, status: 'skipped', files: expected };
  try {
    const volume = await readMedicalVolume(input, kind, options);
    const mode = chooseIntensity(volume, { window: options.window, percentiles: options.percentiles });
    const range = intensityRange(volume, mode);
    const display = applyIntensity(volume, mode);
    if (volumeRun) {
      const maps = await explainVolume({ source: input, display, dims: volume.dims, channels: volume.channels }, volumeRun.adapter, volumeRun.method, { classes, standardize: volumeRun.standardize });
      const grid = volumeModelGrid(volumeRun.adapter.inputShape!);
      const modelGrid: [number, number, number] = [grid.depth ?? volume.dims[2], grid.height ?? volume.dims[1], grid.width ?? volume.dims[0]];
      const written = await writeOutputs(volume, display, maps.map(({ classIndex, map }) => ({ c: classes ? classIndex : undefined, map, slicesAtMaximum: 1 })), outputsOf, dicomOut, options);
      return {
        ...doneResult(base, volume, written, describeIntensity(mode, range)),
        volume: { classes: maps.map((m) => m.classIndex), modelGrid },
        notes: [...notesOf(volume, kind, options), `3-D model: the volume explained whole on the model's ${modelGrid.join('x')} grid (D, H, W = k, j, i), ${volumeRun.note}`],
      };
    }
    const sliceAxis = options.sliceAxis ?? 'axial';
    // A one-slice input (an X-ray) is its own one slice, whatever the axis.
    const axis = volume.dims[2] === 1 ? 2 : voxelAxisOf(sliceAxis, volume.affine);
    const layout = sliceLayout(volume.dims, axis);
    const classMaps = new Map<number | undefined, Float32Array[]>(perClass.map((c) => [c, []]));
    const classSlices: Record<number, number> = {};
    const batch = options.batchSize ?? 16;
    for (let first = 0; first < layout.count; first += batch) {
      const count = Math.min(batch, layout.count - first);
      // One batch of slices at a time: a large CT is never copied whole into slice order.
      const tensor = tf.tensor4d(extractSlices(display, volume.dims, volume.channels, layout, first, count), [count, layout.height, layout.width, volume.channels]);
      try {
        const result = await xaiDecoder({
          inputs: tensor,
          model,
          method: options.method,
          registry: options.registry,
          plugins: options.plugins,
          methodOptions: options.methodOptions,
          layerName: options.layerName,
          classes,
          standardize: options.standardize,
          inputSize: options.inputSize,
          channels: options.channels,
          metadata: metadata ?? false,
          batchSize: batch,
          workers: 1,
        });
        for (const sample of result.samples) {
          if (sample.error) throw sample.error;
          for (const { classIndex, map } of sample.maps ?? []) {
            classSlices[classIndex] = (classSlices[classIndex] ?? 0) + 1;
            classMaps.get(classes ? classIndex : undefined)!.push(map);
          }
        }
      } finally {
        tensor.dispose();
      }
    }
    const slicesMaps = perClass.map((c) => ({ c, map: assembleSliceMaps(classMaps.get(c)!, volume.dims, layout), slicesAtMaximum: slicesAtMaximum(classMaps.get(c)!) }));
    const written = await writeOutputs(volume, display, slicesMaps, outputsOf, dicomOut, options);
    return {
      ...doneResult(base, volume, written, describeIntensity(mode, range)),
      sliceAxis: volume.dims[2] === 1 ? undefined : sliceAxis,
      classSlices,
      notes: notesOf(volume, kind, options),
    };
  } catch (error) {
    if (isPerInputError(error)) return { ...base, status: 'failed', error };
    throw error;
  }
}

/** What every explained input reports, whether a 3-D model took it whole or a 2-D model slice by slice. */
function doneResult<Base extends object, Written extends object>(base: Base, volume: MedicalVolume, written: Written, intensity: string) {
  return { ...base, status: 'done' as const, ...written, dims: volume.dims, affineSource: volume.affineSource, intensity };
}

function notesOf(volume: MedicalVolume, kind: MedicalInputKind, options: MedicalExplainOptions): string[] {
  return options.dicomOut && kind === 'nifti' ? [...volume.notes, '--dicom-out: a NIfTI input has no DICOM study to join; no series written'] : volume.notes;
}

/**
 * Writes each class's map (on the source grid, i fastest) as NIfTI with the
 * source's affine, the picture through its peak, and the optional .npy and
 * DICOM series; returns the files and the first class's peak.
 */
async function writeOutputs(
  volume: MedicalVolume,
  display: Float32Array,
  maps: readonly { c: number | undefined; map: Float32Array; slicesAtMaximum: number }[],
  outputsOf: (c: number | undefined) => string[],
  dicomOut: boolean,
  options: MedicalExplainOptions,
): Promise<{ files: string[]; peak: MedicalSampleResult['peak'] }> {
  const files: string[] = [];
  let peak: MedicalSampleResult['peak'];
  // The picture's background: the windowed scan, RGB as its mean.
  const gray = volume.channels === 1 ? display : Float32Array.from({ length: display.length / 3 }, (_, n) => (display[3 * n]! + display[3 * n + 1]! + display[3 * n + 2]!) / 3);
  for (const { c, map, slicesAtMaximum } of maps) {
    const voxel = peakVoxel(map, volume.dims);
    peak ??= { voxel, world: voxelToWorld(volume.affine, voxel), slicesAtMaximum };
    const [nifti, png, ...rest] = outputsOf(c);
    const npy = options.saveMaps ? rest[0] : undefined;
    const codes = { qformCode: volume.qformCode || volume.sformCode, sformCode: volume.sformCode || volume.qformCode };
    files.push(await writeOutputFile(nifti!, encodeNifti1(map, volume.dims, volume.affine, { ...codes, calMin: 0, calMax: 1, description: `tfxai ${methodName(options.method)} heatmap` })));
    files.push(await writeOutputFile(png!, await volumePicture(gray, map, volume.dims, volume.affine, { at: voxel, alpha: options.alpha, colormap: options.colormap })));
    if (npy) files.push(await writeOutputFile(npy, encodeNpy(map, [volume.dims[2], volume.dims[1], volume.dims[0]])));
    if (dicomOut) {
      const series = secondaryCaptureSeries(volume, { display: gray, map, alpha: options.alpha, colormap: options.colormap, description: `tfxai ${methodName(options.method)} heatmap${c === undefined ? '' : ` class ${c}`}` });
      files.push(await writeFolder(rest.at(-1)!, series));
    }
  }
  return { files, peak };
}
