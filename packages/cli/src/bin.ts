#!/usr/bin/env node
import { runCli } from './main.js';

// First Ctrl-C: stop between images and print the summary; second: quit at once.
const controller = new AbortController();
process.once('SIGINT', () => {
  process.stderr.write('\ntfxai: interrupted; finishing the current batch (Ctrl-C again to quit now)\n');
  controller.abort();
  process.once('SIGINT', () => process.exit(130));
});

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
