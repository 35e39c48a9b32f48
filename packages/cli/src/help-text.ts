// Plain text without imports: `tfxai --help` must not load TensorFlow.js. A test checks it lists every mode and colormap.

/** `tfxai --help`. */
export const MAIN_HELP = `tfxai: explainable-AI heatmaps for TensorFlow.js image classifiers

Usage:
  tfxai explain --model <model.json> --method <name> --out <folder> <inputs...>
  tfxai evaluate --model <model.json> --methods <a,b,...> --out <folder> <inputs...>
  tfxai methods [--plugin <module>]... [--json] [--verbose]
  tfxai summary <folder> [--json]
  tfxai help [command]
  tfxai --version

Commands:
  explain   Compute a heatmap per image (files or folders) and write overlays
  evaluate  Score methods' heatmaps: faithfulness, localisation, complexity, sanity checks
  methods   List the XAI methods: names, aliases, one-line descriptions
  summary   Merge the run records of every shard of an output folder into one report
  help      Show the help of a command

Run 'tfxai <command> --help' for a command's options.

Exit codes: 0 success; 1 some images failed (the rest were done);
2 bad usage or a fatal error (model, output folder, method, plugin);
130 interrupted (Ctrl-C).

Environment: TFXAI_BACKEND=tensorflow|wasm|cpu forces a TensorFlow.js backend.
`;

