import { normalizeSpan } from "./normalize.js";

export interface Line {
  /** Index of the line in the document. */
  index: number;
  start: number;
  /** End offset, excluding the line break. */
  end: number;
  /** Normalised text of the line (see normalize.ts). */
  norm: string;
  /** A tab-prefixed line: one table cell per line, as some PDF converters write tables. */
  tabCell: boolean;
  blank: boolean;
}

export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (let index = 0; start <= text.length; index++) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const stop = end > start && text[end - 1] === "\r" ? end - 1 : end;
    const norm = normalizeSpan(text, start, stop).text;
    lines.push({ index, start, end: stop, norm, tabCell: text[start] === "\t", blank: norm.length === 0 });
    start = end + 1;
  }
  return lines;
}

const CN_NUM = "一二三四五六七八九十百零〇";

/** Heading patterns, outermost first. The level is the index of the first pattern that matches. */
const HEADING_PATTERNS: RegExp[] = [
  new RegExp(`^第[${CN_NUM}\\d]+部分`),
  new RegExp(`^[${CN_NUM}]+、`),
  new RegExp(`^[(（][${CN_NUM}]+[)）]`),
  /^\d{1,2}(?:[.．、](?!\d)|\s)/,
  /^[(（]\d{1,2}[)）]/,
];

/** The heading level (0 = outermost) a line's numbering marks, or -1. */
export function enumeratorLevel(norm: string): number {
  return HEADING_PATTERNS.findIndex((re) => re.test(norm));
}

/** A short numbered line with no sentence punctuation: a section heading, not a paragraph start. */
export function headingLevel(norm: string): number {
  const level = enumeratorLevel(norm);
  if (level < 0) return -1;
  if (norm.length > 40 || /[，。；,]/.test(norm.slice(0, -1))) return -1;
  // "十一、机关运行经费：为保障…" is a definition that starts a paragraph, not a heading.
  if (/[:：]./.test(norm)) return -1;
  if (/\d(万元|元|%)/.test(norm)) return -1;
  return level;
}

/** A page number or running page marker: "- 14 -", "—3—", "第 3 页", or a lone small number. */
export function isPageMarker(norm: string): boolean {
  return (
    /^[-—–]\s?\d{1,4}\s?[-—–]$/.test(norm) || /^第\d{1,4}页(共\d+页)?$/.test(norm) || /^\d{1,3}$/.test(norm)
  );
}
