/** Characters a terminal acts on instead of showing: C0 and C1 controls, DEL, and the Unicode bidirectional overrides that can disguise a name. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text safe to print on a terminal: control characters become visible
 * escapes (`\n`, `\r`, `\t`, `\x1b`, `\u202e`), so a file named with an escape
 * sequence or a newline cannot move the cursor, recolour the screen or fake
 * a line of output. Everything else (letters of any script) is unchanged.
 * JSON output needs none of this: JSON.stringify escapes controls itself.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}
