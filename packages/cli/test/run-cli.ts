import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// What every CLI test runs against: the built binary and the bundled example.
const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '../../../..');
export const BIN = path.resolve(here, '../src/bin.js');
export const MODEL = path.join(REPO, 'examples/synthetic-shapes/model/model.json');
export const IMAGES = path.join(REPO, 'examples/synthetic-shapes/images');
export const PLUGIN = path.join(REPO, 'test/plugins/gradient-x-input/dist/index.js');

/** A finished run of the binary. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `tfxai` binary in a child process and waits for it.
 * @param options.cwd the working folder (default: the repository root)
 * @param options.env the whole environment (default: this process's, with TFXAI_BACKEND=wasm)
 */
export function runTfxai(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: options.cwd ?? REPO, env: options.env ?? { ...process.env, TFXAI_BACKEND: 'wasm' }, maxBuffer: 1 << 24 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}
