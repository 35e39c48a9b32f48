import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { lpsToRas, type Affine } from './affine.js';
import { dicomNumber, dicomNumbers, dicomString, looksLikeDicom, parseDicom, type DicomFile } from './dicom-dataset.js';
import { decodeDicomFrame } from './dicom-pixels.js';
import { MedicalReadError } from './medical-errors.js';
import type { IntensityWindow, MedicalVolume } from './medical-volume.js';

/** Options of {@link readDicomSeries}. */
export interface DicomSeriesOptions {
  /** Which series of a folder holding several (its SeriesInstanceUID). Default: none (several series is an error naming them). */
  seriesUid?: string;
}

/** Relative tolerance on slice spacing: positions are stored as decimal strings of limited precision. */
const SPACING_TOLERANCE = 1e-3;

const cross = (a: readonly number[], b: readonly number[]) => [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
const dot = (a: readonly number[], b: readonly number[]) => a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;

function fileWindow(dataset: Record<string, unknown>): IntensityWindow | undefined {
  const center = dicomNumber(dataset, 'WindowCenter');
  const width = dicomNumber(dataset, 'WindowWidth');
  return center !== undefined && width !== undefined && width > 0 ? { center, width } : undefined;
}

function identifiers(files: readonly DicomFile[]): MedicalVolume['dicom'] {
  const first = files[0]!.dataset;
  return {
    studyInstanceUid: dicomString(first, 'StudyInstanceUID'),
    seriesInstanceUid: dicomString(first, 'SeriesInstanceUID'),
    sopInstanceUids: files.map((f) => dicomString(f.dataset, 'SOPInstanceUID') ?? ''),
    patientId: dicomString(first, 'PatientID'),
    patientName: dicomString(first, 'PatientName'),
    datasets: files.map(({ dataset: { PixelData: _pixels, ...rest } }) => rest),
  };
}

/**
 * The LPS affine of a slice stack: columns step along the row direction
 * (ImageOrientationPatient[0..2]) by PixelSpacing[1], rows along the column
 * direction ([3..5]) by PixelSpacing[0], slices along `sliceStep`; then
 * converted to NIfTI's RAS (x and y negated).
 */
function dicomAffine(origin: readonly number[], orientation: readonly number[], pixelSpacing: readonly number[], sliceStep: readonly number[]): Affine {
  const row = orientation.slice(0, 3);
  const column = orientation.slice(3, 6);
  const lps: Affine = [0, 1, 2].map((r) => [row[r]! * pixelSpacing[1]!, column[r]! * pixelSpacing[0]!, sliceStep[r]!, origin[r]!]);
  lps.push([0, 0, 0, 1]);
  return lpsToRas(lps);
}

/** A volume of one slice from a single DICOM file (an X-ray, or one CT/MR slice). */
export function dicomFileVolume(dicom: DicomFile): MedicalVolume {
  const frame = decodeDicomFrame(dicom);
  const { dataset } = dicom;
  const orientation = dicomNumbers(dataset, 'ImageOrientationPatient');
  const position = dicomNumbers(dataset, 'ImagePositionPatient');
  const pixelSpacing = dicomNumbers(dataset, 'PixelSpacing') ?? dicomNumbers(dataset, 'ImagerPixelSpacing') ?? [1, 1];
  const thickness = dicomNumber(dataset, 'SpacingBetweenSlices') ?? dicomNumber(dataset, 'SliceThickness') ?? 1;
  const notes: string[] = [];
  const hasGeometry = orientation?.length === 6 && position?.length === 3;
  // Projection X-rays (CR/DX) have no patient position: the picture's own axes, pixel spacing kept.
  if (!hasGeometry) notes.push('no ImagePositionPatient/ImageOrientationPatient: the heatmap uses the image axes and pixel spacing only');
  const o = hasGeometry ? orientation! : [1, 0, 0, 0, 1, 0];
  const normal = cross(o.slice(0, 3), o.slice(3, 6));
  const affine = dicomAffine(hasGeometry ? position! : [0, 0, 0], o, pixelSpacing, normal.map((n) => n * thickness));
  return {
    source: dicom.file,
    format: 'dicom-file',
    dims: [frame.columns, frame.rows, 1],
    channels: frame.channels,
    data: frame.values,
    affine,
    affineSource: 'dicom',
    qformCode: 1,
    sformCode: 1,
    volumeIndex: 0,
    volumeCount: 1,
    window: fileWindow(dataset),
    modality: dicomString(dataset, 'Modality'),
    monochrome1: frame.photometric === 'MONOCHROME1',
    notes,
    dicom: identifiers([dicom]),
  };
}

/** Every DICOM Part 10 file below `folder` (other files are passed over). */
async function readFolder(folder: string): Promise<DicomFile[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files: DicomFile[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const bytes = await readFile(file);
    if (looksLikeDicom(bytes)) files.push(parseDicom(file, bytes));
  }
  return files;
}

/**
 * Reads a folder of single-frame DICOM files as one volume: grouped by
 * SeriesInstanceUID, ordered along the slice normal (the cross product of
 * ImageOrientationPatient's row and column directions) by the projection of
 * ImagePositionPatient on it, with the slice spacing taken from those
 * positions (not from SliceThickness).
 * @throws MedicalReadError 'no-dicom', 'two-series' (names each series), 'missing-slice', 'inconsistent-spacing', 'inconsistent-geometry'
 */
export async function readDicomSeries(folder: string, options: DicomSeriesOptions = {}): Promise<MedicalVolume> {
  const all = await readFolder(folder);
  if (all.length === 0) throw new MedicalReadError(folder, 'no-dicom', 'the folder holds no DICOM Part 10 file');
  const bySeries = new Map<string, DicomFile[]>();
  for (const file of all) {
    const uid = dicomString(file.dataset, 'SeriesInstanceUID') ?? '(no SeriesInstanceUID)';
    bySeries.set(uid, [...(bySeries.get(uid) ?? []), file]);
  }
  let files: DicomFile[];
  if (options.seriesUid !== undefined) {
    files = bySeries.get(options.seriesUid) ?? [];
    if (files.length === 0) throw new MedicalReadError(folder, 'two-series', `no series ${options.seriesUid} in the folder; it holds ${describeSeries(bySeries)}`);
  } else if (bySeries.size > 1) {
    throw new MedicalReadError(folder, 'two-series', `the folder holds ${bySeries.size} series: ${describeSeries(bySeries)}; choose one with --series-uid`);
  } else files = [...bySeries.values()][0]!;

  const first = files[0]!.dataset;
  const orientation = dicomNumbers(first, 'ImageOrientationPatient');
  const pixelSpacing = dicomNumbers(first, 'PixelSpacing');
  if (files.length === 1) return { ...dicomFileVolume(files[0]!), source: folder, format: 'dicom-series' };
  if (orientation?.length !== 6 || !pixelSpacing) {
    throw new MedicalReadError(folder, 'inconsistent-geometry', 'a series of several files needs ImageOrientationPatient and PixelSpacing to place its slices');
  }
  const normal = cross(orientation.slice(0, 3), orientation.slice(3, 6));
  const placed = files.map((file) => {
    const position = dicomNumbers(file.dataset, 'ImagePositionPatient');
    const o = dicomNumbers(file.dataset, 'ImageOrientationPatient');
    if (position?.length !== 3) throw new MedicalReadError(folder, 'inconsistent-geometry', `'${path.basename(file.file)}' has no ImagePositionPatient`);
    if (o?.length !== 6 || o.some((v, i) => Math.abs(v - orientation[i]!) > 1e-4)) {
      throw new MedicalReadError(folder, 'inconsistent-geometry', `'${path.basename(file.file)}' has another ImageOrientationPatient than '${path.basename(files[0]!.file)}'`);
    }
    return { file, position, along: dot(position, normal) };
  });
  placed.sort((a, b) => a.along - b.along);
  const gaps = placed.slice(1).map((p, n) => p.along - placed[n]!.along);
  const step = Math.min(...gaps);
  if (!(step > 1e-6)) {
    const n = gaps.findIndex((g) => !(g > 1e-6));
    throw new MedicalReadError(folder, 'inconsistent-geometry', `'${path.basename(placed[n]!.file.file)}' and '${path.basename(placed[n + 1]!.file.file)}' lie at the same position`);
  }
  for (let n = 0; n < gaps.length; n++) {
    const gap = gaps[n]!;
    if (Math.abs(gap - step) <= SPACING_TOLERANCE * step + 1e-3) continue;
    const multiple = gap / step;
    const between = `between '${path.basename(placed[n]!.file.file)}' and '${path.basename(placed[n + 1]!.file.file)}'`;
    if (Math.abs(multiple - Math.round(multiple)) < 0.01) {
      throw new MedicalReadError(folder, 'missing-slice', `${Math.round(multiple) - 1} slice(s) missing ${between}: gap ${gap.toFixed(4)} mm, spacing ${step.toFixed(4)} mm elsewhere`);
    }
    throw new MedicalReadError(folder, 'inconsistent-spacing', `slice spacing is not constant: ${gap.toFixed(4)} mm ${between}, ${step.toFixed(4)} mm elsewhere`);
  }
  const frames = placed.map((p) => decodeDicomFrame(p.file));
  const { rows, columns, channels } = frames[0]!;
  const frameSize = rows * columns * channels;
  const data = new Float32Array(frameSize * frames.length);
  frames.forEach((frame, k) => {
    if (frame.rows !== rows || frame.columns !== columns || frame.channels !== channels) {
      throw new MedicalReadError(folder, 'inconsistent-geometry', `'${path.basename(placed[k]!.file.file)}' is ${frame.columns}x${frame.rows}x${frame.channels}, the series ${columns}x${rows}x${channels}`);
    }
    data.set(frame.values, k * frameSize);
  });
  const sliceStep = placed[1]!.position.map((v, i) => (v - placed[0]!.position[i]!) / (placed[1]!.along - placed[0]!.along) * step);
  const sorted = placed.map((p) => p.file);
  return {
    source: folder,
    format: 'dicom-series',
    dims: [columns, rows, frames.length],
    channels,
    data,
    affine: dicomAffine(placed[0]!.position, orientation, pixelSpacing, sliceStep),
    affineSource: 'dicom',
    qformCode: 1,
    sformCode: 1,
    volumeIndex: 0,
    volumeCount: 1,
    window: fileWindow(first),
    modality: dicomString(first, 'Modality'),
    monochrome1: frames[0]!.photometric === 'MONOCHROME1',
    notes: [],
    dicom: identifiers(sorted),
  };
}

function describeSeries(bySeries: Map<string, DicomFile[]>): string {
  return [...bySeries.entries()]
    .map(([uid, files]) => `${uid} (${dicomString(files[0]!.dataset, 'SeriesDescription') ?? 'no description'}, ${files.length} files)`)
    .join('; ');
}

/** Whether `input` is a folder (a DICOM series) rather than a file. */
export async function isFolder(input: string): Promise<boolean> {
  return (await stat(input)).isDirectory();
}
