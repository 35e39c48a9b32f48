// A test-only method plugin for the worker pool: it explains ordinary images
// (the min-max first channel) and misbehaves on an all-black one, the way its
// `mode` option says: 'exit' ends its thread with code 7, 'uncaught' throws
// outside any promise (the thread dies with that error), 'throw' throws from
// computeHeatmap (an error that stops a whole run, in a thread or not), 'oom'
// fills the JavaScript heap until the thread runs out of memory.
import * as tf from '@tensorflow/tfjs';
import { defineMethod, minMaxNormalize, toImageBatch, type XaiMethod } from '@tfxai/core';

export type CrashMode = 'exit' | 'uncaught' | 'throw' | 'oom';

class CrashOnBlack implements XaiMethod {
  readonly name = 'crash-on-black';
  constructor(private readonly mode: CrashMode) {}

  async computeHeatmap(image: tf.Tensor, _classIndex: number, eps = 1e-8): Promise<tf.Tensor2D> {
    const batch = toImageBatch(image);
    const max = tf.tidy(() => batch.max().dataSync()[0]!);
    if (max === 0) {
      batch.dispose();
      if (this.mode === 'exit') process.exit(7);
      if (this.mode === 'oom') {
        const hoard: number[][] = [];
        for (;;) hoard.push(new Array(1 << 16).fill(hoard.length));
      }
      if (this.mode === 'uncaught') {
        setImmediate(() => {
          throw new RangeError('crash-on-black: uncaught in the worker');
        });
        // Never settles: the thread dies first.
        return new Promise<tf.Tensor2D>(() => {});
      }
      throw new TypeError('crash-on-black: thrown from computeHeatmap');
    }
    const map = tf.tidy(() => minMaxNormalize(batch.slice([0, 0, 0, 0], [1, -1, -1, 1]).reshape(batch.shape.slice(1, 3)) as tf.Tensor2D, eps));
    batch.dispose();
    return map;
  }
}

export const crashOnBlackModule = defineMethod({
  name: 'crash-on-black',
  description: 'test only: misbehaves on an all-black image',
  create: (_model, options) => new CrashOnBlack(((options as { mode?: CrashMode } | undefined)?.mode) ?? 'exit'),
});
