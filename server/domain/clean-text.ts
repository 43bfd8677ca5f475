/**
 * Free text a caller typed, made safe to store upstream and to show in a terminal or a chat:
 * no NUL or other control characters (tab and line breaks stay), no ANSI escape sequences, no
 * bidirectional overrides (which can make "pagado" display as something else), no lone UTF-16
 * surrogates, and one Unicode form (NFC) so accents compare equal.
 */

// CSI sequences (ESC [ ... final byte, or the 8-bit CSI), then any other two-byte ESC sequence.
const ANSI_ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u009b[0-?]*[ -/]*[@-~]|\u001b[@-_]/g;
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const LONE_SURROGATES = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function cleanText(value: string): string {
  return value
    .replace(LONE_SURROGATES, '')
    .replace(ANSI_ESCAPES, '')
    .replace(CONTROL_CHARACTERS, '')
    .replace(BIDI_CONTROLS, '')
    .normalize('NFC');
}

/** Visible ASCII only: the one alphabet an HTTP header and a JSON string agree on byte for byte. */
export const VISIBLE_ASCII = /^[\x21-\x7e]+$/;
