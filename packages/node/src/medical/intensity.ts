import { InvalidOptionError } from '@tfxai/core';
import type { IntensityWindow, MedicalVolume } from './medical-volume.js';

/**
 * Named CT windows (Hounsfield units), the typical values of Radiopaedia's
 * "Windowing (CT)" article (Bell, Murphy et al.): brain W:80 L:40, lungs
 * W:1500 L:-600, soft tissues W:350-400 L:20-60 (400/40 taken), bone W:1800 L:400.
 */
export const CT_WINDOW_PRESETS: Readonly<Record<string, IntensityWindow>> = {
  lung: { center: -600, width: 1500 },
  'soft-tissue': { center: 40, width: 400 },
  brain: { center: 40, width: 80 },
  bone: { center: 400, width: 1800 },
};

/** MR's default percentile clip: the lowest and highest 0.5 % of voxels are clipped. */
export const DEFAULT_PERCENTILES: readonly [number, number] = [0.5, 99.5];

/** How scan values become the 0..255 picture the model (after its own standardisation) and the overlay see. */
export type IntensityMode =
  | { kind: 'window'; window: IntensityWindow; label: string }
  | { kind: 'percentile'; low: number; high: number }
  /** RGB DICOM: already 0..255. */
  | { kind: 'as-is' };

/**
 * The intensity mode of a volume: an explicit `--window` or preset first,
 * then explicit percentiles, then the DICOM file's own window, else the
 * 0.5/99.5 percentile clip; RGB input is taken as it is.
 */
export function chooseIntensity(volume: MedicalVolume, choice: { window?: IntensityWindow | string; percentiles?: readonly [number, number] } = {}): IntensityMode {
  if (volume.channels === 3) return { kind: 'as-is' };
  if (typeof choice.window === 'string') return { kind: 'window', window: windowPreset(choice.window), label: `preset ${choice.window}` };
  if (choice.window) return { kind: 'window', window: choice.window, label: 'given' };
  if (choice.percentiles) return { kind: 'percentile', low: choice.percentiles[0], high: choice.percentiles[1] };
  if (volume.window) return { kind: 'window', window: volume.window, label: "the file's WindowCenter/WindowWidth" };
  return { kind: 'percentile', low: DEFAULT_PERCENTILES[0], high: DEFAULT_PERCENTILES[1] };
}

/** A named CT preset. @throws InvalidOptionError naming the presets */
export function windowPreset(name: string): IntensityWindow {
  const preset = CT_WINDOW_PRESETS[name];
  if (!preset) throw new InvalidOptionError('window', `'${name}' is not a preset; allowed ${Object.keys(CT_WINDOW_PRESETS).join(', ')} or 'center,width'`);
  return preset;
}

/** Parses `center,width` (width > 0) or a preset name. @throws InvalidOptionError */
export function parseWindow(text: string): IntensityWindow | string {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!match) {
    windowPreset(text.trim());
    return text.trim();
  }
  const width = Number(match[2]);
  if (!(width > 0)) throw new InvalidOptionError('window', `width ${width} must be > 0`);
  return { center: Number(match[1]), width };
}

/** Parses `low,high` percentiles with 0 <= low < high <= 100. @throws InvalidOptionError */
export function parsePercentiles(text: string): [number, number] {
  const parts = text.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 2 || !parts.every(Number.isFinite) || !(parts[0]! >= 0 && parts[0]! < parts[1]! && parts[1]! <= 100)) {
    throw new InvalidOptionError('clip-percentiles', `'${text}' is not 'low,high' with 0 <= low < high <= 100, e.g. 0.5,99.5`);
  }
  return parts as [number, number];
}

/** The value at percentile `p` (0..100) of `values`, linear between order statistics (NumPy's default). */
export function percentile(sorted: Float32Array, p: number): number {
  const position = (p / 100) * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/** The [low, high] value range a mode maps to 0..255. */
export function intensityRange(volume: MedicalVolume, mode: IntensityMode): [number, number] {
  if (mode.kind === 'as-is') return [0, 255];
  if (mode.kind === 'window') return [mode.window.center - mode.window.width / 2, mode.window.center + mode.window.width / 2];
  const sorted = Float32Array.from(volume.data).sort();
  return [percentile(sorted, mode.low), percentile(sorted, mode.high)];
}

/**
 * The volume's values mapped linearly from [low, high] to 0..255 and
 * clamped (MONOCHROME1 inverted, so that dense is bright as in MONOCHROME2):
 * the "image" each slice is for the model, before the model's standardisation.
 */
export function applyIntensity(volume: MedicalVolume, mode: IntensityMode): Float32Array {
  const [low, high] = intensityRange(volume, mode);
  const scale = high > low ? 255 / (high - low) : 0;
  const out = new Float32Array(volume.data.length);
  for (let n = 0; n < out.length; n++) {
    let v = mode.kind === 'as-is' ? volume.data[n]! : (volume.data[n]! - low) * scale;
    v = v < 0 ? 0 : v > 255 ? 255 : v;
    out[n] = volume.monochrome1 ? 255 - v : v;
  }
  return out;
}

/** How the intensity was set, in words for the summary. */
export function describeIntensity(mode: IntensityMode, range: readonly [number, number]): string {
  if (mode.kind === 'as-is') return 'RGB values as stored';
  if (mode.kind === 'window') return `window center ${mode.window.center}, width ${mode.window.width} (${mode.label})`;
  return `percentile clip ${mode.low}/${mode.high} (${range[0].toPrecision(4)} to ${range[1].toPrecision(4)})`;
}
