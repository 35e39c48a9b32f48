import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import dcmjs from 'dcmjs';

/** What a test series looks like. */
export interface TestSeries {
  columns: number;
  rows: number;
  slices: number;
  /** Stored value of voxel (column i, row j, slice k). */
  stored: (i: number, j: number, k: number) => number;
  rowDirection: [number, number, number];
  columnDirection: [number, number, number];
  /** ImagePositionPatient of slice 0 (LPS, mm). */
  origin: [number, number, number];
  /** PixelSpacing: [between rows, between columns]. */
  pixelSpacing: [number, number];
  sliceSpacing: number;
  rescaleIntercept?: number;
  seriesUid?: string;
  transferSyntax?: string;
  photometric?: 'MONOCHROME1' | 'MONOCHROME2';
  window?: [number, number];
  /** A projection X-ray: no ImagePositionPatient/ImageOrientationPatient, Modality DX. */
  projection?: boolean;
}

export const cross = (a: readonly number[], b: readonly number[]) => [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];

/** The LPS position of a voxel, written out from the DICOM definitions. */
export function lpsOf(series: TestSeries, i: number, j: number, k: number): number[] {
  const normal = cross(series.rowDirection, series.columnDirection);
  return [0, 1, 2].map((a) => series.origin[a]! + i * series.pixelSpacing[1] * series.rowDirection[a]! + j * series.pixelSpacing[0] * series.columnDirection[a]! + k * series.sliceSpacing * normal[a]!);
}

/** A DICOM Part 10 file (dcmjs) of one slice; `position` overrides slice k's ImagePositionPatient. */
export function dicomSlice(series: TestSeries, k: number, position = lpsOf(series, 0, 0, k)): ArrayBuffer {
  const pixels = new Int16Array(series.columns * series.rows);
  for (let j = 0; j < series.rows; j++) for (let i = 0; i < series.columns; i++) pixels[i + series.columns * j] = series.stored(i, j, k);
  const sopUid = `1.2.826.0.1.3680043.8.498.${k + 1}.${series.seriesUid ?? '7'}`;
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    MediaStorageSOPInstanceUID: sopUid,
    TransferSyntaxUID: series.transferSyntax ?? '1.2.840.10008.1.2.1',
    ImplementationClassUID: '1.2.826.0.1.3680043.8.498.1',
  };
  const dataset: Record<string, unknown> = {
    SOPClassUID: '1.2.840.10008.5.1.4.1.1.2',
    SOPInstanceUID: sopUid,
    StudyInstanceUID: '1.2.826.0.1.3680043.8.498.100',
    SeriesInstanceUID: `1.2.826.0.1.3680043.8.498.200.${series.seriesUid ?? '7'}`,
    SeriesDescription: `series ${series.seriesUid ?? '7'}`,
    Modality: 'CT',
    InstanceNumber: k + 1,
    Rows: series.rows,
    Columns: series.columns,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    SamplesPerPixel: 1,
    PhotometricInterpretation: series.photometric ?? 'MONOCHROME2',
    ImagePositionPatient: position,
    ImageOrientationPatient: [...series.rowDirection, ...series.columnDirection],
    PixelSpacing: series.pixelSpacing,
    SliceThickness: series.sliceSpacing,
    RescaleSlope: 1,
    RescaleIntercept: series.rescaleIntercept ?? -1024,
    ...(series.window ? { WindowCenter: series.window[0], WindowWidth: series.window[1] } : {}),
    PixelData: pixels.buffer,
    _vrMap: { PixelData: 'OW' },
  };
  if (series.projection) {
    delete dataset['ImagePositionPatient'];
    delete dataset['ImageOrientationPatient'];
    dataset['Modality'] = 'DX';
  }
  const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
  dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
  return dict.write();
}

/** Writes the series' slices into `folder` under shuffled names (slice k is not file k), returning the names by slice. */
export async function writeDicomSeries(folder: string, series: TestSeries, skip: readonly number[] = []): Promise<string[]> {
  // A fixed permutation: names sort in another order than the slices.
  const order = Array.from({ length: series.slices }, (_, k) => (k * 5 + 3) % series.slices);
  const names: string[] = [];
  for (let k = 0; k < series.slices; k++) {
    const name = `IM${String(order[k]).padStart(4, '0')}${series.seriesUid ? `-${series.seriesUid}` : ''}.dcm`;
    names.push(name);
    if (!skip.includes(k)) await writeFile(path.join(folder, name), new Uint8Array(dicomSlice(series, k)));
  }
  return names;
}

/** A small oblique series: rows along (cos 30°, sin 30°, 0), columns along -z (LPS), 6 x 5 pixels, 7 slices 2.5 mm apart. */
export function obliqueSeries(overrides: Partial<TestSeries> = {}): TestSeries {
  const a = Math.PI / 6;
  return {
    columns: 6,
    rows: 5,
    slices: 7,
    stored: (i, j, k) => (i + 10 * j + 100 * k) * 3 - 500,
    rowDirection: [Math.cos(a), Math.sin(a), 0],
    columnDirection: [0, 0, -1],
    origin: [-12.5, 30.25, 80],
    pixelSpacing: [0.7, 0.6],
    sliceSpacing: 2.5,
    ...overrides,
  };
}
