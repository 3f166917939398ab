import * as jieba from "nodejs-jieba";

const userWords = new Set<string>();
let pending: string[] = [];

/**
 * Adds domain words (intent terms, unit names, 科目 names) so jieba keeps them whole. They are
 * handed to jieba on the next segmentation: loading jieba's dictionary costs about a second, which
 * start-up should not pay when no question needs segmenting.
 */
export function addUserWords(words: Iterable<string>): void {
  for (const w of words) {
    if (!w || w.length < 2 || w.length > 30 || userWords.has(w)) continue;
    userWords.add(w);
    pending.push(w);
  }
}

function flushUserWords(): void {
  if (!pending.length) return;
  for (const w of pending) jieba.insertWord(w);
  pending = [];
}

/** Loads jieba's dictionary now (about a second) instead of on the first question that needs it. */
export function warmTokenizer(): void {
  segment("预热");
}

const PUNCT = /^[\s\p{P}\p{S}]+$/u;

/** Segments Chinese text. `cut(text, true)` (HMM on) keeps numbers such as 701.63 whole. */
export function segment(text: string): string[] {
  if (!text) return [];
  flushUserWords();
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
