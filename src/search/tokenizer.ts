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

/**
 * Words kept whole by matching them before jieba sees the text, rather than by adding them to
 * jieba's dictionary: jieba's dictionary is process-wide and only grows, so a document's tokens
 * would depend on which documents a thread built before it. Built from a document's own names
 * (unit, aliases, 科目), a document's tokens are the same in every build.
 */
export class KeptWords {
  private readonly byFirst = new Map<string, { words: Set<string>; lengths: number[] }>();
  /** Whether a kept word holds a space, tab or line break (where jieba otherwise cuts). */
  spaced = false;

  constructor(words: Iterable<string> = []) {
    this.add(words);
  }

  add(words: Iterable<string>): void {
    for (const w of words) {
      if (!w || w.length < 2 || w.length > 30) continue;
      const slot = this.byFirst.get(w[0]!) ?? { words: new Set<string>(), lengths: [] };
      if (slot.words.has(w)) continue;
      slot.words.add(w);
      if (/[ \t\n]/.test(w)) this.spaced = true;
      if (!slot.lengths.includes(w.length)) {
        slot.lengths.push(w.length);
        slot.lengths.sort((a, b) => b - a);
      }
      this.byFirst.set(w[0]!, slot);
    }
  }

  get size(): number {
    return this.byFirst.size;
  }

  /** The longest kept word starting at `i`, or undefined. */
  at(text: string, i: number): string | undefined {
    const slot = this.byFirst.get(text[i]!);
    if (!slot) return undefined;
    for (const len of slot.lengths) {
      const w = text.slice(i, i + len);
      if (slot.words.has(w)) return w;
    }
    return undefined;
  }

  /** Whether a kept word is printed anywhere in `text`. */
  occursIn(text: string): boolean {
    for (let i = 0; i < text.length; i++) if (this.at(text, i) !== undefined) return true;
    return false;
  }
}

/** Unit and 科目 names of the whole collection, kept whole in questions. */
const collectionWords = new KeptWords();

/** Adds names of the collection's documents, kept whole when questions are segmented. */
export function addCollectionWords(words: Iterable<string>): void {
  collectionWords.add(words);
}

function flushUserWords(): void {
  if (!pending.length) return;
  for (const w of pending) jieba.insertWord(w);
  pending = [];
  chunkCache.clear(); // jieba's dictionary changed: chunks may segment differently now
}

/**
 * Index tokens of chunks (text between jieba's breaks) holding no kept word, across documents:
 * what they segment into depends only on jieba's dictionary, and titles, row labels and figures
 * recur from one disclosure to the next.
 */
const chunkCache = new Map<string, string[]>();
const MAX_CACHED_CHUNKS = 100_000;

/** Loads jieba's dictionary now (about a second) instead of on the first question that needs it. */
export function warmTokenizer(): void {
  segment("预热");
}

const PUNCT = /^[\s\p{P}\p{S}]+$/u;

/**
 * Segments Chinese text. `cut(text, true)` (HMM on) keeps numbers such as 701.63 whole. `keep`
 * words come out whole (default: the collection's names); jieba segments the text between them.
 */
export function segment(text: string, keep: KeptWords = collectionWords): string[] {
  if (!text) return [];
  flushUserWords();
  if (keep.size === 0) return jieba.cut(text, true);
  const out: string[] = [];
  let gap = 0;
  for (let i = 0; i < text.length;) {
    const word = keep.at(text, i);
    if (!word) {
      i++;
      continue;
    }
    if (gap < i) out.push(...jieba.cut(text.slice(gap, i), true));
    out.push(word);
    i += word.length;
    gap = i;
  }
  if (gap < text.length) out.push(...jieba.cut(text.slice(gap), true));
  return out;
}

/** Unique, lower-cased, punctuation-free tokens: what the Orama index stores and searches. */
export function tokenize(text: string, keep?: KeptWords): string[] {
  return indexTokens(segment(text, keep));
}

function indexTokens(pieces: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const t of pieces) {
    let token = indexForms.get(t);
    if (token === undefined) {
      const trimmed = t.trim().toLowerCase();
      token = trimmed && !PUNCT.test(trimmed) ? trimmed : "";
      if (indexForms.size >= MAX_INDEX_FORMS) indexForms.clear();
      indexForms.set(t, token);
    }
    if (token) out.add(token);
  }
  return [...out];
}

/** Each piece jieba returns as the index keeps it ("" for punctuation): pieces recur endlessly. */
const indexForms = new Map<string, string>();
const MAX_INDEX_FORMS = 200_000;

/**
 * `tokenize` of each text, the same tokens, made with few calls into jieba. jieba cuts at spaces,
 * tabs and line breaks and segments what lies between on its own (no kept word holds one), so
 * each distinct chunk between them is segmented once — a table's title opens every row's passage
 * and cells repeat — and the chunks are segmented joined by line breaks, in one call: a document's
 * hundreds of short passages cost a fraction of one call each. Texts are tokenized one by one when
 * a kept word holds a space, or when the segmentation does not split back cleanly.
 */
export function tokenizeEach(texts: string[], keep?: KeptWords): string[][] {
  if ((keep ?? collectionWords).spaced) return texts.map((t) => tokenize(t, keep));
  const ids = new Map<string, number>();
  const chunks: string[] = [];
  const chunked = texts.map((t) =>
    t
      .split(JIEBA_BREAKS)
      .filter(Boolean)
      .map((c) => {
        let i = ids.get(c);
        if (i === undefined) {
          ids.set(c, (i = chunks.length));
          chunks.push(c);
        }
        return i;
      }),
  );
  const kept = keep ?? collectionWords;
  flushUserWords(); // words added since: the cache is cleared before it is read
  const tokens: string[][] = new Array<string[]>(chunks.length);
  const fresh: number[] = [];
  const alone: boolean[] = chunks.map((c) => !kept.occursIn(c));
  chunks.forEach((c, i) => {
    const cached = alone[i] ? chunkCache.get(c) : undefined;
    if (cached) tokens[i] = cached;
    else fresh.push(i);
  });
  const made = chunkTokens(
    fresh.map((i) => chunks[i]!),
    keep,
  );
  if (!made) return texts.map((t) => tokenize(t, keep));
  fresh.forEach((i, k) => {
    tokens[i] = made[k]!;
    if (!alone[i]) return;
    if (chunkCache.size >= MAX_CACHED_CHUNKS) chunkCache.clear();
    chunkCache.set(chunks[i]!, made[k]!);
  });
  return chunked.map((list) => {
    const out = new Set<string>();
    for (const i of list) for (const token of tokens[i]!) out.add(token);
    return [...out];
  });
}

/** Where jieba cuts whatever the text: its separators that are whitespace. */
const JIEBA_BREAKS = /[ \t\n]+/;

/** The index tokens of each chunk (no breaks inside), segmented in one call; null if unsure. */
function chunkTokens(chunks: string[], keep?: KeptWords): string[][] | null {
  if (chunks.length === 0) return [];
  const pieces = segment(chunks.join("\n"), keep);
  const out: string[][] = [];
  let from = 0;
  for (let i = 0; i <= pieces.length; i++) {
    if (i < pieces.length && pieces[i] !== "\n") continue;
    out.push(indexTokens(pieces.slice(from, i)));
    from = i + 1;
  }
  // A piece holding a line break with other characters would shift every chunk after it.
  return out.length === chunks.length ? out : null;
}
