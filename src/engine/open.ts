import { basename } from "node:path";
import type { AppConfig } from "../config/env.js";
import { existsSync } from "node:fs";
import { logger } from "../config/logger.js";
import { docIdOf, fileHash, ingestFile, labelKey, listDocuments, type DocModel } from "../ingest/index.js";
import { sentenceFacts, tableFacts, type Fact } from "../facts/extract.js";
import type { AnyOrama } from "@orama/orama";
import { loadIntents } from "../intents/index.js";
import { buildSearchIndex, loadSearchIndex, saveSearchIndex } from "../search/fulltext.js";
import { addUserWords } from "../search/tokenizer.js";
import { answerQuestion, namesOf, passageAround, type Corpus, type LoadedDoc } from "../answer/answer.js";
import { IndexStore } from "../store/index-store.js";
import type { Engine, IngestReport, OpenOptions } from "./index.js";

export function summarize(model: DocModel): IngestReport["documents"][number] {
  return {
    doc: model.id,
    unit: model.meta.unit,
    aliases: model.meta.aliases,
    region: model.meta.region,
    year: model.meta.year,
    kind: model.meta.kind,
    sections: model.sections.length,
    sentences: model.sentences.length,
    tables: model.tables.map((t) => ({
      title: t.number ? `${t.number} ${t.title}` : t.title,
      unit: t.unit,
      rows: t.rows.length,
      columns: t.columns.length,
      present: t.present,
    })),
    warnings: model.warnings,
  };
}

/**
 * A document ready to answer from. Its facts and its full-text index are made on first use, so
 * start-up only reads the models: a large corpus starts at once and pays per document it touches.
 */
function loadedDoc(model: DocModel, built: AnyOrama | null, store: IndexStore): LoadedDoc {
  let facts: Fact[] | null = null;
  let search = built;
  let words: string | null = null;
  const mentioned = new Map<string, boolean>();
  const byTerm = new Map<string, Fact[]>();
  const allFacts = () => (facts ??= [...sentenceFacts(model), ...tableFacts(model)]);
  return {
    model,
    factsFor(term: string) {
      let list = byTerm.get(term);
      if (!list) {
        // termScore only ever matches a term inside the label or the sentence before the figure.
        list = allFacts().filter((f) => f.label.includes(term) || f.context.includes(term));
        if (byTerm.size < 2_000) byTerm.set(term, list);
      }
      return list;
    },
    mentions(term: string) {
      let hit = mentioned.get(term);
      if (hit === undefined) {
        // Label keys of sentences and table rows: the same normalisation facts are matched with.
        words ??= [...model.sentences.map((x) => labelKey(x.text)), ...model.tables.flatMap((t) => [labelKey(t.title), ...t.rows.map((r) => labelKey(r.label))])].join("\n");
        hit = words.includes(term);
        if (mentioned.size < 10_000) mentioned.set(term, hit);
      }
      return hit;
    },
    get facts() {
      return allFacts();
    },
    search() {
      if (search) return search;
      const raw = store.loadSearch(model.id, model.hash);
      if (raw) search = loadSearchIndex(raw);
      else {
        logger.warn({ doc: model.id }, "search index missing or corrupt: rebuilding it");
        search = buildSearchIndex(model);
        try {
          store.saveSearch(model, saveSearchIndex(search));
        } catch (err) {
          logger.error({ doc: model.id, err: (err as Error).message }, "could not persist the search index");
        }
      }
      return search;
    },
  };
}

/** Loads the documents of a folder (from the persisted index when current) and returns an engine. */
export async function openEngine(opts: OpenOptions): Promise<{ engine: Engine; report: IngestReport }> {
  const intents = loadIntents(opts.intentsDir);
  if (!existsSync(opts.docsDir)) throw new Error(`documents folder not found: ${opts.docsDir}`);
  const store = new IndexStore(opts.indexDir, opts.docsDir);
  const report: IngestReport = { documents: [], failed: [] };
  const docs: LoadedDoc[] = [];
  const ids = new Set<string>();
  addUserWords(intents.flatMap((i) => [...i.triggers, ...i.terms]));
  for (const path of listDocuments(opts.docsDir)) {
    const id = docIdOf(path);
    let model: DocModel | null = null;
    let built: AnyOrama | null = null;
    if (!opts.rebuild) {
      try {
        const cached = store.loadModel(id, fileHash(path));
        if ("model" in cached) model = cached.model;
        else if (cached.reason !== "not built yet") logger.warn({ doc: id, reason: cached.reason }, "rebuilding document index");
      } catch (err) {
        logger.warn({ doc: id, err: (err as Error).message }, "rebuilding document index");
      }
    }
    if (!model) {
      const outcome = ingestFile(path);
      if (!outcome.ok) {
        report.failed.push({ file: basename(path), reason: outcome.reason });
        logger.warn({ file: basename(path), reason: outcome.reason }, "document skipped");
        continue;
      }
      model = outcome.model;
      built = buildSearchIndex(model);
      try {
        store.save(model, saveSearchIndex(built));
      } catch (err) {
        logger.error({ doc: id, err: (err as Error).message }, "could not persist the index; answering from memory");
      }
    }
    ids.add(id);
    // Unit names and 科目 names (rows with a subject code) stay whole in jieba's segmentation.
    addUserWords([model.meta.unit ?? "", ...model.meta.aliases, ...model.tables.flatMap((t) => t.rows.filter((r) => r.code).map((r) => labelKey(r.label)))]);
    docs.push(loadedDoc(model, built, store));
    report.documents.push(summarize(model));
  }
  store.prune(ids);
  const years = docs.map((d) => d.model.meta.year).filter((y): y is number => y !== null);
  const corpus: Corpus = {
    docs,
    byId: new Map(docs.map((d) => [d.model.id, d])),
    intents,
    newestYear: years.length ? Math.max(...years) : null,
    names: namesOf(docs),
  };
  const generation = `${Date.now().toString(36)}-${docs.length}`;
  const engine: Engine = {
    generation,
    ask: (question, options) => answerQuestion(corpus, question, options),
    documents: () => report.documents.map(({ doc, unit, aliases, region, year, kind }) => ({ doc, unit, aliases, region, year, kind })),
    passage: (doc, span) => {
      const d = corpus.byId.get(doc);
      return d ? passageAround(d, span) : null;
    },
  };
  return { engine, report };
}

/** Opens the engine on the configured folders; `docsDir` (a CLI flag) overrides DOCS_DIR. */
export function openFromConfig(config: AppConfig, overrides: { docsDir?: string; rebuild?: boolean } = {}) {
  return openEngine({
    docsDir: overrides.docsDir ?? config.DOCS_DIR,
    indexDir: config.INDEX_DIR,
    intentsDir: config.INTENTS_DIR,
    rebuild: overrides.rebuild,
  });
}
