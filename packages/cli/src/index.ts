export * from './errors.js';
export * from './cli-io.js';
export * from './main.js';
export * from './plugin-loader.js';
export * from './method-options.js';
export * from './progress-reporter.js';
export * from './help-text.js';
export * from './explain-command.js';
