// Plain text without imports, like help-text.ts: `tfxai evaluate --help` must not load TensorFlow.js.

/** `tfxai evaluate --help`. */
export const EVALUATE_HELP = `Usage: tfxai evaluate --model <model.json> --methods <a,b,...> --out <folder> [options] <inputs...>

Measures how faithful, well-placed and simple each method's heatmaps are
(@tfxai/evaluate). Every image is explained with every method for the
model's top class; per method you get the mean and spread over images of:
deletion and insertion AUC, MuFidelity, sparseness (Gini) and entropy, and
with --masks or --boxes the pointing game, relevance mass, relevance rank and
energy-based pointing game. For a layers model the randomisation cascade
(Adebayo et al. 2018) runs per method on the first image(s).

Required:
  -m, --model <path>             TensorFlow.js model.json (layers or graph model)
      --methods <a,b,...>        Method names or aliases, comma-separated (see 'tfxai methods')
  -o, --out <folder>             Output folder: evaluation.json, report.html, curves.png,
                                 cascade-<method>.png, results/ (one JSON per image and method)

Methods:
  -O, --method-option <m:k=v>    Option k of method m, e.g. -O occlusion:patchSize=8; repeatable.
                                 Values are JSON when they parse, else strings
      --plugin <module>          Load a method plugin (path or package name); repeatable

Ground truth (optional):
      --masks <folder>           Mask images named like the images (a pixel > 127 is inside)
      --boxes <file.json>        Boxes per image name: {"x.png": {"box": {"x","y","width","height"}}}

Metrics:
      --steps <n>                Deletion/insertion steps (default: 32)
      --deletion-fill <mode>     constant | mean | blur (default: constant, i.e. 0)
      --insertion-fill <mode>    constant | mean | blur (default: blur)
      --mu-samples <n>           MuFidelity random subsets per image (default: 128)
      --randomisation-images <n> Images for the randomisation cascade; 0: skip (default: 1)
      --seed <n>                 Seed of every random draw (default: 0)

Run:
      --standardize <mode>       none | rescale | minmax | z-score | grayscale | tf | caffe | torch
                                 (default: none)
      --glob <pattern>           Files to take from input folders
      --batch-size <n>           Perturbed inputs per model call (default: 32)
      --backend <name>           tensorflow | wasm | cpu (default: the fastest that loads)
      --resume                   Reuse results/ of an earlier run: finished image/method pairs
                                 and cascades are not computed again; a pair whose method
                                 options changed (-O) is computed again
      --json                     Print the summary as JSON on stdout (instead of the table)
  -q, --quiet                    No progress output
  -h, --help                     This help

Metric definitions, formulas and papers: docs/evaluation/.
`;
