import { execFile } from 'node:child_process';
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

/** Docs are code: every ```js block of docs/evaluation runs as a module and exits cleanly. */
const here = path.dirname(fileURLToPath(import.meta.url));
const DOCS = path.resolve(here, '../../../../docs/evaluation');

function runModule(file: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [file], { cwd: here, env: { ...process.env, TFXAI_BACKEND: 'wasm' } }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('docs/evaluation code blocks', () => {
  it('every js block runs', async function () {
    const pages = (await readdir(DOCS)).filter((name) => name.endsWith('.md'));
    let blocks = 0;
    for (const page of pages) {
      const text = await readFile(path.join(DOCS, page), 'utf8');
      for (const [k, match] of [...text.matchAll(/```js\n([\s\S]*?)```/g)].entries()) {
        // Written next to this test so that the workspace packages resolve.
        const file = path.join(here, `docs-block-${page.replace('.md', '')}-${k}.mjs`);
        await writeFile(file, match[1]!);
        try {
          const run = await runModule(file);
          expect(run.code, `${page} block ${k}: ${run.stderr}`).to.equal(0);
          expect(run.stdout.length, `${page} block ${k} prints its results`).to.be.above(0);
        } finally {
          await rm(file, { force: true });
        }
        blocks++;
      }
    }
    expect(blocks).to.be.at.least(4);
  });
});
