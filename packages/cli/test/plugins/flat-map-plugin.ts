// A test-only method plugin whose every map is flat (all zeros), as occlusion's
// are when no patch changes the class score: the CLI must warn about them.
import * as tf from '@tensorflow/tfjs';
import { defineMethod, toImageBatch, type XaiMethod } from '@tfxai/core';

class FlatMap implements XaiMethod {
  readonly name = 'flat-map';
  async computeHeatmap(image: tf.Tensor): Promise<tf.Tensor2D> {
    const batch = toImageBatch(image);
    const [height, width] = [batch.shape[1], batch.shape[2]];
    batch.dispose();
    return tf.zeros([height, width]) as tf.Tensor2D;
  }
}

export const flatMapModule = defineMethod({
  name: 'flat-map',
  description: 'test only: a map that is zero everywhere',
  create: () => new FlatMap(),
});
