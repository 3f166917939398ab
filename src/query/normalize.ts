import * as OpenCC from "opencc-js";

/** A normalised question with a map back to offsets in the original. */
export interface Normalized {
  text: string;
  /** map[i] is the offset in the original of text[i]; map[text.length] is the original's length. */
  map: number[];
}

/** Traditional → simplified (character level, so lengths are kept), created once. */
let toSimplified: ((s: string) => string) | null = null;
function simplify(s: string): string {
  const convert = (toSimplified ??= OpenCC.Converter({ from: "tw", to: "cn" }));
  return convert(s);
}

/** Full-width characters that stay as typed: Chinese brackets (matching ignores brackets anyway). */
const KEEP_FULL = new Set(["（", "）"]);

/** Zero-width, bidi and other invisible format characters, and control characters. */
function isInvisible(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return (
    c <= 0x1f ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0xad ||
    (c >= 0x200b && c <= 0x200f) ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2060 && c <= 0x2064) ||
    c === 0xfeff
  );
}

const CN_DIGIT: Record<string, string> = Object.fromEntries(
  [..."〇零○Ｏ一二三四五六七八九"].map((ch, i) => [ch, String(Math.max(0, i - 3))]),
);

/** Half width for one character (digits, letters, punctuation; not the Chinese round brackets). */
function halfWidthChar(ch: string): string {
  const code = ch.charCodeAt(0);
  if (code === 0x3000) return " ";
  if (code >= 0xff01 && code <= 0xff5e && !KEEP_FULL.has(ch)) return String.fromCharCode(code - 0xfee0);
  return ch;
}

/**
 * Normalises a question: half width (digits, letters, punctuation; Chinese brackets kept),
 * traditional → simplified, zero-width and control characters and all whitespace removed, and
 * years in Chinese numerals as digits (二〇二二年 → 2022年, 一七年 → 17年).
 */
export function normalizeQuestion(question: string): Normalized {
  const chars: string[] = [];
  const map: number[] = [];
  // Code points, not UTF-16 units: a surrogate pair stays one character.
  let offset = 0;
  for (const raw of question) {
    const at = offset;
    offset += raw.length;
    if (isInvisible(raw)) continue;
    const ch = halfWidthChar(raw);
    if (/\s/.test(ch)) continue;
    chars.push(ch);
    map.push(at);
  }
  let text = chars.join("");
  const simplified = simplify(text);
  // The converter works per character here; should a phrase change length, keep the map approximate.
  if (simplified.length === text.length) text = simplified;
  else {
    text = simplified;
    while (map.length < text.length) map.push(map[map.length - 1] ?? 0);
    map.length = text.length;
  }
  map.push(question.length);
  return yearsInDigits({ text, map });
}

/** 二〇二二年 → 2022年, 一七年 → 17年 (two digits only when they look like a year: 一x or 二x). */
function yearsInDigits(n: Normalized): Normalized {
  const re =
    /(?<![〇零○Ｏ一二三四五六七八九十百千万])([〇零○Ｏ一二三四五六七八九]{4}|[一二][〇零○Ｏ一二三四五六七八九])(?=年)/g;
  let text = "";
  const map: number[] = [];
  let last = 0;
  for (const m of n.text.matchAll(re)) {
    const start = m.index;
    text += n.text.slice(last, start);
    map.push(...n.map.slice(last, start));
    for (let i = 0; i < m[0].length; i++) {
      text += CN_DIGIT[m[0][i]!] ?? m[0][i]!;
      map.push(n.map[start + i]!);
    }
    last = start + m[0].length;
  }
  if (last === 0) return n;
  text += n.text.slice(last);
  map.push(...n.map.slice(last));
  return { text, map };
}

/** The normalised question text alone. */
export function normalize(question: string): string {
  return normalizeQuestion(question).text;
}

/** Quotes and brackets: ignored when matching words ("因公出国（境）费" = "因公出国境费"). */
export const IGNORABLE = new Set([..."()（）[]【】「」『』《》〈〉\"'“”‘’"]);

/** A matching key: the text without quotes and brackets, with offsets back into the text. */
export interface MatchKey {
  key: string;
  /** pos[i] is the offset in the text of key[i]; pos[key.length] is the text's length. */
  pos: number[];
}

/** Key for matching (quotes and brackets skipped), with offsets back into `text`. */
export function matchKey(text: string): MatchKey {
  let key = "";
  const pos: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (IGNORABLE.has(ch)) continue;
    key += ch;
    pos.push(i);
  }
  pos.push(text.length);
  return { key, pos };
}

/** A word of the lexicon or a name as it is matched: normalised, quotes and brackets removed. */
export function wordKey(word: string): string {
  let key = wordKeys.get(word);
  if (key === undefined) {
    key = matchKey(normalize(word)).key;
    if (wordKeys.size >= MAX_WORD_KEYS) wordKeys.clear();
    wordKeys.set(word, key);
  }
  return key;
}

/** Keys of words already seen: unit names and vocabulary recur across documents and questions. */
const wordKeys = new Map<string, string>();
const MAX_WORD_KEYS = 100_000;
