// Helpers for the install tests (npm run test:install): temporary folders outside
// the repository, commands with their output kept for the failure message, npm
// working from its cache where it can, and a check that the repository is untouched.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const EXAMPLE = path.join(REPO, 'examples/synthetic-shapes');

const execFileAsync = promisify(execFile);

/** A new folder under the system's temporary folder; refuses one inside the repository. */
export function tempFolder(prefix: string): string {
  const folder = mkdtempSync(path.join(tmpdir(), prefix));
  if (!path.relative(REPO, folder).startsWith('..')) throw new Error(`${folder} is inside the repository ${REPO}`);
  return folder;
}

/** Environment for npm: the cache first (the registry only for what it lacks), no audit or fund calls. */
export function npmEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra };
}

export interface CommandResult { stdout: string; stderr: string }

/** Runs a command; on failure throws with the command, the exit code and the end of its output. */
export async function sh(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await execFileAsync(command, args as string[], {
      cwd: options.cwd, env: options.env ?? npmEnv(), timeout: options.timeoutMs ?? 900_000, maxBuffer: 1 << 27,
    });
    return { stdout, stderr };
  } catch (error) {
    const { stdout = '', stderr = '', code, signal } = error as { stdout?: string; stderr?: string; code?: number; signal?: string };
    const tail = (s: string) => s.split('\n').slice(-30).join('\n');
    throw new Error(`${command} ${args.join(' ')} (in ${options.cwd}) exited with ${code ?? signal}\n--- stdout (end)\n${tail(stdout)}\n--- stderr (end)\n${tail(stderr)}`);
  }
}

/** `git status --porcelain` of the repository, to check a test wrote nothing into it. */
export async function repoStatus(): Promise<string> {
  return (await sh('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: REPO })).stdout;
}

export interface PublicPackage { name: string; dir: string; manifest: Record<string, any> }

/** Every package under packages/ that is published (not private). */
export function publicPackages(): PublicPackage[] {
  return readdirSync(path.join(REPO, 'packages'))
    .map((name) => path.join(REPO, 'packages', name))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Record<string, any> }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name as string, dir, manifest }));
}

/** True when the file starts with the eight bytes every PNG starts with. */
export function isPng(file: string): boolean {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return readFileSync(file).subarray(0, 8).equals(signature);
}

/** Compares dotted versions x.y.z numerically. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
  return 0;
}
