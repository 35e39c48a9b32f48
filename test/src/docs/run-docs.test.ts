// Runs every code block of README.md, docs/**/*.md and packages/*/README.md (the
// rules are in doc-blocks.ts), so a doc cannot drift from the code unnoticed:
// one test per block, named file:line; skipped blocks show as pending with why.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { DocFormatError, extractBlocks, type DocBlock } from './doc-blocks.js';
import { createDocWorkspace, exampleModelPrelude, type DocWorkspace } from './doc-workspace.js';

const run = promisify(execFile);
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BLOCK_TIMEOUT_MS = 300_000;

/** README.md, docs/**\/*.md and each package's README.md, relative to the repository. */
function markdownFiles(): string[] {
  const docs = (readdirSync(path.join(REPO, 'docs'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f));
  const packages = readdirSync(path.join(REPO, 'packages'))
    .map((name) => path.join('packages', name, 'README.md'))
    .filter((f) => { try { readFileSync(path.join(REPO, f)); return true; } catch { return false; } });
  return ['README.md', ...docs.sort(), ...packages.sort()];
}

const formatErrors: DocFormatError[] = [];
const blocks: DocBlock[] = [];
let shown = 0;
for (const file of markdownFiles()) {
  try {
    const scan = extractBlocks(file, readFileSync(path.join(REPO, file), 'utf8'));
    blocks.push(...scan.runnable);
    shown += scan.shown;
  } catch (error) {
    if (!(error instanceof DocFormatError)) throw error;
    formatErrors.push(error);
  }
}

const title = (b: DocBlock) => `${b.file}:${b.line} (${b.language})`;
const fileStem = (b: DocBlock) => `${b.file.replace(/[^A-Za-z0-9]+/g, '_')}_L${b.line}`;
const preludeOf = (b: DocBlock) => (b.exampleModel && (b.language === 'ts' || b.language === 'js') ? exampleModelPrelude(b.language) : '');

/** tsc's messages per block file, with lines mapped back to the Markdown source. */
function typeErrors(output: string, byStem: Map<string, DocBlock>): Map<DocBlock, string[]> {
  const errors = new Map<DocBlock, string[]>();
  for (const line of output.split('\n')) {
    const match = /([A-Za-z0-9_]+)\.mts\((\d+),(\d+)\): (error .*)$/.exec(line);
    if (!match) continue;
    const block = byStem.get(match[1]!);
    if (!block) continue;
    const preludeLines = preludeOf(block).split('\n').length - 1; // the prelude ends with a newline
    const codeLine = Number(match[2]) - preludeLines;
    const where = codeLine >= 1 ? `${block.file}:${block.sourceLines[codeLine - 1]}` : `${block.file}:${block.line} (example-model prelude)`;
    errors.set(block, [...(errors.get(block) ?? []), `${where}: ${match[4]}`]);
  }
  return errors;
}

describe('docs: every code block in README.md, docs/ and the package READMEs runs', function () {
  this.timeout(1_800_000);
  let workspace: DocWorkspace;
  let blocksDir: string;
  let compileErrors = new Map<DocBlock, string[]>();
  let compileOutput = '';

  before(async function () {
    workspace = createDocWorkspace(REPO);
    blocksDir = path.join(workspace.root, '.doc-blocks');
    mkdirSync(path.join(blocksDir, 'src'), { recursive: true });
    const byStem = new Map<string, DocBlock>();
    for (const block of blocks.filter((b) => b.mode !== 'skip')) {
      const ext = { ts: 'mts', js: 'mjs', cjs: 'cjs', sh: 'sh' }[block.language];
      writeFileSync(path.join(blocksDir, 'src', `${fileStem(block)}.${ext}`), `${preludeOf(block)}${block.code}\n`);
      byStem.set(fileStem(block), block);
    }
    // A TypeScript user's settings (docs/install.md): ES modules resolved as Node does,
    // strict, and skipLibCheck for the errors inside tfjs's own .d.ts files.
    writeFileSync(path.join(blocksDir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true,
        types: ['node'], rootDir: 'src', outDir: 'out', noEmitOnError: false,
      },
      include: ['src/**/*.mts'],
    }));
    if (blocks.some((b) => b.language === 'ts' && b.mode !== 'skip')) {
      const tsc = path.join(REPO, 'node_modules/.bin/tsc');
      try {
        await run(tsc, ['-p', blocksDir, '--pretty', 'false'], { cwd: blocksDir, env: workspace.env, maxBuffer: 1 << 26 });
      } catch (error) {
        compileOutput = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
        compileErrors = typeErrors(compileOutput, byStem);
      }
    }
  });

  after(() => {
    if (workspace && !process.env.TFXAI_KEEP_DOC_WORKSPACE) rmSync(workspace.root, { recursive: true, force: true });
  });

  for (const error of formatErrors) {
    it(`follows the doc-test rules: ${error.message.split(':').slice(0, 2).join(':')}`, () => {
      throw error;
    });
  }

  it('tsc ran on the ts blocks without errors it could not place', () => {
    if (compileOutput !== '' && compileErrors.size === 0) throw new Error(`tsc failed:\n${compileOutput}`);
  });

  for (const block of blocks) {
    if (block.mode === 'skip') {
      it.skip(`${title(block)}, skipped: ${block.reason}`);
      continue;
    }
    it(`${title(block)}${block.mode === 'typecheck' ? `, type-checked only: ${block.reason}` : ''}`, async () => {
      const errors = compileErrors.get(block);
      if (errors) throw new Error(`does not type-check:\n${errors.join('\n')}`);
      if (block.mode === 'typecheck') return;
      const [command, args] =
        block.language === 'sh' ? ['bash', ['-euo', 'pipefail', path.join(blocksDir, 'src', `${fileStem(block)}.sh`)]]
        : block.language === 'js' ? [process.execPath, [path.join(blocksDir, 'src', `${fileStem(block)}.mjs`)]]
        : block.language === 'cjs' ? [process.execPath, [path.join(blocksDir, 'src', `${fileStem(block)}.cjs`)]]
        : [process.execPath, [path.join(blocksDir, 'out', `${fileStem(block)}.mjs`)]];
      try {
        await run(command, args as string[], { cwd: workspace.root, env: workspace.env, timeout: BLOCK_TIMEOUT_MS, maxBuffer: 1 << 26 });
      } catch (error) {
        const { stdout = '', stderr = '', code, signal } = error as { stdout?: string; stderr?: string; code?: number; signal?: string };
        const tail = (s: string) => s.split('\n').slice(-25).join('\n');
        throw new Error(`exited with ${code ?? signal}\n--- stdout (end)\n${tail(stdout)}\n--- stderr (end)\n${tail(stderr)}`);
      }
    });
  }

  it('reports the counts', () => {
    const count = (mode: string) => blocks.filter((b) => b.mode === mode).length;
    const skipped = blocks.filter((b) => b.mode === 'skip');
    console.log(`      ${blocks.length} runnable blocks: ${count('run')} run, ${count('typecheck')} type-checked only, ${skipped.length} skipped; ${shown} shown only (text, json, yaml, ...)`);
    for (const b of skipped) console.log(`        skipped ${title(b)}: ${b.reason}`);
    expect(skipped.every((b) => (b.reason ?? '').length > 0)).to.equal(true);
    expect(formatErrors).to.deep.equal([]);
  });
});