/** `tfxai explain --help`. */
export const EXPLAIN_HELP = `Usage: tfxai explain --model <model.json> --method <name> --out <folder> [options] <inputs...>

Explains every input image with one XAI method and writes a heatmap overlay
per image (AUCMEDI's xai_decoder, batch-wise). <inputs> are image files or
folders (walked recursively; PNG, JPEG, TIFF, WebP; 8 or 16 bits; grayscale
or RGB). A bad image is reported and the run goes on.

The model describes its own input in a tfxai.json beside model.json (or in
model.json's userDefinedMetadata.tfxai): standardize, inputRange, channels,
channelOrder, classNames. Flags override it. Without one the run assumes
--standardize none and says so. Class names appear in the summary and JSON.

Required:
  -m, --model <path>          TensorFlow.js model.json (layers or graph model, detected)
      --method <name>         Method name or alias (see 'tfxai methods'), e.g. ig, gradcam
  -o, --out <folder>          Output folder (created if missing)

Method:
  -O, --method-option <k=v>   Option passed to the method factory; repeatable.
                              Values are JSON when they parse (numSteps=64, flag=true,
                              baseline=[0,0.5]), else strings (rule=gauss-legendre)
      --layer <name>          Layer to explain (layer-based methods such as Grad-CAM)
      --plugin <module>       Load a method plugin (path or package name); repeatable

Classes (default: the model's own predicted class, files <name>.png):
      --class <c>             Explain class c for every image; repeatable
                              (files <name>.class_<c>.png)
      --all-classes           Explain every class (files <name>.class_<c>.png)
      --preds <file.json>     JSON array of per-image class scores (N x classes), in
                              input order; each image's argmax is explained

Preprocessing (default: the model's tfxai.json, else none):
      --standardize <mode>    none | rescale | minmax | z-score | grayscale | tf | caffe | torch
                              rescale = x/255; minmax, z-score, grayscale as AUCMEDI;
                              tf, caffe, torch as Keras' preprocess_input
      --input-size <HxW>      Model input size (default: the size the model declares)
      --channels <1|3>        Model input channels (default: tfxai.json, else the model's)

Output:
      --alpha <a|aucmedi>     Heatmap weight in the overlay, 0..1 (default: 0.5;
                              aucmedi = 0.25, AUCMEDI's visualize_heatmap)
      --colormap <name>       jet | viridis | turbo | gray (default: jet)
      --save-maps             Also write each raw map as float32 .npy (NumPy)
      --resume                Skip images whose outputs exist whole and were made by the
                              same method, -O options, model and settings; redo the rest

Run:
      --glob <pattern>        Files to take from input folders, relative to the folder
                              (default: **/*.{png,jpg,jpeg,tif,tiff,webp}, any case)
      --batch-size <n>        Images decoded and predicted together (default: 8)
      --workers <n|auto>      Worker threads sharing the images, each with its own backend
                              and model (default: auto = one per core, at most one per
                              16 images of IG, 816 of Grad-CAM: by the method's cost;
                              1 = none). Plugins are loaded in every thread
      --shard <i/n|auto>      Process only shard i of n (1-based: 1/4 .. 4/4), chosen by a
                              hash of each input's relative path; auto reads
                              JOB_COMPLETION_INDEX + JOB_COMPLETIONS (Kubernetes) or
                              SLURM_ARRAY_TASK_ID/_COUNT/_MIN/_STEP (Slurm). Every run
                              records itself in <out>/.tfxai/run-<i>-of-<n>.json;
                              'tfxai summary <out>' merges the records
      --backend <name>        tensorflow | wasm | cpu (default: the fastest that loads)
      --json                  Print the results as JSON on stdout
  -q, --quiet                 No progress, backend or summary lines (warnings still show)
  -h, --help                  This help

NIfTI and DICOM (inputs .nii, .nii.gz, .dcm, or a folder holding one DICOM series;
see docs/medical-images.md). A 2-D model explains each slice; a 3-D model the whole
volume, resized trilinearly to its grid and the map back. Outputs: <name>.nii.gz
(float32 0..1 on the scan's own voxel grid and affine) and <name>.png (the three
planes through the peak, with a colour bar).
      --slice-axis <plane>    axial | coronal | sagittal: the slices the 2-D model sees
                              (default: axial)
      --window <c,w|preset>   Intensity window center,width, or a CT preset: lung (-600,1500),
                              soft-tissue (40,400), brain (40,80), bone (400,1800)
                              (default: the DICOM file's own window, else --clip-percentiles)
      --clip-percentiles <lo,hi>  Map these percentiles to 0..255 (default: 0.5,99.5)
      --volume-index <n>      The volume of a 4-D NIfTI file to explain (default: 0)
      --series-uid <uid>      The series to read from a DICOM folder holding several
      --dicom-out             DICOM inputs: also write the overlay as an RGB Secondary Capture
                              series in the source's study (<name>.dicom/, new series UID)

Output names follow AUCMEDI: a sample's path relative to its input folder,
with separators turned into '.', e.g. images/sub/x.png -> <out>/sub.x.png.
Names can never leave the output folder. Files are written atomically.

Example:
  tfxai explain --model model/model.json --method ig -O numSteps=64 \\
    --out heatmaps/ images/
`;

/** `tfxai methods --help`. */
export const METHODS_HELP = `Usage: tfxai methods [--plugin <module>]... [--json] [--verbose]

Lists the registered XAI methods: canonical name, aliases (AUCMEDI's keys among
them) and a one-line description. Lookup forgives case, '-' and '_'.

Options:
      --plugin <module>   Load a method plugin first (path or package name); repeatable
      --json              Print a JSON array of {name, aliases, description, options}
  -v, --verbose           Also list each method's options: default, allowed values, meaning
  -h, --help              This help
`;

/** `tfxai summary --help`. */
export const SUMMARY_HELP = `Usage: tfxai summary <folder> [--json]

Merges the run records that 'tfxai explain' wrote into <folder>/.tfxai/ (one
per shard, run-<i>-of-<n>.json) into one report: images done, skipped,
failed (with the reason), not reached (an interrupted shard), missing (a
shard that never reported), explained classes and constant-map warnings.

Exit codes: 0 every input done; 1 some failed, not reached or missing;
2 no records, or records of runs split into different shard counts.

Options:
      --json   Print the merged report as JSON
  -h, --help   This help
`;

/** `tfxai help --help`. */
export const HELP_HELP = `Usage: tfxai help [explain|evaluate|methods|summary]

Shows the help of a command, or the overview without one.
`;
