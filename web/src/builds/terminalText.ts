// What a terminal would show for one stored log line: the text after its last carriage return
// (progress bars redraw a line with `\r`), coloured by its SGR escape codes. Everything else a
// terminal would interpret (titles, cursor moves, charsets) is dropped; the result is plain text
// in spans with CSS classes, never HTML.
import Anser from "anser";

export interface LineSpan {
  text: string;
  /** Space-separated `builds-*` classes, or "" for the default style. */
  className: string;
}

export type LineView = readonly LineSpan[];

const ESC = "\u001b";

// Escapes that are not CSI (anser handles CSI and drops the ones it cannot draw):
// OSC (titles, hyperlinks), DCS/SOS/PM/APC strings, charset selections, single-character ones.
const NON_CSI_ESCAPES = new RegExp(
  [
    `${ESC}\\][\\s\\S]*?(?:\\u0007|${ESC}\\\\|$)`,
    `${ESC}[PX^_][\\s\\S]*?(?:${ESC}\\\\|$)`,
    `${ESC}[\\u0020-\\u002f]+[\\u0030-\\u007e]`,
    `${ESC}[\\u0030-\\u003f\\u0040-\\u005a\\u005c\\u005e-\\u007e]`,
  ].join("|"),
  "g",
);
// Control characters left after parsing (a lone ESC, backspace, bell...); tabs stay.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g;
const SGR = /\u001b\[[0-9;:]*m/g;
const CSI = /\u001b\[[0-?]*[ -/]*[@-~]/g;

const COLOURS = new Set([
  "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
  "bright-black", "bright-red", "bright-green", "bright-yellow",
  "bright-blue", "bright-magenta", "bright-cyan", "bright-white",
]);
const DECORATIONS = new Set(["bold", "dim", "italic", "underline", "strikethrough"]);

function visible(segment: string): string {
  return segment.replace(NON_CSI_ESCAPES, "").replace(CSI, "").replace(CONTROLS, "");
}

/** The part of the line after its last carriage return that shows something, with the colour
 * codes set before it kept (a terminal keeps the colour across `\r`). */
export function afterCarriageReturns(text: string): string {
  if (!text.includes("\r")) return text;
  const segments = text.split("\r");
  for (let i = segments.length - 1; i >= 0; i -= 1) {
    if (visible(segments[i]) === "") continue;
    const earlierColours = segments.slice(0, i).join("").match(SGR)?.join("") ?? "";
    return earlierColours + segments[i];
  }
  return "";
}

// anser's class for a colour (`ansi-red`, `ansi-bright-blue`, `ansi-palette-200`, ...): only
// the 16 standard colours are drawn; 256-colour and true-colour codes keep the default.
function colourName(anserClass: string | null | undefined): string | null {
  if (!anserClass || !anserClass.startsWith("ansi-")) return null;
  const name = anserClass.slice("ansi-".length);
  return COLOURS.has(name) ? name : null;
}

function spanClass(entry: Anser.AnserJsonEntry): string {
  const classes: string[] = [];
  const fg = colourName(entry.fg);
  const bg = colourName(entry.bg);
  if (fg) classes.push(`builds-fg-${fg}`);
  if (bg) classes.push(`builds-bg-${bg}`);
  for (const decoration of entry.decorations ?? []) {
    if (DECORATIONS.has(decoration)) classes.push(`builds-${decoration}`);
  }
  return classes.join(" ");
}

export function lineView(text: string): LineView {
  const shown = afterCarriageReturns(text);
  if (!shown.includes(ESC)) {
    return [{ text: shown.replace(CONTROLS, ""), className: "" }];
  }
  const entries = Anser.ansiToJson(shown.replace(NON_CSI_ESCAPES, ""), {
    json: true,
    remove_empty: true,
    use_classes: true,
  });
  const spans: LineSpan[] = [];
  for (const entry of entries) {
    const content = entry.content.replace(CONTROLS, "");
    if (content) spans.push({ text: content, className: spanClass(entry) });
  }
  return spans;
}
