// Node only: the evaluation run over files, its plots and its report.
export * from './evaluation-options.js';
export * from './evaluation-run.js';
export * from './summary.js';
export * from './curve-plot.js';
export * from './map-strip.js';
export * from './report-html.js';
export * from './svg-png.js';
