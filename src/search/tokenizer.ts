import * as jieba from "nodejs-jieba";

const userWords = new Set<string>();

/** Adds domain words (intent terms, unit names, 科目 names) so jieba keeps them whole. */
export function addUserWords(words: Iterable<string>): void {
  for (const w of words) {
    if (!w || w.length < 2 || w.length > 30 || userWords.has(w)) continue;
    userWords.add(w);
    jieba.insertWord(w);
  }
}

const PUNCT = /^[\s\p{P}\p{S}]+$/u;

/** Segments Chinese text. `cut(text, true)` (HMM on) keeps numbers such as 701.63 whole. */
export function segment(text: string): string[] {
  if (!text) return [];
  return jieba.cut(text, true);
}

/** Unique, lower-cased, punctuation-free tokens: what the Orama index stores and searches. */
export function tokenize(text: string): string[] {
  const out = new Set<string>();
  for (const t of segment(text)) {
    const token = t.trim().toLowerCase();
    if (token && !PUNCT.test(token)) out.add(token);
  }
  return [...out];
}
