// Finds the fenced code blocks of a Markdown file and what the doc runner does with each.
//
// A block runs by its language: `ts` (type-checked by tsc as an ES module, then run),
// `js` (run as an ES module), `cjs` (run as CommonJS), `sh`/`bash` (run by bash
// -euo pipefail). Other
// languages (`text`, `json`, `yaml`, ...) are shown, not run. A fence without a
// language is an error: say `text` for output or synopses, so no code hides there.
//
// An HTML comment on the line before the fence (blank lines between are allowed)
// changes what happens to the block:
//   <!-- doc-test: skip (reason) -->       not run; the reason is required and reported
//   <!-- doc-test: typecheck (reason) -->  ts only: type-checked, not run
//   <!-- doc-test: example-model -->       ts/js: runs after a prelude that defines `model`
//                                          (the bundled example), `image` (1, 64, 64, 3; an
//                                          x, class 2), `images` (x, plus, ring: classes 2, 0,
//                                          1) and `backgroundImages` (a list of six more
//                                          (64, 64, 3) images), pixels in [0, 1]
//   <!-- doc-test: continues -->           joins the previous runnable block of the file
//                                          (same language), run as one program

export type BlockLanguage = 'ts' | 'js' | 'cjs' | 'sh';
export type BlockMode = 'run' | 'skip' | 'typecheck';

export interface DocBlock {
  /** The Markdown file, as given to extractBlocks. */
  readonly file: string;
  /** 1-based line of the opening fence of the first part. */
  readonly line: number;
  readonly language: BlockLanguage;
  readonly mode: BlockMode;
  /** Why a skipped or type-check-only block does not run. */
  readonly reason?: string;
  /** Whether the example-model prelude goes before the code. */
  readonly exampleModel: boolean;
  /** The code; parts joined by `continues` are separated by a newline. */
  readonly code: string;
  /** For each line of `code`, its 1-based line in the Markdown file. */
  readonly sourceLines: readonly number[];
}

/** Every block of a file, run or not, for the counts. */
export interface DocScan {
  readonly runnable: DocBlock[];
  /** Blocks in a language that is shown, not run (text, json, yaml, ...). */
  readonly shown: number;
}

/** A doc that breaks the runner's rules (unlabelled fence, unknown marker, ...). */
export class DocFormatError extends Error {
  constructor(file: string, line: number, problem: string) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'DocFormatError';
  }
}

const LANGUAGES: Record<string, BlockLanguage> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js', mjs: 'js', cjs: 'cjs', sh: 'sh', bash: 'sh', shell: 'sh' };
const MARKER = /^\s*<!--\s*doc-test:\s*(.*?)\s*-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*$/;

interface Marker { kind: 'skip' | 'typecheck' | 'example-model' | 'continues'; reason?: string }

function parseMarker(text: string, file: string, line: number): Marker {
  const withReason = /^(skip|typecheck)\s*\((.+)\)$/.exec(text);
  if (withReason) return { kind: withReason[1] as 'skip' | 'typecheck', reason: withReason[2]!.trim() };
  if (text === 'example-model' || text === 'continues') return { kind: text };
  throw new DocFormatError(file, line, `unknown doc-test marker "${text}"; allowed: skip (reason), typecheck (reason), example-model, continues`);
}

/** The marker on the nearest non-blank line above `fenceIndex`, if any. */
function markerAbove(lines: readonly string[], fenceIndex: number, file: string): Marker | undefined {
  for (let i = fenceIndex - 1; i >= 0; i--) {
    if (lines[i]!.trim() === '') continue;
    const match = MARKER.exec(lines[i]!);
    return match ? parseMarker(match[1]!, file, i + 1) : undefined;
  }
  return undefined;
}

/** Splits Markdown text into its code blocks and decides how each is tested. */
export function extractBlocks(file: string, markdown: string): DocScan {
  const lines = markdown.split('\n');
  const runnable: DocBlock[] = [];
  let shown = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, info] = open;
    const start = i;
    const body: string[] = [];
    const bodyLines: number[] = [];
    for (i++; i < lines.length; i++) {
      const close = FENCE.exec(lines[i]!);
      if (close && close[2]!.startsWith(fence![0]!) && close[2]!.length >= fence!.length && close[3] === '') break;
      body.push(lines[i]!.startsWith(indent!) ? lines[i]!.slice(indent!.length) : lines[i]!);
      bodyLines.push(i + 1);
    }
    if (i >= lines.length) throw new DocFormatError(file, start + 1, 'code fence is never closed');
    if (info === '') throw new DocFormatError(file, start + 1, 'code fence without a language: use ts, js or sh for code the runner runs, text (or json, yaml, ...) for the rest');
    const language = LANGUAGES[info!.toLowerCase()];
    const marker = markerAbove(lines, start, file);
    if (language === undefined) {
      if (marker) throw new DocFormatError(file, start + 1, `a doc-test marker on a "${info}" block, which is never run`);
      shown++;
      continue;
    }
    const code = body.join('\n');
    if (marker?.kind === 'continues') {
      const previous = runnable.at(-1);
      if (!previous || previous.file !== file) throw new DocFormatError(file, start + 1, '"continues" without an earlier runnable block in this file');
      if (previous.language !== language) throw new DocFormatError(file, start + 1, `"continues" joins a ${language} block to a ${previous.language} block`);
      runnable[runnable.length - 1] = { ...previous, code: `${previous.code}\n${code}`, sourceLines: [...previous.sourceLines, ...bodyLines] };
      continue;
    }
    if (marker?.kind === 'typecheck' && language !== 'ts') throw new DocFormatError(file, start + 1, '"typecheck" applies to ts blocks only');
    if (marker?.kind === 'example-model' && language !== 'ts' && language !== 'js') throw new DocFormatError(file, start + 1, '"example-model" applies to ts and js blocks');
    const mode: BlockMode = marker?.kind === 'skip' ? 'skip' : marker?.kind === 'typecheck' ? 'typecheck' : 'run';
    runnable.push({
      file,
      line: start + 1,
      language,
      mode,
      ...(marker?.reason !== undefined ? { reason: marker.reason } : {}),
      exampleModel: marker?.kind === 'example-model',
      code,
      sourceLines: bodyLines,
    });
  }
  return { runnable, shown };
}
