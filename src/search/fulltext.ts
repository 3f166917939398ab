import { create, insertMultiple, search, type AnyOrama } from "@orama/orama";
import type { DocModel } from "../ingest/index.js";
import { tokenize } from "./tokenizer.js";

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
export const tokenizePassages = (passages: Passage[]): string[][] => passages.map((p) => tokenize(p.text));

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
  score: number;
}

export function searchPassages(db: AnyOrama, query: string, limit = 3): SearchHit[] {
  if (!tokenize(query).length) return [];
  // threshold 0 would keep only passages holding every token and drop right answers.
  const res = search(db, { term: query, properties: ["text"], limit, threshold: 1 }) as unknown as {
    hits: Array<{ score: number; document: Passage }>;
  };
  return res.hits.map((h) => ({ ref: h.document.ref, kind: h.document.kind, score: h.score }));
}
