import { expect } from 'chai';
import { DocFormatError, extractBlocks } from './doc-blocks.js';

const fence = '```';

describe('doc runner: extracting code blocks from Markdown', () => {
  it('runs ts, js, cjs and sh blocks, counts the others as shown, and keeps each line\'s source line', () => {
    const md = [
      '# Title',            // 1
      `${fence}ts`,         // 2
      'const a = 1;',       // 3
      'console.log(a);',    // 4
      fence,                // 5
      `${fence}text`,       // 6
      'output',             // 7
      fence,                // 8
      `${fence}bash`,       // 9
      'echo hi',            // 10
      fence,                // 11
      `${fence}cjs`,        // 12
      'require("x");',      // 13
      fence,                // 14
    ].join('\n');
    const { runnable, shown } = extractBlocks('a.md', md);
    expect(shown).to.equal(1);
    expect(runnable.map((b) => [b.language, b.line, b.mode])).to.deep.equal([['ts', 2, 'run'], ['sh', 9, 'run'], ['cjs', 12, 'run']]);
    expect(runnable[0]!.code).to.equal('const a = 1;\nconsole.log(a);');
    expect(runnable[0]!.sourceLines).to.deep.equal([3, 4]);
  });

  it('reads the marker on the nearest non-blank line above a fence: skip and typecheck need a reason', () => {
    const md = ['<!-- doc-test: skip (needs network) -->', '', `${fence}sh`, 'curl x', fence,
      '<!-- doc-test: typecheck (a MobileNet layer) -->', `${fence}ts`, 'x', fence,
      '<!-- doc-test: example-model -->', `${fence}js`, 'y', fence].join('\n');
    const { runnable } = extractBlocks('b.md', md);
    expect(runnable.map((b) => [b.mode, b.reason, b.exampleModel])).to.deep.equal([
      ['skip', 'needs network', false], ['typecheck', 'a MobileNet layer', false], ['run', undefined, true]]);
  });

  it('joins a "continues" block to the previous one, with both parts\' source lines', () => {
    const md = [`${fence}ts`, 'const a = 1;', fence, 'text', '<!-- doc-test: continues -->', `${fence}ts`, 'console.log(a);', fence].join('\n');
    const { runnable } = extractBlocks('c.md', md);
    expect(runnable).to.have.length(1);
    expect(runnable[0]!.code).to.equal('const a = 1;\nconsole.log(a);');
    expect(runnable[0]!.sourceLines).to.deep.equal([2, 7]);
  });

  it('rejects what would let code go untested: a fence without a language, an unknown marker, a skip without a reason, an unclosed fence', () => {
    const cases: [string, RegExp][] = [
      [[fence, 'npm test', fence].join('\n'), /d\.md:1: code fence without a language/],
      [['<!-- doc-test: ignore -->', `${fence}sh`, 'x', fence].join('\n'), /d\.md:1: unknown doc-test marker "ignore"/],
      [['<!-- doc-test: skip -->', `${fence}sh`, 'x', fence].join('\n'), /unknown doc-test marker "skip"/],
      [[`${fence}sh`, 'x'].join('\n'), /d\.md:1: code fence is never closed/],
      [['<!-- doc-test: continues -->', `${fence}sh`, 'x', fence].join('\n'), /"continues" without an earlier runnable block/],
      [['<!-- doc-test: skip (why) -->', `${fence}yaml`, 'x', fence].join('\n'), /a doc-test marker on a "yaml" block/],
    ];
    for (const [md, message] of cases) {
      expect(() => extractBlocks('d.md', md)).to.throw(DocFormatError, message);
    }
  });
});
