import { basename } from "node:path";
import { existsSync } from "node:fs";
import type { AnyOrama } from "@orama/orama";
import type { AppConfig } from "../config/env.js";
import { logger } from "../config/logger.js";
import {
  MODEL_VERSION,
  docIdOf,
  fileHash,
  fileStamp,
  labelKey,
  listFolder,
  type DocModel,
} from "../ingest/index.js";
import { sentenceFacts, tableFacts, type Fact } from "../facts/extract.js";
import { prepareFigures } from "../operations/figures.js";
import { loadIntents } from "../intents/index.js";
import { buildSearchIndex, passagesOf, tokenizePassages } from "../search/fulltext.js";
import { addCollectionWords, addUserWords, warmTokenizer } from "../search/tokenizer.js";
import type { LoadedDoc } from "../answer/answer.js";
import { passageAround } from "../operations/passage.js";
import { createAnswerer } from "../answer/ask.js";
import { createLanguage } from "../answer/language.js";
import { jiebaUserWords, loadLexicon } from "../lexicon/index.js";
import { IndexStore, type CatalogEntry } from "../store/index-store.js";
import { buildDocumentSync, buildDocuments, catalogEntry, vetAliases, type BuildResult } from "./build.js";
import type { Engine, IngestReport, OpenOptions } from "./index.js";

/** A model standing in for a document that became unreadable after start: it answers "not disclosed". */
function emptyModel(entry: CatalogEntry): DocModel {
  return {
    version: MODEL_VERSION,
    id: entry.id,
    file: entry.file,
    hash: entry.hash,
    encoding: "utf-8",
    format: "txt",
    pages: [],
    text: "",
    meta: entry.meta,
    sections: [],
    sentences: [],
    tables: [],
    warnings: ["document unreadable"],
  };
}

/** The persisted documents of one engine: the catalog entries, rewritten when a document is healed. */
interface Catalog {
  store: IndexStore;
  entries: Map<string, CatalogEntry>;
  save(): void;
  /** Words jieba keeps whole (intent terms), for a document rebuilt in a worker. */
  userWords: string[];
}

/** A document as the engine holds it: what answering uses, plus warming up. */
interface EngineDoc extends LoadedDoc {
  /** Reads the model and makes the figures and word index now. */
  prepare(): void;
  readonly loaded: boolean;
}

/**
 * A document ready to answer from. Start-up reads only its catalog entry; the model, the facts and
 * the full-text index are read or made on first use, so a large corpus starts at once and pays per
 * document a question touches. A file found damaged then is rebuilt from the document.
 */
function loadedDoc(
  path: string,
  entry: CatalogEntry,
  catalog: Catalog,
  built?: BuildResult & { ok: true },
): EngineDoc {
  let model: DocModel | null = built?.model ?? null;
  let tokens: string[][] | null = built?.tokens ?? null;
  let facts: Fact[] | null = null;
  let search: AnyOrama | null = null;
  let words: string | null = null;
  const mentioned = new Map<string, boolean>();

  const heal = (reason: string): DocModel => {
    logger.warn({ doc: entry.id, reason }, "index file unusable: rebuilding the document");
    const rebuilt = buildDocumentSync(path, catalog.store, catalog.userWords);
    if (!rebuilt.ok) {
      logger.error({ doc: entry.id, reason: rebuilt.reason }, "document unreadable: answering without it");
      return emptyModel(entry);
    }
    tokens = rebuilt.tokens ?? null;
    if (rebuilt.saved) {
      catalog.entries.set(entry.id, rebuilt.entry);
      catalog.save();
    }
    return rebuilt.model!;
  };
  const getModel = (): DocModel => {
    if (!model) {
      const cached = catalog.store.loadModel(entry.id, entry.hash);
      model = "model" in cached ? cached.model : heal(cached.reason);
    }
    return model;
  };
  const allFacts = () => (facts ??= [...sentenceFacts(getModel()), ...tableFacts(getModel())]);
  // Label keys of sentences and table rows: the same normalisation facts are matched with.
  const wordsOf = (m: DocModel) =>
    (words ??= [
      ...m.sentences.map((x) => labelKey(x.text)),
      ...m.tables.flatMap((t) => [labelKey(t.title), ...t.rows.map((r) => labelKey(r.label))]),
    ].join("\n"));
  return {
    prepare() {
      wordsOf(getModel());
      allFacts();
    },
    get loaded() {
      return model !== null;
    },
    id: entry.id,
    file: entry.file,
    meta: entry.meta,
    get model() {
      return getModel();
    },
    mentions(term: string) {
      let hit = mentioned.get(term);
      if (hit === undefined) {
        hit = wordsOf(getModel()).includes(term);
        if (mentioned.size < 10_000) mentioned.set(term, hit);
      }
      return hit;
    },
    get facts() {
      return allFacts();
    },
    search() {
      if (search) return search;
      const m = getModel();
      const passages = passagesOf(m);
      tokens ??= catalog.store.loadTokens(m, passages.length);
      if (!tokens) {
        logger.warn({ doc: entry.id }, "search tokens missing or corrupt: segmenting the document again");
        tokens = tokenizePassages(passages, entry.words);
        try {
          const bytes = catalog.store.saveTokens(m, tokens);
          const now = catalog.entries.get(entry.id) ?? entry;
          catalog.entries.set(entry.id, { ...now, bytes: { ...now.bytes, search: bytes } });
          catalog.save();
        } catch (err) {
          logger.error({ doc: entry.id, err: (err as Error).message }, "could not persist the search tokens");
        }
      }
      search = buildSearchIndex(m, tokens);
      tokens = null; // Orama holds them now
      return search;
    },
  };
}

