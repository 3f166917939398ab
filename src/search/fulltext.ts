import { create, insertMultiple, search, type AnyOrama } from "@orama/orama";
import type { DocModel } from "../ingest/index.js";
import { KeptWords, tokenize, tokenizeEach } from "./tokenizer.js";

/** A searchable passage: a sentence or a table row of one document. */
export interface Passage {
  kind: "sentence" | "row";
  /** Index into model.sentences, or "table:row" for rows. */
  ref: string;
  text: string;
}

// Only the text is indexed; kind and ref ride along in the stored document.
const schema = { text: "string" } as const;

export function passagesOf(model: DocModel): Passage[] {
  const out: Passage[] = model.sentences.map((s, i) => ({ kind: "sentence", ref: String(i), text: s.text }));
  model.tables.forEach((t, ti) =>
    t.rows.forEach((r, ri) => {
      const cells = r.cells
        .map((c) => c.text)
        .filter(Boolean)
        .join(" ");
      out.push({ kind: "row", ref: `${ti}:${ri}`, text: `${t.title} ${r.code ?? ""} ${r.label} ${cells}` });
    }),
  );
  return out;
}

/**
 * Jieba tokens of every passage, in passage order. This is the costly half of indexing (jieba);
 * it is done once at ingestion and persisted, and the Orama index is filled from it.
 */
export const tokenizePassages = (passages: Passage[], words: Iterable<string> = []): string[][] => {
  // The document's own names only: its tokens do not depend on the rest of the collection.
  const keep = new KeptWords(words);
  return tokenizeEach(
    passages.map((p) => p.text),
    keep,
  );
};

/**
 * One document's Orama index (indexes are per document: small, and only the documents holding the
 * query's words are searched). `tokens` are the passages' persisted tokens; queries go through jieba.
 */
export function buildSearchIndex(model: DocModel, tokens?: string[][]): AnyOrama {
  const passages = passagesOf(model);
  const known = new Map<string, string[]>();
  if (tokens && tokens.length === passages.length) passages.forEach((p, i) => known.set(p.text, tokens[i]!));
  const db = create({
    schema,
    components: {
      tokenizer: {
        language: "chinese",
        normalizationCache: new Map(),
        tokenize: (raw: string) => known.get(raw) ?? tokenize(raw),
      },
    },
  }) as AnyOrama;
  insertMultiple(db, passages as never[]);
  return db;
}

export interface SearchHit {
  ref: string;
  kind: "sentence" | "row";
  /** How many of the query's words the passage holds: ranks before the BM25 score. */
  coverage: number;
  score: number;
}

/**
 * Passages for a query, best first. Orama matches each query word as a prefix ("企业" also counts
 * 企业家 and 企业改制), so a short passage repeating one common word can outscore one holding all
 * the words; hits are therefore ranked by how many distinct query words they hold, then by BM25.
 * Identical passages (a duty list printed twice) are given once, and a passage holding none of the
 * topic words (only "工作", "开展"…) is not offered as related.
 */
/**
 * `notTopic`: question words that say nothing about the topic (intents/lexicon/answering.yaml
 * notTopic): a passage holding only these is not related.
 */
export function searchPassages(
  db: AnyOrama,
  query: string,
  limit: number,
  notTopic: ReadonlySet<string>,
): SearchHit[] {
  const tokens = tokenize(query);
  if (!tokens.length) return [];
  const words = tokens.filter((w) => (w.length >= 2 || /\d/.test(w)) && !notTopic.has(w));
  // threshold 0 would keep only passages holding every token and drop right answers.
  const res = search(db, {
    term: query,
    properties: ["text"],
    limit: limit * 5,
    threshold: 1,
  }) as unknown as {
    hits: Array<{ score: number; document: Passage }>;
  };
  const seen = new Set<string>();
  const hits: SearchHit[] = [];
  for (const h of res.hits) {
    if (seen.has(h.document.text)) continue;
    seen.add(h.document.text);
    const coverage = words.filter((w) => h.document.text.includes(w)).length;
    if (words.length && coverage === 0) continue;
    hits.push({ ref: h.document.ref, kind: h.document.kind, coverage, score: h.score });
  }
  return hits.sort(byRelevance).slice(0, limit);
}

export const byRelevance = (a: SearchHit, b: SearchHit) => b.coverage - a.coverage || b.score - a.score;
