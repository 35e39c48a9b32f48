// Messages between the demo page and its Web Worker (web/src/worker.ts), which does all TensorFlow.js work.

/** One option a method declares (core's `MethodRegistration.options`, when the method declares them). */
export interface DeclaredOption {
  name: string;
  type: string;
  doc: string;
  default?: unknown;
  min?: number;
  max?: number;
  choices?: readonly unknown[];
}

/** A registered method as the page shows it; `options` is null when the method declares none. */
export interface MethodSummary {
  name: string;
  aliases: string[];
  description: string;
  options: DeclaredOption[] | null;
}

/** Where the model comes from: a URL (the bundled example) or the user's own files (model.json + weights). */
export type ModelSource = { url: string } | { files: File[] };

export type ToWorker =
  | { kind: 'init'; backend?: string }
  | { kind: 'load-model'; source: ModelSource }
  | { kind: 'explain'; jobId: number; method: string; options: Record<string, unknown>; image: ImageInput; classIndex?: number };

/** An image as RGB floats in [0, 1], row-major (H, W, 3). */
export interface ImageInput {
  width: number;
  height: number;
  rgb: Float32Array;
}

export type FromWorker =
  | { kind: 'ready'; backend: string; methods: MethodSummary[] }
  | { kind: 'model'; height: number; width: number; channels: number; classes: number; classNames: string[] }
  | { kind: 'started'; jobId: number }
  | {
      kind: 'result';
      jobId: number;
      /** The heatmap in [0, 1] at the model's input size. */
      map: Float32Array;
      height: number;
      width: number;
      /** The model's input as it saw it (the image resized to its input size), RGB in [0, 1]. */
      input: Float32Array;
      probabilities: number[];
      classIndex: number;
      ms: number;
    }
  | { kind: 'error'; jobId?: number; name: string; message: string };
