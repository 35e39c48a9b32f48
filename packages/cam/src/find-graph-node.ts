import * as tf from '@tensorflow/tfjs';
import { InvalidOptionError, LayerNotFoundError } from '@tfxai/core';
import { featureMapAxes, isSpatialShape } from './find-target-layer.js';

/** A node of a graph model's graph, as tfjs-converter keeps it. */
interface GraphNode {
  name: string;
  op: string;
  inputs: GraphNode[];
}

/** Ops that typically produce a convolutional feature map: the candidates offered in error messages. */
const FEATURE_MAP_OPS = new Set(['Conv2D', '_FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative', 'Relu', 'Relu6', 'Elu', 'Selu', 'AddV2', 'Add', 'MaxPool', 'AvgPool', 'FusedBatchNorm', 'FusedBatchNormV3', 'ConcatV2', 'Conv3D', 'MaxPool3D', 'AvgPool3D']);
/** Nodes that are never a feature map of the network: inputs and constants. */
const NOT_COMPUTED = new Set(['Placeholder', 'Const', 'PlaceholderWithDefault']);
/** How many nodes the automatic search executes at most before giving up. */
const SEARCH_LIMIT = 64;

/** The nodes of a graph model in graph order (tfjs-converter keeps them in its executor). */
export function listGraphNodes(model: tf.GraphModel): GraphNode[] {
  const graph = (model as unknown as { executor?: { graph?: { nodes?: Record<string, GraphNode> } } }).executor?.graph;
  return Object.values(graph?.nodes ?? {});
}

function candidateNodes(model: tf.GraphModel): string[] {
  const nodes = listGraphNodes(model);
  const featureMapNodes = nodes.filter((n) => FEATURE_MAP_OPS.has(n.op)).map((n) => n.name);
  return featureMapNodes.length ? featureMapNodes : nodes.filter((n) => !NOT_COMPUTED.has(n.op)).map((n) => n.name);
}

/**
 * Checks a node name given as `layerName` for a graph model.
 * @throws InvalidOptionError for a non-string; LayerNotFoundError for an unknown node, listing the nodes whose ops typically give feature maps
 */
export function findGraphNode(model: tf.GraphModel, layerName: string): string {
  if (typeof layerName !== 'string' || layerName.trim() === '') {
    throw new InvalidOptionError('layerName', `must be a non-empty node name; got ${JSON.stringify(layerName)}`);
  }
  if (listGraphNodes(model).some((n) => n.name === layerName)) return layerName;
  throw new LayerNotFoundError(`the graph model has no node '${layerName}'; candidate nodes: ${candidateNodes(model).join(', ') || '(none)'}`, candidateNodes(model));
}

/**
 * The feature-map node nearest the output: graph models declare no intermediate
 * shapes, so the search walks back from the output node breadth-first, executing
 * each computed node on `inputs` (one forward pass each, a few in practice) until
 * one gives a tensor of the inputs' rank (4-D for images, 5-D for volumes) whose spatial
 * sizes all exceed 1 (a 1x1 pooling output, as
 * MobileNetV2's `AveragePooling2D(7)` head gives, is passed over: its CAM is constant).
 * @throws LayerNotFoundError when none is found, asking for `layerName` and listing candidates
 */
export function searchGraphFeatureMap(model: tf.GraphModel, inputs: tf.Tensor4D | tf.Tensor5D): string {
  const nodes = new Map(listGraphNodes(model).map((n) => [n.name, n]));
  const output = nodes.get(model.outputs[0]!.name.split(':')[0]!);
  const queue = output ? [output] : [];
  const seen = new Set<string>();
  let executed = 0;
  while (queue.length && executed < SEARCH_LIMIT) {
    const node = queue.shift()!;
    if (seen.has(node.name)) continue;
    seen.add(node.name);
    if (NOT_COMPUTED.has(node.op)) continue;
    executed += 1;
    const shape = tf.tidy(() => {
      const result = model.execute(inputs, node.name);
      return Array.isArray(result) ? [] : result.shape;
    });
    if (shape.length === inputs.rank && isSpatialShape(shape)) return node.name;
    queue.push(...node.inputs);
  }
  throw new LayerNotFoundError(
    `no node with a ${inputs.rank}-D output ${featureMapAxes(inputs.rank)} whose ${inputs.rank === 5 ? 'depth, height and width' : 'height and width'} exceed 1 was found within ${SEARCH_LIMIT} nodes of the graph model's output; ` +
      `pass layerName with the node whose output is the feature map. Candidate nodes: ${candidateNodes(model).join(', ') || '(none)'}`,
    candidateNodes(model),
  );
}
