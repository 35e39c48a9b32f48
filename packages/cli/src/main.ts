import { readFileSync } from 'node:fs';
import type { CliIo } from './cli-io.js';
import { EXPLAIN_HELP, HELP_HELP, MAIN_HELP, METHODS_HELP, SUMMARY_HELP } from './help-text.js';
import { EVALUATE_HELP } from './evaluate-help.js';
import { printable } from './terminal-text.js';

// Only node: built-ins and the help text are imported up front: commands load
// TensorFlow.js and sharp when they run, so help and usage errors answer at once.

const COMMAND_HELP: Record<string, string> = { explain: EXPLAIN_HELP, evaluate: EVALUATE_HELP, methods: METHODS_HELP, summary: SUMMARY_HELP, help: HELP_HELP };

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Prints an error on stderr, and as `{"error": {...}}` on stdout when --json was asked for. */
function reportError(io: CliIo, args: readonly string[], error: { name: string; code: string; message: string }): void {
  // Messages name files: their control characters are shown escaped; the JSON escapes them itself.
  io.stderr.write(`tfxai: error: ${printable(error.message)}\n`);
  if (args.includes('--json')) io.stdout.write(`${JSON.stringify({ error }, null, 2)}\n`);
}

/**
 * Runs the `tfxai` command line and resolves with the exit code: 0
 * success, 1 some images failed, 2 bad usage or a fatal error, 130 interrupted.
 * Errors are printed on stderr (and as `{"error": ...}` on stdout with --json).
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const usage = (message: string) => {
    reportError(io, rest, { name: 'UsageError', code: 'USAGE', message });
    return 2;
  };
  if (command === undefined || command === '--help' || command === '-h') {
    io.stdout.write(MAIN_HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  if (command === 'help') {
    const topic = rest[0];
    if (topic !== undefined && !COMMAND_HELP[topic]) return usage(`no help for '${topic}'; commands: explain, evaluate, methods, summary, help`);
    io.stdout.write(topic === undefined ? MAIN_HELP : COMMAND_HELP[topic]!);
    return 0;
  }
  if (COMMAND_HELP[command] && (rest.includes('--help') || rest.includes('-h'))) {
    io.stdout.write(COMMAND_HELP[command]!);
    return 0;
  }
  if (!['explain', 'evaluate', 'methods', 'summary'].includes(command)) return usage(`unknown command '${command}'; commands: explain, evaluate, methods, summary, help (see 'tfxai --help')`);
  try {
    if (command === 'explain') return await (await import('./explain-command.js')).explainCommand(rest, io);
    if (command === 'evaluate') return await (await import('./evaluate-command.js')).evaluateCommand(rest, io);
    if (command === 'summary') return await (await import('./summary-command.js')).summaryCommand(rest, io);
    return await (await import('./methods-command.js')).methodsCommand(rest, io);
  } catch (error) {
    const { TfxaiError } = await import('@tfxai/core');
    if (error instanceof TfxaiError) reportError(io, rest, { name: error.name, code: error.code, message: error.message });
    else {
      // Not one of ours: a bug or an environment problem; the stack helps whoever reports it.
      io.stderr.write(`tfxai: internal error: ${((error as Error).stack ?? String(error)).split('\n').map(printable).join('\n')}\n`);
      if (rest.includes('--json')) io.stdout.write(`${JSON.stringify({ error: { name: (error as Error).name, code: 'INTERNAL', message: (error as Error).message } }, null, 2)}\n`);
    }
    return 2;
  }
}
