import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { OPTION_TABLE_PAGES, expectedTable, pagePath, pageTable } from './option-tables.js';

describe('docs: every method page option table is the declared options (optionsTable)', () => {
  for (const page of Object.keys(OPTION_TABLE_PAGES)) {
    it(`docs/methods/${page}`, () => {
      const table = pageTable(readFileSync(pagePath(page), 'utf8'));
      expect(table, `${page} has no <!-- options-table --> block`).to.be.a('string');
      expect(table, `${page}: run npm run docs:tables`).to.equal(expectedTable(page));
    });
  }
});

describe('docs: plugins.md shows the plugin the tests load', () => {
  it('its first code block is test/plugins/gradient-x-input/src/index.ts, verbatim', () => {
    const page = readFileSync(new URL('../../docs/plugins.md', import.meta.url), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(page)?.[1];
    expect(block).to.equal(readFileSync(new URL('../plugins/gradient-x-input/src/index.ts', import.meta.url), 'utf8'));
  });
});