/** Why a catalog entry cannot be used for the file at `path`, or null when it is current. */
function staleness(store: IndexStore, entry: CatalogEntry | undefined, hash: string): string | null {
  if (!entry) return "not built yet";
  if (entry.hash !== hash) return "document changed";
  if (!store.filesIntact(entry)) return "index files missing or truncated";
  return null;
}

/**
 * Without a usable catalog (first run after an upgrade, or a damaged catalog), model and token
 * files that are still current are reused: reading them is much cheaper than ingesting again.
 */
function recoverEntry(store: IndexStore, path: string, hash: string): CatalogEntry | null {
  const cached = store.loadModel(docIdOf(path), hash);
  if (!("model" in cached)) return null;
  const model = cached.model;
  if (!store.loadTokens(model, passagesOf(model).length)) return null;
  const sizes = store.sizesOf(model.id);
  return sizes ? catalogEntry(model, sizes) : null;
}

/** Loads the documents of a folder (from the persisted index when current) and returns an engine. */
export async function openEngine(opts: OpenOptions): Promise<{ engine: Engine; report: IngestReport }> {
  const intents = loadIntents(opts.intentsDir);
  const lexicon = loadLexicon(opts.intentsDir);
  if (!existsSync(opts.docsDir)) throw new Error(`documents folder not found: ${opts.docsDir}`);
  const store = new IndexStore(opts.indexDir, opts.docsDir);
  const intentWords = [...intents.flatMap((i) => [...i.triggers, ...i.terms]), ...jiebaUserWords(lexicon)];
  addUserWords(intentWords);

  const read = opts.rebuild ? { reason: "rebuild asked for" } : store.readCatalog();
  const known = read instanceof Map ? read : new Map<string, CatalogEntry>();
  if (!(read instanceof Map) && read.reason !== "not built yet" && !opts.rebuild)
    logger.warn({ reason: read.reason }, "index catalog unusable: checking each document");

  const { documents: paths, unread } = listFolder(opts.docsDir);
  const current = new Map<string, CatalogEntry>();
  const toBuild: string[] = [];
  let changed = !(read instanceof Map);
  const stamps = new Map<string, string>();
  for (const path of paths) {
    const id = docIdOf(path);
    let hash: string;
    try {
      // Unchanged since it was last hashed (size, time, sidecar, ingestion code): not read again.
      const stamp = fileStamp(path);
      if (stamp) stamps.set(path, stamp);
      const before = known.get(id);
      // Built anyway (a rebuild, or a document a usable catalog does not know): the build hashes
      // what it reads. Without a catalog, the hash may find index files still current.
      if (opts.rebuild || (!before && read instanceof Map)) {
        toBuild.push(path);
        continue;
      }
      hash = stamp && before?.stamp === stamp ? before.hash : fileHash(path);
    } catch {
      toBuild.push(path); // unreadable: building reports why
      continue;
    }
    const reason = opts.rebuild ? "rebuild asked for" : staleness(store, known.get(id), hash);
    const recovered =
      reason && !opts.rebuild && !(read instanceof Map) ? recoverEntry(store, path, hash) : null;
    if (!reason || recovered) {
      current.set(path, recovered ?? known.get(id)!);
      changed ||= !!recovered;
      continue;
    }
    if (reason !== "not built yet" && reason !== "rebuild asked for")
      logger.warn({ doc: id, reason }, "rebuilding document index");
    toBuild.push(path);
  }

  const built = new Map<string, BuildResult>();
  const start = performance.now();
  const { results, threads, workerFailures } = await buildDocuments(
    toBuild,
    store,
    { indexDir: opts.indexDir, docsDir: opts.docsDir },
    intentWords,
    opts.workers,
  );
  toBuild.forEach((p, i) => built.set(p, results[i]!));

  const report: IngestReport = {
    documents: [],
    // Files of a format the product does not read are listed, never silently skipped.
    failed: [...unread],
    built: { documents: toBuild.length, threads, workerFailures, ms: Math.round(performance.now() - start) },
  };
  const entries = new Map<string, CatalogEntry>();
  const catalog: Catalog = {
    store,
    entries,
    save: () => writeCatalog(store, entries),
    userWords: intentWords,
  };
  const docs: EngineDoc[] = [];
  // Aliases are checked against every unit's name and the metric words (see vetAliases).
  const unitNames = new Map<string, string>();
  for (const path of paths) {
    const r = built.get(path);
    const e = r ? (r.ok ? r.entry : undefined) : current.get(path);
    if (e?.meta.unit) unitNames.set(e.meta.unit, e.id);
  }
  const metricWords = new Set(intents.flatMap((i) => [i.name, ...i.triggers, ...i.terms]));
  for (const path of paths) {
    const result = built.get(path);
    if (result && !result.ok) {
      report.failed.push({ file: basename(path), reason: result.reason });
      logger.warn({ file: basename(path), reason: result.reason }, "document skipped");
      continue;
    }
    const stored = result?.ok ? result.entry : current.get(path);
    if (!stored) continue;
    if (!result || result.saved) {
      const stamp = stamps.get(path);
      entries.set(stored.id, stamp && stored.stamp !== stamp ? { ...stored, stamp } : stored);
    }
    const entry = vetAliases(stored, unitNames, metricWords);
    if (result) changed = true;
    // Unit names and 科目 names stay whole in jieba's segmentation of questions.
    addCollectionWords(entry.words);
    docs.push(loadedDoc(path, entry, catalog, result?.ok ? result : undefined));
    report.documents.push(entry.report);
  }
  changed ||= entries.size !== known.size || [...entries].some(([id, e]) => known.get(id) !== e);
  if (changed) catalog.save();
  store.prune(new Set(docs.map((d) => d.id)));

  const byId = new Map(docs.map((d) => [d.id, d]));
  const totals = intents.filter((i) => i.fallback).flatMap((i) => i.terms);
  const answer = createAnswerer(docs, createLanguage(lexicon, totals));
  const generation = `${Date.now().toString(36)}-${docs.length}`;
  const engine: Engine = {
    generation,
    ask: (question, options) => answer(question, options),
    documents: () =>
      report.documents.map(({ doc, unit, aliases, region, year, kind }) => ({
        doc,
        unit,
        aliases,
        region,
        year,
        kind,
      })),
    passage: (doc, span) => {
      const d = byId.get(doc);
      return d ? passageAround(d, span) : null;
    },
    warmUp: async () => {
      const start = performance.now();
      warmTokenizer();
      for (let i = 0; i < docs.length; i++) {
        docs[i]!.prepare();
        prepareFigures(docs[i]!);
        // A few documents at a time (~10 ms), then let waiting questions and updates through.
        if (i % 4 === 3) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      logger.info(
        { documents: docs.length, ms: Math.round(performance.now() - start) },
        "all documents in memory",
      );
    },
    loadedDocuments: () => docs.filter((d) => d.loaded).length,
  };
  return { engine, report };
}

function writeCatalog(store: IndexStore, entries: Map<string, CatalogEntry>): void {
  try {
    store.writeCatalog([...entries.values()]);
  } catch (err) {
    logger.error(
      { err: (err as Error).message },
      "could not write the index catalog: the next start checks each document",
    );
  }
}

/** Opens the engine on the configured folders; `docsDir` (a CLI flag) overrides DOCS_DIR. */
export function openFromConfig(
  config: AppConfig,
  overrides: { docsDir?: string; rebuild?: boolean; workers?: OpenOptions["workers"] } = {},
) {
  return openEngine({
    docsDir: overrides.docsDir ?? config.DOCS_DIR,
    indexDir: config.INDEX_DIR,
    intentsDir: config.INTENTS_DIR,
    rebuild: overrides.rebuild,
    workers: overrides.workers,
  });
}
