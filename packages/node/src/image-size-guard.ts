import * as tf from '@tensorflow/tfjs';
import type { ModelAdapter } from '@tfxai/core';
import { ImageSizeError } from './errors.js';

/**
 * The most pixels (width x height) an image may have on its way to the
 * backend: 4096 x 4096. A larger image is decoded shrunk to fit (by sharp,
 * before any tensor exists) when the model resizes every image to a fixed
 * input anyway; for a model without a fixed size it is refused, since
 * shrinking would change what the model is asked about. (A 12000 x 12000
 * image, 1.7 GB as float32, made the wasm backend return garbage and broke
 * every later image of the run.)
 */
export const MAX_IMAGE_PIXELS = 4096 * 4096;

/** tfjs-layers' graph bookkeeping, read at run time (protected in its typings). */
interface LayersGraph {
  inputLayers: { id: number; name: string }[];
  nodesByDepth: Record<string, LayerNode[]>;
  /** A Sequential keeps its graph in an inner functional model. */
  model?: LayersGraph;
}

/** The layer graph of a model (a Sequential's inner one), or undefined for a plain layer. */
function graphOf(model: Partial<LayersGraph>): LayersGraph | undefined {
  // A Sequential makes its graph on first use (as predict would).
  if (model instanceof tf.Sequential && !(model as unknown as LayersGraph).model && model.layers.length > 0) model.build();
  if (model.inputLayers?.length && model.nodesByDepth) return model as LayersGraph;
  return model.model ? graphOf(model.model) : undefined;
}
interface LayerNode {
  outboundLayer: tf.layers.Layer & Partial<LayersGraph>;
  inboundLayers: { name: string }[];
  nodeIndices: number[];
  tensorIndices: number[];
}
type Shape = (number | null)[];

/**
 * The first layer (by name) of a layers model whose output would have a zero
 * or negative size for an input of `shape`, found by shape inference alone
 * (each layer's `computeOutputShape`, in the order tfjs runs them; nested
 * models are entered): no tensor is made. Undefined when every layer fits.
 * The walk is tfjs-layers' own `Container.computeOutputShape`, which checks
 * only the final shape (a global pooling hides an empty map before it).
 */
export function firstEmptyLayer(model: tf.LayersModel, shape: Shape): { layer: string; shape: Shape } | undefined {
  const graph = graphOf(model as unknown as Partial<LayersGraph>);
  if (!graph) return undefined;
  const shapes = new Map<string, Shape>();
  graph.inputLayers.forEach((layer) => shapes.set(`${layer.name}_0_0`, shape));
  const inputIds = new Set(graph.inputLayers.map((layer) => layer.id));
  const depths = Object.keys(graph.nodesByDepth).map(Number).sort((a, b) => b - a);
  for (const depth of depths) {
    for (const node of graph.nodesByDepth[depth]!) {
      const layer = node.outboundLayer;
      if (inputIds.has(layer.id)) continue;
      const inputs = node.inboundLayers.map((inbound, j) => shapes.get(`${inbound.name}_${node.nodeIndices[j]}_${node.tensorIndices[j]}`)!);
      if (graphOf(layer) && inputs.length === 1) {
        const inner = firstEmptyLayer(layer as unknown as tf.LayersModel, inputs[0]!);
        if (inner) return { layer: `${layer.name}/${inner.layer}`, shape: inner.shape };
      }
      let output: Shape | Shape[];
      try {
        output = layer.computeOutputShape(inputs.length === 1 ? inputs[0]! : inputs) as Shape | Shape[];
      } catch {
        // A layer that cannot even compute its shape for this input (e.g. a Reshape): reported as not fitting.
        return { layer: layer.name, shape: [] };
      }
      const outputs = Array.isArray(output[0]) || output.length === 0 ? (output as Shape[]) : [output as Shape];
      const nodeIndex = layer.inboundNodes.indexOf(node as never);
      for (const [j, out] of outputs.entries()) {
        if (out.some((d) => typeof d === 'number' && d < 1)) return { layer: layer.name, shape: out };
        shapes.set(`${layer.name}_${nodeIndex}_${j}`, out);
      }
    }
  }
  return undefined;
}

/**
 * Checks one decoded image against a model without a fixed input size,
 * before any tensor is made: at most {@link MAX_IMAGE_PIXELS}, and (for a
 * layers model) large enough that no layer's output is empty.
 * @throws ImageSizeError
 */
export function checkFreeSizeImage(adapter: ModelAdapter, sample: string, height: number, width: number, channels: number): void {
  if (height * width > MAX_IMAGE_PIXELS) throw new ImageSizeError(sample, 'too-large', `${width}x${height} has ${height * width} pixels; at most ${MAX_IMAGE_PIXELS} (4096x4096) are explained for a model without a fixed input size`);
  if (adapter.kind !== 'layers') return;
  const empty = firstEmptyLayer(adapter.model as tf.LayersModel, [1, height, width, channels]);
  if (empty) {
    throw new ImageSizeError(
      sample,
      'too-small',
      `${width}x${height} is too small for the model: layer '${empty.layer}' would have an empty output${empty.shape.length ? ` [${empty.shape.join(', ')}]` : ''}; give larger images, or a fixed --input-size`,
    );
  }
}
