import 'reflect-metadata';

// The public API of @tfxai/core, curated (as captum/attr/__init__.py's __all__):
// what users, method packages and plugins need, grouped by concern.

// Errors: every bad input or option is one of these.
export * from './errors.js';

// The method contract, its registration and the registry.
export { XaiMethod, type AttributionResult, type AttributeOverloads, type Explainer, type MethodOptions } from './xai-method.js';
export type { LayerInternals } from './layer-internals.js';
export { spatialShape, batchSpatialRank, type Heatmap, type ImageBatch, type SpatialRank } from './image-batch.js';
export { defineMethod, MethodRegistration, type MethodCreate, type MethodDefinition } from './define-method.js';
export { methodModule, type MethodRow } from './method-module.js';
export { XaiRegistry, createRegistry, declaredOptions, type MethodFactory, type MethodInfo } from './registry.js';
export { methodKey } from './method-name.js';
export { coreModule } from './core-module.js';
export { MethodServices, DefaultMethodServices } from './method-services.js';

// Options declared as data, and the checks they are made of.
export { checkOptions, resolveDeclaredOptions, optionsTable, describeOption, LIMITS_OPTION, type OptionSpec, type OptionType } from './option-spec.js';
export { checkBoolean, checkChoice, checkInteger, checkNumber, checkSeed, describeOptionValue, rejectUnknownKeys, type NumberRange } from './option-checks.js';

// The method lifecycle: one place for input checks, targets and result checks.
export { AttributionMethod, withPreparedBatch, rowsPerPass, checkFiniteResult, checkFiniteHeatmap, classCount, type PreparedBatch } from './attribution-method.js';
export { toImageBatch, assertFinite } from './validation.js';
export { assertSingleImage } from './single-image.js';
export { resolveTargets, targetSelector, selectTargetScores } from './target-selection.js';

// Models.
export {
  adaptModel,
  modelOutput,
  isLayersModel,
  isGraphModel,
  ModelAdapterFactory,
  type ModelAdapter,
  type ModelFunction,
  type ModelLike,
} from './model-adapter.js';
export { checkModelInput, modelSpatialRank, emptyLayerFor, inferLayerShapes, rowsWithinMemoryBudget, MAX_IMAGE_PIXELS, PASS_MEMORY_BUDGET, type InferredLayerShape } from './model-input.js';
export { explainedOutputAdapter, EXPLAINED_OUTPUTS, type ExplainedOutput } from './explained-output.js';
export { replaceLayerClassCall, withLayerCall, type LayerCall } from './layer-call-patch.js';

// Backends.
export {
  initBackend,
  chosenBackend,
  isBrowserRuntime,
  BackendService,
  TfBackendService,
  BACKEND_PREFERENCE,
  BROWSER_BACKEND_PREFERENCE,
  type BackendName,
  type BrowserBackendName,
  type InitBackendOptions,
} from './backend.js';
export { useWasmThreads, wasmThreadCount, checkWasmThreads, MAX_WASM_THREADS } from './wasm-threads.js';

// Kernels and gradients swapped in only inside tfxai's own passes (a user's tf.grad stays stock).
export {
  withTfxaiKernels,
  withGradientOverrides,
  insideTfxaiKernels,
  registerScopedKernel,
  registerScopedGradient,
  registerScopedPatch,
  registerMissingKernel,
  unregisterMissingKernel,
  type ScopedKernelConfig,
  type ScopedGradientConfig,
  type ScopedPatchConfig,
  type Unregister,
} from './kernel-scope.js';

// Gradients, baselines, heatmaps.
export { targetGradients } from './gradients.js';
export { makeBaseline, makeBaselines, checkBaselineSpecs, BASELINE_OPTION, type BaselineSpec, type BlurBaseline, type UniformNoiseBaseline } from './baselines.js';
export { CHANNEL_REDUCTIONS, reduceChannels, minMaxNormalize, normalizeHeatmap, resizeMap, resizeSpatialMap, type ChannelReduction } from './heatmap.js';
export { resizeVolume } from './resize-volume.js';
export { attributionHeatmap, heatmapOptionSpecs, type HeatmapSpec } from './heatmap-spec.js';
export { gaussianBlur, gaussianBlur3d } from './image-ops.js';

// Randomness and SmoothGrad.
export * from './seeded-random.js';
export { fillRandomNormal } from './normal-noise.js';
export { clearNoiseCache, noiseCacheBytes, NOISE_CACHE_BYTES } from './noise-cache.js';
export {
  resolveSmoothGradOptions,
  SMOOTH_GRAD_DEFAULTS,
  SMOOTH_GRAD_MODES,
  SMOOTH_GRAD_OPTION,
  SMOOTH_GRAD_OPTION_KEYS,
  SMOOTH_GRAD_OPTION_SPECS,
  type ResolvedSmoothGradOptions,
  type SmoothGradMode,
  type SmoothGradOptions,
} from './smooth-grad-options.js';
export { smoothAttributions, type RowAttributions } from './smooth-attributions.js';
export { NoiseTunnel, NOISE_TUNNEL_BATCH_SIZE, type AttributingMethod, type NoiseTunnelOptions } from './noise-tunnel.js';
