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
/** The characters halfWidth may change (ideographic space and the full-width ASCII block). */
const FULLWIDTH = /[\u3000\uff01-\uff5e]/g;

export function halfWidth(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code === 0x3000) return " ";
  if (code >= 0xff01 && code <= 0xff5e && !FULLWIDTH_KEEP.has(ch)) return String.fromCharCode(code - 0xfee0);
  return ch;
}

const isAsciiWord = (ch: string | undefined) => ch !== undefined && /[0-9A-Za-z.%]/.test(ch);

/** Normalises original[start, end). */
export function normalizeSpan(original: string, start = 0, end = original.length): NormalizedView {
  const out: string[] = [];
  const map: number[] = [];
  let pendingSpaceAt = -1;
  for (let i = start; i < end; i++) {
    const ch = halfWidth(original[i]!);
    if (/\s/.test(ch)) {
      if (pendingSpaceAt < 0) pendingSpaceAt = i;
      continue;
    }
    if (pendingSpaceAt >= 0 && out.length > 0 && isAsciiWord(out[out.length - 1]) && isAsciiWord(ch)) {
      out.push(" ");
      map.push(pendingSpaceAt);
    }
    pendingSpaceAt = -1;
    out.push(ch);
    map.push(i);
  }
  map.push(end);
  return { text: out.join(""), map };
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
  return s
    .replace(FULLWIDTH, halfWidth)
    .replace(/\s+/g, "")
    .replace(
      /^(?:\d{1,2}[.、](?!\d)|[一二三四五六七八九十]{1,3}[、.]|[(（][一二三四五六七八九十\d]{1,3}[)）]|其中[:：]?)/,
      "",
    )
    .replace(/\((类|款|项)\)/g, "")
    .replace(/["'“”‘’「」『』《》()（）【】[\]、·•]/g, "");
}
