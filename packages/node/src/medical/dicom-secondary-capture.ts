import dcmjs from 'dcmjs';
import type { ColormapName } from '../colormaps.js';
import { overlayHeatmap } from '../overlay.js';
import { dicomNumbers } from './dicom-dataset.js';
import type { MedicalVolume } from './medical-volume.js';

/** Secondary Capture Image Storage. */
export const SECONDARY_CAPTURE_SOP_CLASS = '1.2.840.10008.5.1.4.1.1.7';

/** Options of {@link secondaryCaptureSeries}. */
export interface SecondaryCaptureOptions {
  /** The windowed scan (0..255, one channel per voxel), as the overlay's background. */
  display: Float32Array;
  /** The heatmap on the volume's grid, [0, 1]. */
  map: Float32Array;
  /** Default: 0.5. */
  alpha?: number;
  /** Default: 'jet'. */
  colormap?: ColormapName;
  /** SeriesDescription. Default: 'tfxai heatmap'. */
  description?: string;
  /** A new SeriesInstanceUID. Default: one made by dcmjs (2.25 UUID form). */
  seriesUid?: string;
}

/**
 * The overlay of a DICOM-sourced volume as an RGB Secondary Capture series in
 * the source's study: one file per source slice (the slices in the source's
 * own pixel layout, so rows and columns match), a new SeriesInstanceUID, the
 * source's patient and study, and each file referencing its source image
 * (ReferencedImageSequence and SourceImageSequence). The plane position and
 * orientation are copied from the source slice so viewers can place it.
 * @returns the Part 10 files in slice order, with names
 */
export function secondaryCaptureSeries(volume: MedicalVolume, options: SecondaryCaptureOptions): { name: string; bytes: Uint8Array }[] {
  const [nx, ny, nz] = volume.dims;
  const seriesUid = options.seriesUid ?? dcmjs.data.DicomMetaDictionary.uid();
  const files: { name: string; bytes: Uint8Array }[] = [];
  for (let k = 0; k < nz; k++) {
    const source = volume.dicom?.datasets[k] ?? {};
    const offset = k * nx * ny;
    const rgb = overlayHeatmap(
      { width: nx, height: ny, channels: 1, data: options.display.subarray(offset, offset + nx * ny), bitDepth: 8 },
      options.map.subarray(offset, offset + nx * ny),
      { alpha: options.alpha ?? 0.5, colormap: options.colormap ?? 'jet' },
    );
    const sopUid = dcmjs.data.DicomMetaDictionary.uid();
    const reference = { ReferencedSOPClassUID: String(source['SOPClassUID'] ?? ''), ReferencedSOPInstanceUID: volume.dicom?.sopInstanceUids[k] ?? '' };
    const copied = Object.fromEntries(
      ['PatientName', 'PatientID', 'PatientBirthDate', 'PatientSex', 'StudyInstanceUID', 'StudyDate', 'StudyTime', 'StudyID', 'AccessionNumber', 'ReferringPhysicianName', 'FrameOfReferenceUID', 'PixelSpacing']
        .filter((key) => source[key] !== undefined)
        .map((key) => [key, source[key]]),
    );
    const position = dicomNumbers(source, 'ImagePositionPatient');
    const orientation = dicomNumbers(source, 'ImageOrientationPatient');
    const dataset: Record<string, unknown> = {
      ...copied,
      SOPClassUID: SECONDARY_CAPTURE_SOP_CLASS,
      SOPInstanceUID: sopUid,
      SeriesInstanceUID: seriesUid,
      SeriesNumber: 9001,
      SeriesDescription: options.description ?? 'tfxai heatmap',
      Modality: 'OT',
      ConversionType: 'WSD',
      InstanceNumber: k + 1,
      ImageType: ['DERIVED', 'SECONDARY'],
      DerivationDescription: 'XAI heatmap overlay (tfxai)',
      ...(position ? { ImagePositionPatient: position } : {}),
      ...(orientation ? { ImageOrientationPatient: orientation } : {}),
      ReferencedImageSequence: [reference],
      SourceImageSequence: [reference],
      Rows: ny,
      Columns: nx,
      SamplesPerPixel: 3,
      PhotometricInterpretation: 'RGB',
      PlanarConfiguration: 0,
      BitsAllocated: 8,
      BitsStored: 8,
      HighBit: 7,
      PixelRepresentation: 0,
      PixelData: rgb.buffer.slice(rgb.byteOffset, rgb.byteOffset + rgb.byteLength),
      _vrMap: { PixelData: 'OB' },
    };
    const meta = {
      FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
      MediaStorageSOPClassUID: SECONDARY_CAPTURE_SOP_CLASS,
      MediaStorageSOPInstanceUID: sopUid,
      TransferSyntaxUID: '1.2.840.10008.1.2.1',
      ImplementationClassUID: '2.25.297393426118212227385960386064957435491',
      ImplementationVersionName: 'tfxai',
    };
    const dict = new dcmjs.data.DicomDict(dcmjs.data.DicomMetaDictionary.denaturalizeDataset(meta));
    dict.dict = dcmjs.data.DicomMetaDictionary.denaturalizeDataset(dataset);
    files.push({ name: `SC${String(k + 1).padStart(4, '0')}.dcm`, bytes: new Uint8Array(dict.write()) });
  }
  return files;
}
