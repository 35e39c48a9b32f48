import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';

/**
 * Runs `action`, lets `cleanup` dispose what the caller owns of its result,
 * and asserts that `tf.memory().numTensors` is back where it started.
 * @returns the action's result (already cleaned up: use it for numbers read inside `cleanup`)
 */
export async function expectNoLeak<T>(action: () => Promise<T>, cleanup: (result: T) => void = () => {}): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await action();
  cleanup(result);
  expect(tf.memory().numTensors, 'tensors left behind').to.equal(before);
  return result;
}

/** Like {@link expectNoLeak} for a call that throws: no tensor may be left behind by the failure either. */
export async function expectNoLeakOnThrow(action: () => Promise<unknown>): Promise<unknown> {
  const before = tf.memory().numTensors;
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected the call to throw').to.exist;
  expect(tf.memory().numTensors, 'tensors left behind by the failed call').to.equal(before);
  return caught;
}
