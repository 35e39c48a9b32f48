import type { Affine } from './affine.js';

/** Where a volume came from. */
export type MedicalFormat = 'nifti-1' | 'nifti-2' | 'dicom-file' | 'dicom-series';

/** An intensity window: values center ± width/2 map to 0..255. */
export interface IntensityWindow {
  center: number;
  width: number;
}

/**
 * A scan as read from disk: physical values on its voxel grid, and the
 * geometry that places the grid in the patient (NIfTI conventions).
 */
export interface MedicalVolume {
  /** The file or folder read. */
  source: string;
  format: MedicalFormat;
  /** Voxels along i, j, k (NIfTI dim[1..3]; DICOM: columns, rows, slices). */
  dims: [number, number, number];
  /** 1 (grayscale) or 3 (RGB DICOM). */
  channels: 1 | 3;
  /**
   * Values after the file's scaling (NIfTI scl_slope/scl_inter, DICOM
   * RescaleSlope/Intercept: Hounsfield units for CT), index
   * `(i + nx * (j + ny * k)) * channels + c`.
   */
  data: Float32Array;
  /** Voxel (i, j, k) to world (mm, RAS+): the transform a viewer shows the scan with. */
  affine: Affine;
  /** Which transform `affine` is: NIfTI's sform (sform_code > 0), else its qform, else pixdim alone; or DICOM's geometry. */
  affineSource: 'sform' | 'qform' | 'pixdim' | 'dicom';
  /** NIfTI qform_code / sform_code of the source (DICOM: 1, scanner anatomical). */
  qformCode: number;
  sformCode: number;
  /** For 4-D NIfTI files: which volume was taken (0-based) out of `volumeCount`. */
  volumeIndex: number;
  volumeCount: number;
  /** The DICOM file's own window (WindowCenter/WindowWidth), when it has one. */
  window?: IntensityWindow;
  /** DICOM MONOCHROME1: low values are shown bright; the intensity step inverts it. */
  monochrome1?: boolean;
  /** DICOM Modality ('CT', 'MR', 'CR', 'DX', ...), when known. */
  modality?: string;
  /** Facts the run summary should say about this input (e.g. the volume taken of a 4-D file). */
  notes: string[];
  /** DICOM identifiers of the source, for outputs placed in its study. */
  dicom?: {
    studyInstanceUid?: string;
    seriesInstanceUid?: string;
    sopInstanceUids: string[];
    patientId?: string;
    patientName?: string;
    /** Each slice's dataset (keyword -> value, PixelData left out), in slice order. */
    datasets: Record<string, unknown>[];
  };
}

/** Index of voxel (i, j, k) in a one-channel volume's data. */
export function voxelIndex(dims: readonly [number, number, number], i: number, j: number, k: number): number {
  return i + dims[0] * (j + dims[1] * k);
}
