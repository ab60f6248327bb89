/**
 * Text that came from tags or names (anyone who can tag a resource writes it) made safe to show
 * people: no control characters or ANSI escape sequences, so a Name tag cannot add lines to an
 * alarm message or repaint a terminal. Pure.
 */

// CSI/OSC escape sequences first (ESC [ ... final byte, ESC ] ... BEL/ST), then any C0/C1 control.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_AND_NEWLINES = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** Removes escape sequences and control characters; newlines survive only when asked for. */
export function printable(text: string, options: { keepNewlines?: boolean } = {}): string {
  const stripped = text.replace(ANSI, '');
  return options.keepNewlines
    ? stripped
        .replace(/\r\n/g, '\n')
        .replace(/\r/g, ' ')
        .replace(CONTROL, '')
        .replace(/[\u2028\u2029]/g, ' ')
    : stripped.replace(CONTROL_AND_NEWLINES, ' ');
}

/** A value from a tag, sanitised and quoted, for a message: `"Finance VPC"`. */
export function quoted(value: string): string {
  return JSON.stringify(printable(value));
}
