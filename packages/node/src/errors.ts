import { TfxaiError } from '@tfxai/core';

/**
 * An image file could not be used: it is corrupt or truncated
 * (`reason: 'corrupt'`), a format or bit depth tfxai does not read
 * (`reason: 'unsupported'`), or the file itself cannot be read
 * (`reason: 'unreadable'`). The decoder reports it per file and goes on.
 */
export class ImageReadError extends TfxaiError {
  constructor(
    /** The file that failed. */
    readonly file: string,
    /** Why: the content is damaged, it is not a supported image, or the file cannot be read. */
    readonly reason: 'corrupt' | 'unsupported' | 'unreadable',
    detail: string,
  ) {
    super(
      { corrupt: 'IMAGE_CORRUPT', unsupported: 'IMAGE_UNSUPPORTED', unreadable: 'IMAGE_UNREADABLE' }[reason],
      `cannot read image '${file}': ${detail}` +
        (reason === 'unsupported' ? '; supported are PNG, JPEG, TIFF and WebP with 8 or 16 bits per channel' : ''),
    );
  }
}

/** An input file or folder given to the decoder does not exist or cannot be listed. */
export class InputNotFoundError extends TfxaiError {
  constructor(readonly input: string, detail: string) {
    super('INPUT_NOT_FOUND', `input '${input}' ${detail}; give image files, folders of images, or tensors`);
  }
}

/** The output folder cannot be created or written to. Raised before any image is processed. */
export class OutputNotWritableError extends TfxaiError {
  constructor(readonly folder: string, detail: string) {
    super('OUTPUT_NOT_WRITABLE', `cannot write to the output folder '${folder}': ${detail}; choose a folder you may create and write files in`);
  }
}

/** A model file is missing, unreadable, or not a TensorFlow.js layers or graph model. */
export class ModelLoadError extends TfxaiError {
  constructor(
    /** The model.json path. */
    readonly modelPath: string,
    /**
     * 'not-found': no such file; 'unreadable': I/O error or broken JSON/weights; 'invalid': not a TF.js model;
     * 'unsafe-path': a weight path leads out of the model's folder or to something not a regular file (nothing is read);
     * 'weight-size': the weight files are larger or smaller than the manifest's weights need (nothing is read).
     */
    readonly reason: 'not-found' | 'unreadable' | 'invalid' | 'unsafe-path' | 'weight-size',
    detail: string,
  ) {
    super(
      ({ 'not-found': 'MODEL_NOT_FOUND', unreadable: 'MODEL_UNREADABLE', invalid: 'MODEL_INVALID', 'unsafe-path': 'MODEL_UNSAFE_WEIGHT_PATH', 'weight-size': 'MODEL_WEIGHT_SIZE' } as const)[reason],
      `cannot load the model '${modelPath}': ${detail}; expected a TensorFlow.js model.json ` +
        `(layers-model or graph-model) with its weight files beside it`,
    );
  }
}

/**
 * A decoder worker thread stopped unexpectedly (it exited, ran out of memory,
 * or threw outside the pipeline). The image it was explaining is reported
 * failed with this error (every image it held, when it died between
 * images); the images it had only read ahead are done by the other workers.
 */
export class WorkerCrashError extends TfxaiError {
  constructor(
    /** Which worker (0-based, in start order). */
    readonly worker: number,
    /** Its exit code, when it exited. */
    readonly exitCode: number | undefined,
    detail: string,
  ) {
    super('WORKER_CRASHED', `decoder worker ${worker} stopped unexpectedly (${detail}); the image it was explaining is reported failed, the others go on`);
  }
}

/** A `plugins` module cannot be imported, or exports no method module. */
export class PluginLoadError extends TfxaiError {
  constructor(readonly specifier: string, detail: string) {
    super('PLUGIN_LOAD_FAILED', `cannot load plugin '${specifier}': ${detail}; a plugin is a module (path or package name) exporting the ContainerModule(s) that defineMethod returns`);
  }
}

/**
 * A method returned a map that cannot be right: a value that is NaN or
 * infinite (`reason: 'not-finite'`), or outside [0, 1], the range every
 * method's `computeHeatmap` promises (`reason: 'out-of-range'`). The decoder
 * checks every map before writing it; the image is reported failed and
 * nothing is written for it.
 */
export class InvalidMapError extends TfxaiError {
  constructor(
    readonly sample: string,
    readonly classIndex: number,
    readonly reason: 'not-finite' | 'out-of-range',
    detail: string,
  ) {
    super(
      reason === 'not-finite' ? 'MAP_NOT_FINITE' : 'MAP_OUT_OF_RANGE',
      `the map of '${sample}' for class ${classIndex} ${detail}; a heatmap must hold finite values in [0, 1] ` +
        `(the model's scores or the method's options may be the cause: check the model's output on this image)`,
    );
  }
}

/**
 * An image's size does not suit the model: larger than the pipeline sends to
 * a backend for a model without a fixed input size (`reason: 'too-large'`),
 * or so small that a layer's output would be empty (`reason: 'too-small'`).
 * Found before any tensor is made; the image is reported failed, the run goes on.
 */
export class ImageSizeError extends TfxaiError {
  constructor(
    readonly sample: string,
    readonly reason: 'too-large' | 'too-small',
    detail: string,
  ) {
    super(reason === 'too-large' ? 'IMAGE_TOO_LARGE' : 'IMAGE_TOO_SMALL', `image '${sample}': ${detail}`);
  }
}
