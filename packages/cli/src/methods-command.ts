import { describeOption, type MethodInfo } from '@tfxai/core';
import { defaultRegistry } from 'tfxai';
import type { CliIo } from './cli-io.js';
import { METHODS_HELP } from './help-text.js';
import { parseFlags } from './parse-flags.js';
import { loadPlugin } from './plugin-loader.js';

/** `tfxai methods`: the registry's methods, as a table or JSON. Returns the exit code. */
export async function methodsCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parseFlags('methods', args, {
    plugin: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    verbose: { type: 'boolean', short: 'v' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(METHODS_HELP);
    return 0;
  }
  const registry = defaultRegistry();
  for (const plugin of (values.plugin as string[] | undefined) ?? []) await loadPlugin(plugin, registry, io.cwd);
  const methods = registry.names();
  if (values.json) {
    io.stdout.write(`${JSON.stringify(methods, null, 2)}\n`);
    return 0;
  }
  const rows = methods.map((m) => [m.name, m.aliases.join(', ') || '-', m.description || '-']);
  const widths = [0, 1].map((c) => Math.max(c === 0 ? 4 : 7, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => `${cells[0]!.padEnd(widths[0]!)}  ${cells[1]!.padEnd(widths[1]!)}  ${cells[2]}`.trimEnd();
  io.stdout.write(`${[line(['NAME', 'ALIASES', 'DESCRIPTION']), ...rows.map(line)].join('\n')}\n`);
  if (values.verbose) for (const method of methods) io.stdout.write(`\n${optionListing(method)}`);
  return 0;
}

/**
 * A method's declared options as `tfxai methods --verbose` lists them: one
 * line each with the default and the allowed values, then the one-line doc.
 * The same declarations drive the checks and each docs page's table.
 */
export function optionListing(method: MethodInfo): string {
  const head = `${method.name} options (-O key=value):`;
  if (!method.options?.length) return `${head}\n  (none declared: the method checks its own options)\n`;
  const described = method.options.map(describeOption);
  const width = Math.max(...described.map((d) => d.name.length));
  const lines = described.map((d) => `  ${d.name.padEnd(width)}  default ${d.default}; ${d.allowed}\n  ${' '.repeat(width)}  ${d.doc}`);
  return `${head}\n${lines.join('\n')}\n`;
}
