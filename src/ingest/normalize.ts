/**
 * A normalised view of part of the original text, for matching, with a map back to original offsets.
 * Whitespace between CJK characters is dropped (PDF extraction puts spaces and line breaks inside
 * words), whitespace between two ASCII word characters becomes one space (so "29 967.64" stays two
 * numbers), and full-width digits, letters and brackets become half-width.
 */
export interface NormalizedView {
  text: string;
  /** map[i] is the offset in the original text of text[i]; map[text.length] is the end offset. */
  map: number[];
}

const FULLWIDTH_KEEP = new Set(["，", "：", "；", "！", "？"]);
const FULLWIDTH_KEEP_CODES = new Set([...FULLWIDTH_KEEP].map((ch) => ch.charCodeAt(0)));

export function halfWidth(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code === 0x3000) return " ";
  if (code >= 0xff01 && code <= 0xff5e && !FULLWIDTH_KEEP.has(ch)) return String.fromCharCode(code - 0xfee0);
  return ch;
}

/** Whether a UTF-16 unit is whitespace as `\s` means it (after halfWidth: U+3000 is a space). */
function isSpaceCode(c: number): boolean {
  return (
    (c >= 0x09 && c <= 0x0d) ||
    c === 0x20 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/** [0-9A-Za-z.%] */
const isAsciiWordCode = (c: number) =>
  (c >= 0x30 && c <= 0x39) ||
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  c === 0x2e ||
  c === 0x25;

/** Normalises original[start, end). */
export function normalizeSpan(original: string, start = 0, end = original.length): NormalizedView {
  const out: number[] = [];
  const map: number[] = [];
  let pendingSpaceAt = -1;
  for (let i = start; i < end; i++) {
    let c = original.charCodeAt(i);
    if (isSpaceCode(c)) {
      if (pendingSpaceAt < 0) pendingSpaceAt = i;
      continue;
    }
    // halfWidth, on the code: full-width ASCII becomes ASCII, but for the kept punctuation.
    if (c >= 0xff01 && c <= 0xff5e && !FULLWIDTH_KEEP_CODES.has(c)) c -= 0xfee0;
    if (
      pendingSpaceAt >= 0 &&
      out.length > 0 &&
      isAsciiWordCode(out[out.length - 1]!) &&
      isAsciiWordCode(c)
    ) {
      out.push(0x20);
      map.push(pendingSpaceAt);
    }
    pendingSpaceAt = -1;
    out.push(c);
    map.push(i);
  }
  map.push(end);
  let text = "";
  for (let k = 0; k < out.length; k += 4096) text += String.fromCharCode(...out.slice(k, k + 4096));
  return { text, map };
}

/** True when every character of `short` appears in `long` in order (科经局 in 科学技术和经济信息化局). */
export function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const ch of long) if (ch === short[i]) i++;
  return i === short.length;
}

/** Text with all whitespace removed: how quotes are compared (the eval contract does the same). */
export const compact = (s: string) => s.replace(/\s+/g, "");

/**
 * Key used to compare labels and question terms: half-width, no whitespace, no quotes or
 * brackets, no 类/款/项 markers ("科学技术（类）支出" → "科学技术支出").
 */
export function labelKey(s: string): string {
  // Three passes doing what five replaces did, in the same order: whitespace runs out and
  // full-width ASCII to half-width; the leading enumerator; 类/款/项 markers and brackets (a
  // marker is tried first at each "(", as when markers went before brackets).
  return s.replace(SPACE_OR_FULLWIDTH, spaceOrHalfWidth).replace(ENUMERATOR, "").replace(MARKS, "");
}

/** Whitespace runs (U+3000 is whitespace) or one full-width ASCII character. */
const SPACE_OR_FULLWIDTH = /\s+|[\uff01-\uff5e]/g;
const spaceOrHalfWidth = (m: string) =>
  m.length === 1 && m >= "\uff01" && m <= "\uff5e" ? halfWidth(m) : "";
/** A leading enumerator ("1.", "一、", "（三）") or "其中：", dropped from a label key. */
const ENUMERATOR =
  /^(?:\d{1,2}[.、](?!\d)|[一二三四五六七八九十]{1,3}[、.]|[(（][一二三四五六七八九十\d]{1,3}[)）]|其中[:：]?)/;
/** "(类)", "(款)", "(项)" (subject-level markers, not words), quotes, brackets and list dots. */
const MARKS = /\((?:类|款|项)\)|["'“”‘’「」『』《》()（）【】[\]、·•]/g;
