import * as tf from '@tensorflow/tfjs';

/**
 * Hand-written tf.GraphModels: a GraphDef as tfjs-converter emits it, so that
 * tests can run graph models without the Python converter.
 */

/** One weight of the graph; it becomes a Const node of the same name. */
export interface GraphWeight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  /** Row-major values. */
  values: number[];
}

/** One GraphDef node (attributes in the converter's JSON form). */
export interface GraphNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, unknown>;
}

/** The dtype attribute of a float32 tensor, `{ type: 'DT_FLOAT' }`. */
export const FLOAT_ATTR = Object.freeze({ type: 'DT_FLOAT' });
/** The dtype attribute of an int32 tensor, `{ type: 'DT_INT32' }`. */
export const INT32_ATTR = Object.freeze({ type: 'DT_INT32' });

/** A string as GraphDef JSON holds it: base64. Wrap it as `{ s: ... }` for an attribute, or in `{ list: { s: [...] } }`. */
export function base64Text(value: string): string {
  return Buffer.from(value).toString('base64');
}

/** The names of the graph's input and output nodes, for the model's signature. */
export interface GraphSignature {
  inputs: string[];
  outputs: string[];
}

function constNode(weight: GraphWeight): GraphNode {
  const dtype = weight.dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT';
  return {
    name: weight.name,
    op: 'Const',
    attr: { dtype: { type: dtype }, value: { tensor: { dtype, tensorShape: { dim: weight.shape.map((size) => ({ size: String(size) })) } } } },
  };
}

/** The weights' values packed one after another, as the weight manifest describes them. */
function packWeights(weights: readonly GraphWeight[]): ArrayBuffer {
  const data = new Uint8Array(weights.reduce((bytes, w) => bytes + 4 * w.values.length, 0));
  let offset = 0;
  for (const w of weights) {
    const typed = w.dtype === 'int32' ? new Int32Array(w.values) : new Float32Array(w.values);
    data.set(new Uint8Array(typed.buffer), offset);
    offset += typed.byteLength;
  }
  return data.buffer;
}

/**
 * A tf.GraphModel from hand-written nodes and weights: each weight becomes a
 * Const node, its values go to the weight data.
 * @param nodes every other node (Placeholder inputs included), in any order
 * @param weights the constants, float32 or int32
 * @param signature input and output node names (float32); default: none, so the
 *   model's inputs are its Placeholders and its outputs the nodes nothing consumes
 */
export async function graphModelFromNodes(nodes: readonly GraphNode[], weights: readonly GraphWeight[], signature?: GraphSignature): Promise<tf.GraphModel> {
  const entries = (names: string[]) => Object.fromEntries(names.map((name) => [name, { name: `${name}:0`, dtype: 'DT_FLOAT' }]));
  return tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: { node: [...nodes, ...weights.map(constNode)], versions: { producer: 1 } },
      format: 'graph-model',
      weightSpecs: weights.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
      weightData: packWeights(weights),
      ...(signature ? { signature: { inputs: entries(signature.inputs), outputs: entries(signature.outputs) } } : {}),
    } as unknown as tf.io.ModelArtifacts),
  );
}
