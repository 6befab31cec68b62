/**
 * How wide text shows on a terminal, in columns: East Asian wide characters and most emoji take
 * two, combining marks and zero-width characters none (measured by string-width, grapheme cluster
 * by cluster). `.length` counts UTF-16 units, which is wrong both ways.
 *
 * Text given here has been through terminalText already: the only escape sequences left are
 * Nova's own SGR colours, which take no column and are never cut in half. A tab is shown as one
 * space, because how far a tab moves depends on where it lands and a redrawn line must know its
 * width exactly.
 */
import stringWidth from 'string-width';

/** A colour sequence starting exactly at lastIndex. */
const SGR_AT = /\u001b\[[0-9;]*m/y;
const RESET = '\u001b[0m';
const ELLIPSIS = '…';
const segmenter = new Intl.Segmenter();

const untabbed = (text: string) => (text.includes('\t') ? text.replace(/\t/g, ' ') : text);

/** Columns `text` takes on a terminal (colour sequences take none). */
export function columnWidth(text: string): number {
  return stringWidth(untabbed(text));
}

/**
 * `text` cut to at most `max` columns, ending in `…` when cut. Colour sequences are kept whole, and
 * a cut line that had any ends with a reset so that no colour leaks past it. The walk stops at the
 * cut: a huge string costs no more than the part that is shown.
 */
export function clipColumns(text: string, max: number): string {
  if (max <= 0) return '';
  // Two columns per UTF-16 unit is the most any text takes: such a string fits as it is.
  if (text.length * 2 <= max) return untabbed(text);
  let width = 0;
  // Where the text must end if it turns out not to fit: one column is left for the ellipsis.
  let cut = -1;
  let colourEnd = 0;
  for (const { segment, index } of graphemes(text)) {
    if (index < colourEnd) continue;
    if (segment === '\u001b') {
      SGR_AT.lastIndex = index;
      if (SGR_AT.test(text)) {
        colourEnd = SGR_AT.lastIndex;
        continue;
      }
    }
    const w = segment === '\t' ? 1 : stringWidth(segment);
    if (cut < 0 && width + w > max - 1) cut = index;
    width += w;
    if (width > max) {
      const kept = untabbed(text.slice(0, cut));
      // A colour opened before the cut may still be on: a reset keeps it from leaking past the line.
      return `${kept}${kept.includes('\u001b[') ? RESET : ''}${ELLIPSIS}`;
    }
  }
  return untabbed(text);
}

/** UTF-16 units segmented at a time: Intl.Segmenter prepares the whole string it is given. */
const WINDOW = 512;

/**
 * The grapheme clusters of `text` with their index in it, segmenting one window at a time so that
 * a caller that stops early never pays for the rest. A window's last cluster may go on past it, so
 * it is segmented again at the start of the next window.
 */
function* graphemes(text: string): Generator<{ segment: string; index: number }> {
  let start = 0;
  while (start < text.length) {
    const end = windowEnd(text, start + WINDOW);
    if (end >= text.length) {
      for (const s of segmenter.segment(text.slice(start))) {
        yield { segment: s.segment, index: start + s.index };
      }
      return;
    }
    let next = start;
    let previous: { segment: string; index: number } | null = null;
    for (const s of segmenter.segment(text.slice(start, end))) {
      if (previous) yield previous;
      previous = { segment: s.segment, index: start + s.index };
      next = previous.index;
    }
    // A single cluster longer than the window (a letter under hundreds of marks) is taken as is.
    if (next === start && previous) {
      yield previous;
      next = end;
    }
    start = next;
  }
}

/**
 * A window never ends between the two halves of a surrogate pair: a cluster longer than a window
 * (prepended marks before an emoji) is taken as is, and a window that split the pair would start
 * the next one at a lone low surrogate, measured and cut differently than the whole text would be.
 */
function windowEnd(text: string, end: number): number {
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff && end < text.length ? end + 1 : end;
}

/** `text` followed by spaces up to `width` columns (unchanged when it is already as wide). */
export function padColumns(text: string, width: number): string {
  const missing = width - columnWidth(text);
  return missing > 0 ? `${text}${' '.repeat(missing)}` : text;
}
