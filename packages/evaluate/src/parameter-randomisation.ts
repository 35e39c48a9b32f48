import * as tf from '@tensorflow/tfjs';
import { InvalidInputError, LayerNotFoundError, checkChoice, checkSeed, isLayersModel, mixSeed, rejectUnknownKeys, seededRandom } from '@tfxai/core';
import type { ExplainFunction } from './explainer.js';
import { mapOf, readMaps, type HostMaps } from './host-maps.js';
import { minMaxScaled } from './min-max-scale.js';
import { structuralSimilarity } from './ssim.js';
import { spearmanCorrelation } from './spearman.js';
import { layersTopDown, randomisedWeights } from './weight-randomisation.js';

/** Options of {@link modelParameterRandomisation}. */
export interface RandomisationOptions {
  /** `'cascading'`: randomise from the top layer down, keeping the layers above randomised; `'independent'`: one layer at a time. Default 'cascading'. */
  mode?: 'cascading' | 'independent';
  /** Names of the layers to randomise, in the order given. Default: every layer with weights, from the output back. */
  layers?: readonly string[];
  /** Seed of the new weights (layer k draws from `mixSeed(seed, k)`). Default 0. */
  seed?: number;
  /** Keep every stage's maps in the result (for pictures). Default false. */
  keepMaps?: boolean;
}

/** The comparison after one randomisation stage. */
export interface RandomisationStage {
  /** The layer randomised at this stage (with those above it, when cascading). */
  layer: string;
  /** Per example: Spearman's rank correlation between the original and the randomised map. */
  spearman: number[];
  /** Per example: SSIM between the min-max-normalised original and randomised maps. */
  ssim: number[];
  /** The randomised model's maps, with `keepMaps`. */
  maps?: HostMaps;
}

/** The result of {@link modelParameterRandomisation}. */
export interface RandomisationResult {
  mode: 'cascading' | 'independent';
  /** The maps of the model as given, with `keepMaps`. */
  originalMaps?: HostMaps;
  stages: RandomisationStage[];
}

/**
 * Model parameter randomisation test (Adebayo, Gilmer, Muelly, Goodfellow,
 * Hardt & Kim 2018, "Sanity Checks for Saliency Maps", NeurIPS): the
 * weights are re-initialised layer by layer from the top (cascading), or one
 * layer at a time (independent), and after each stage the maps are compared
 * with the original model's by Spearman's rank correlation and SSIM (Wang et
 * al. 2004). A method that explains the model must change: its similarities
 * fall towards 0. A method whose maps stay similar (an edge detector, say) is
 * insensitive to the weights and fails the check.
 *
 * New weights come from `randomisedWeights` (Glorot uniform, seeded on the
 * host). The model's own weights are restored before this function returns,
 * also when it throws.
 * @param model a tf.LayersModel (its layers are what gets randomised)
 * @param explainerFor makes the explanation function for the model in its current state, e.g.
 *   `(m) => heatmapExplainer(registry.decoder('ig')(m))`; it is called again after every stage, so
 *   methods that cache anything about the model see its new weights
 * @param images the inputs, as `explainerFor`'s explainer takes them
 * @param targets one class per example
 */
export async function modelParameterRandomisation(
  model: tf.LayersModel,
  explainerFor: (model: tf.LayersModel) => ExplainFunction,
  images: tf.Tensor,
  targets: readonly number[],
  options: RandomisationOptions = {},
): Promise<RandomisationResult> {
  rejectUnknownKeys('options', options, ['mode', 'layers', 'seed', 'keepMaps']);
  if (!isLayersModel(model)) throw new InvalidInputError('model parameter randomisation needs a tf.LayersModel (its layers are re-initialised); got another kind of model');
  const mode = checkChoice('mode', options.mode ?? 'cascading', ['cascading', 'independent'] as const);
  const seed = checkSeed('seed', options.seed ?? 0);
  const candidates = layersTopDown(model);
  const layers = options.layers
    ? options.layers.map((name) => {
        const layer = candidates.find((l) => l.name === name);
        if (!layer) throw new LayerNotFoundError(`layer '${name}' has no weights or does not exist; layers with weights: ${candidates.map((l) => l.name).join(', ')}`, candidates.map((l) => l.name));
        return layer;
      })
    : candidates;
  const explainMaps = async (): Promise<HostMaps> => {
    const maps = await explainerFor(model)(images, targets);
    try {
      return await readMaps(maps, 'explanations');
    } finally {
      maps.dispose();
    }
  };
  const originals = new Map(layers.map((layer) => [layer, layer.getWeights().map((w) => w.clone())]));
  try {
    const reference = await explainMaps();
    const stages: RandomisationStage[] = [];
    for (const [k, layer] of layers.entries()) {
      if (mode === 'independent' && k > 0) layers[k - 1]!.setWeights(originals.get(layers[k - 1]!)!);
      const fresh = randomisedWeights(layer, seededRandom(mixSeed(seed, k)));
      layer.setWeights(fresh);
      tf.dispose(fresh);
      const maps = await explainMaps();
      const spearman: number[] = [];
      const ssim: number[] = [];
      for (let i = 0; i < reference.batch; i++) {
        spearman.push(spearmanCorrelation(mapOf(reference, i), mapOf(maps, i)));
        ssim.push(structuralSimilarity(minMaxScaled(mapOf(reference, i)), minMaxScaled(mapOf(maps, i)), reference.spatialShape));
      }
      stages.push({ layer: layer.name, spearman, ssim, ...(options.keepMaps ? { maps } : {}) });
    }
    return { mode, ...(options.keepMaps ? { originalMaps: reference } : {}), stages };
  } finally {
    for (const [layer, weights] of originals) {
      layer.setWeights(weights);
      tf.dispose(weights);
    }
  }
}
