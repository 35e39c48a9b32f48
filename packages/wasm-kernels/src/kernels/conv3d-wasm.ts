import * as tf from '@tensorflow/tfjs';
import { runComposite } from '../composite-kernel.js';
import { conv3dAsConv2ds } from '../conv3d-gradients.js';

interface Conv3DAttrs {
  strides: [number, number, number];
  pad: 'valid' | 'same';
  dataFormat: 'NDHWC' | 'NCDHW';
  dilations: [number, number, number];
}

/**
 * Conv3D for the wasm backend as one XNNPACK conv2d per depth tap
 * ({@link conv3dAsConv2ds}), in place of stock wasm's plain-loop Conv3D.
 * NCDHW (which tfjs-layers never emits on these backends) goes to `stock`.
 */
export function conv3dWasmKernel(stock: tf.KernelFunc): Pick<tf.KernelConfig, 'kernelName' | 'backendName' | 'kernelFunc'> {
  return {
    kernelName: 'Conv3D',
    backendName: 'wasm',
    kernelFunc(args) {
      const { strides, pad, dataFormat, dilations } = args.attrs as unknown as Conv3DAttrs;
      if (dataFormat === 'NCDHW') return stock(args);
      const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
      const g = tf.backend_util.computeConv3DInfo(x.shape as [number, number, number, number, number], filter.shape as [number, number, number, number, number], strides, dilations, pad);
      return runComposite(args.backend, [x, filter], (xt, ft) => conv3dAsConv2ds(xt as tf.Tensor5D, ft as tf.Tensor5D, g));
    },
  };
}
