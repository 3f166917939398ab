import { create, insertMultiple, load, save, search, type AnyOrama, type RawData } from "@orama/orama";
import type { DocModel } from "../ingest/index.js";
import { tokenize } from "./tokenizer.js";

/** A searchable passage: a sentence or a table row of one document. */
export interface Passage {
  kind: "sentence" | "row";
  /** Index into model.sentences, or "table:row" for rows. */
  ref: string;
  text: string;
}

const schema = { kind: "enum", ref: "string", text: "string" } as const;

function newDb(): AnyOrama {
  // The persistence plugin's restore() would rebuild the db with the default tokenizer:
  // create with jieba first, then load() the saved data into it.
  return create({
    schema,
    components: {
      tokenizer: { language: "chinese", normalizationCache: new Map(), tokenize: (raw: string) => tokenize(raw) },
    },
  }) as AnyOrama;
}

export function passagesOf(model: DocModel): Passage[] {
  const out: Passage[] = model.sentences.map((s, i) => ({ kind: "sentence", ref: String(i), text: s.text }));
  model.tables.forEach((t, ti) =>
    t.rows.forEach((r, ri) => {
      const cells = r.cells.map((c) => c.text).filter(Boolean).join(" ");
      out.push({ kind: "row", ref: `${ti}:${ri}`, text: `${t.title} ${r.code ?? ""} ${r.label} ${cells}` });
    }),
  );
  return out;
}

/** Builds one document's index (indexes are per document: small, and filtered before searching). */
export function buildSearchIndex(model: DocModel): AnyOrama {
  const db = newDb();
  insertMultiple(db, passagesOf(model) as never[]);
  return db;
}

export const saveSearchIndex = (db: AnyOrama): RawData => save(db);

export function loadSearchIndex(raw: RawData): AnyOrama {
  const db = newDb();
  load(db, raw);
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
