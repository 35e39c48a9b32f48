import { readFileSync, writeFileSync } from 'node:fs';
import { LIME_OPTIONS, OCCLUSION_OPTIONS, SMOOTH_GRAD_OPTION_SPECS, defaultRegistry, optionsTable, type OptionSpec } from 'tfxai';

/**
 * The docs pages whose options table is generated from the declared options
 * (`optionsTable`), by method name or by a list of declarations. A page holds
 * its table between `<!-- options-table: NAME -->` and `<!-- /options-table -->`.
 * `npm run docs:tables` rewrites them; option-tables.test.ts checks them.
 */
export const OPTION_TABLE_PAGES: Readonly<Record<string, string | readonly OptionSpec[]>> = Object.freeze({
  'integrated-gradients.md': 'integrated-gradients',
  'saliency.md': 'saliency',
  'guided-backprop.md': 'guided-backprop',
  'gradient-shap.md': 'gradient-shap',
  'guided-gradcam.md': 'guided-gradcam',
  'smoothgrad.md': SMOOTH_GRAD_OPTION_SPECS,
  'gradcam.md': 'gradcam',
  'gradcam-plus-plus.md': 'gradcam++',
  'scorecam.md': 'scorecam',
  // Occlusion and LIME have no attribute(), so the registry's SmoothGrad refuses them: their own declarations only.
  'occlusion.md': OCCLUSION_OPTIONS,
  'lime.md': LIME_OPTIONS,
  'kernel-shap.md': 'kernel-shap',
});

/** docs/methods/<page>, from the compiled test (test/dist). */
export function pagePath(page: string): string {
  return new URL(`../../docs/methods/${page}`, import.meta.url).pathname;
}

/** The table a page must hold. */
export function expectedTable(page: string): string {
  const source = OPTION_TABLE_PAGES[page]!;
  const specs = typeof source === 'string' ? defaultRegistry().names().find((info) => info.name === source)?.options : source;
  if (!specs) throw new Error(`no declared options for ${String(source)}`);
  return optionsTable(specs);
}

const BLOCK = /(<!-- options-table: [^>]*-->\n)([\s\S]*?)(\n<!-- \/options-table -->)/;

/** The table between a page's markers, or undefined when it has none. */
export function pageTable(text: string): string | undefined {
  return BLOCK.exec(text)?.[2];
}

/** Rewrites every page's table from the declarations. */
export function writeOptionTables(): void {
  for (const page of Object.keys(OPTION_TABLE_PAGES)) {
    const path = pagePath(page);
    const text = readFileSync(path, 'utf8');
    if (pageTable(text) === undefined) throw new Error(`${page} has no <!-- options-table: ... --> block`);
    writeFileSync(path, text.replace(BLOCK, (_all, open: string, _table: string, close: string) => `${open}${expectedTable(page)}${close}`));
  }
}
