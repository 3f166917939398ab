// Building a document's index files: ingest → model, jieba → passage tokens, both persisted.
// Many documents are built in a pool of worker threads (one per core); a few, inline.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { MessageChannel, Worker, receiveMessageOnPort } from "node:worker_threads";
import { Piscina } from "piscina";
import { logger } from "../config/logger.js";
import {
  formatOfName,
  ingestFile,
  ingestFileSync,
  labelKey,
  reportOf,
  type DocModel,
  type IngestOutcome,
} from "../ingest/index.js";
import { passagesOf, tokenizePassages } from "../search/fulltext.js";
import type { CatalogEntry, IndexStore } from "../store/index-store.js";

export type BuildResult =
  | {
      ok: true;
      entry: CatalogEntry;
      /** False when the files could not be written: the engine then answers from `model`. */
      saved: boolean;
      model?: DocModel;
      tokens?: string[][];
    }
  | { ok: false; file: string; reason: string };

/** Words jieba must keep whole: the unit's names and its 科目 names (rows with a subject code). */
export function domainWords(model: DocModel): string[] {
  const subjects = model.tables.flatMap((t) => t.rows.filter((r) => r.code).map((r) => labelKey(r.label)));
  return [...new Set([model.meta.unit ?? "", ...model.meta.aliases, ...subjects].filter(Boolean))];
}

/**
 * A document's aliases (from its text or its sidecar) checked against the collection: each must be
 * 2–30 characters, not a metric word ("三公经费") and not another unit's name. The ones refused
 * are dropped with a warning in the document's report; the entry itself is not changed.
 */
export function vetAliases(
  entry: CatalogEntry,
  unitNames: ReadonlyMap<string, string>,
  metricWords: ReadonlySet<string>,
): CatalogEntry {
  const warnings: string[] = [];
  const aliases = entry.meta.aliases.filter((alias) => {
    const a = alias.trim();
    const owner = unitNames.get(a);
    const reason =
      a.length < 2 || a.length > 30
        ? "an alias must be 2 to 30 characters"
        : metricWords.has(a)
          ? "it is a metric word"
          : owner !== undefined && a !== entry.meta.unit
            ? `it is the name of another unit (${owner})`
            : null;
    if (reason) warnings.push(`alias "${alias}" ignored: ${reason}`);
    return reason === null;
  });
  if (warnings.length === 0) return entry;
  return {
    ...entry,
    meta: { ...entry.meta, aliases },
    report: { ...entry.report, aliases, warnings: [...entry.report.warnings, ...warnings] },
  };
}

/** The catalog entry of a model whose files have these sizes. */
export function catalogEntry(
  model: DocModel,
  bytes: CatalogEntry["bytes"],
  words = domainWords(model),
): CatalogEntry {
  const { id, file, hash, meta } = model;
  return { id, file, hash, meta, report: reportOf(model), words, bytes };
}

/** Writes the model and tokens of an ingested file. */
function buildFrom(outcome: IngestOutcome, path: string, store: IndexStore): BuildResult {
  if (!outcome.ok) return { ok: false, file: basename(path), reason: outcome.reason };
  const model = outcome.model;
  const words = domainWords(model);
  const tokens = tokenizePassages(passagesOf(model), words);
  try {
    return {
      ok: true,
      entry: catalogEntry(model, store.save(model, tokens), words),
      saved: true,
      model,
      tokens,
    };
  } catch (err) {
    logger.error(
      { doc: model.id, err: (err as Error).message },
      "could not persist the index; answering from memory",
    );
    return {
      ok: true,
      entry: catalogEntry(model, { model: 1, search: 1 }, words),
      saved: false,
      model,
      tokens,
    };
  }
}

/** Ingests one file (PDF, web page or text) and writes its model and tokens. Never rejects. */
export async function buildDocument(path: string, store: IndexStore): Promise<BuildResult> {
  return buildFrom(await ingestFile(path), path, store);
}

const SYNC_BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
(workerData.tsx ? import(workerData.tsx).then((tsx) => tsx.register()) : Promise.resolve())
  .then(() => import(workerData.entry))
  .catch((err) => {
  const { port, signal, path } = workerData.once;
  port.postMessage({ ok: false, file: require("node:path").basename(path), reason: "could not rebuild: " + err.message });
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});`;

/**
 * URL of tsx's loader API when the worker is TypeScript: a worker started from code (not a file)
 * does not run the --import loader flags before it, so it registers tsx itself.
 */
function tsxApi(workerFile: URL): string | null {
  if (!workerFile.pathname.endsWith(".ts")) return null;
  try {
    const pkgPath = createRequire(import.meta.url).resolve("tsx/package.json");
    const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as {
      exports: Record<string, { import?: { default?: string } }>;
    };
    const api = pkg.exports["./esm/api"]?.import?.default;
    return api ? pathToFileURL(join(dirname(pkgPath), api)).href : null;
  } catch {
    return null;
  }
}

/** How long a synchronous rebuild waits for its worker before giving up. */
const SYNC_BUILD_MS = 120_000;

/**
 * Builds one document synchronously, for a caller that cannot wait (a damaged index file found
 * while answering). Text is read inline; a PDF or web page (read asynchronously) is built in a
 * worker thread this thread blocks on.
 */
export function buildDocumentSync(path: string, store: IndexStore, userWords: string[] = []): BuildResult {
  const outcome = ingestFileSync(path);
  if (outcome) return buildFrom(outcome, path, store);
  const workerFile = workerUrl();
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const once: SyncInput = { path, port: port2, signal };
  const workerData: WorkerInput & { entry: string; tsx: string | null } = {
    indexDir: store.indexDir,
    docsDir: store.docsDir,
    userWords,
    once,
    entry: workerFile.href,
    tsx: tsxApi(workerFile),
  };
  let worker: Worker | null = null;
  try {
    // The entry is imported from a small script so the loader flags (tsx) apply to it, and a
    // worker that cannot load still answers instead of leaving this thread waiting.
    worker = new Worker(SYNC_BOOTSTRAP, {
      eval: true,
      workerData,
      transferList: [port2],
      execArgv: loaderArgs(workerFile).filter(
        (a, i, all) =>
          !(a === "tsx" && all[i - 1] === "--import") && !(a === "--import" && all[i + 1] === "tsx"),
      ),
    });
    worker.unref();
    if (Atomics.wait(signal, 0, 0, SYNC_BUILD_MS) === "timed-out")
      return { ok: false, file: basename(path), reason: "rebuilding took too long" };
    const message = receiveMessageOnPort(port1);
    if (!message) return { ok: false, file: basename(path), reason: "rebuild worker gave no result" };
    return message.message as BuildResult;
  } catch (err) {
    return { ok: false, file: basename(path), reason: `could not rebuild: ${(err as Error).message}` };
  } finally {
    port1.close();
    void worker?.terminate();
  }
}

/**
 * The module `name` beside the module at `from` (its import.meta.url), in the same form: the
 * TypeScript source when run through tsx, the compiled .js in dist/.
 */
export const siblingModule = (name: string, from: string): URL =>
  new URL(`./${name}${from.endsWith(".ts") ? ".ts" : ".js"}`, from);

/**
 * The module loader flags of this process (tsx's), which workers need to load TypeScript; other
 * flags (--expose-gc, --inspect…) are refused by Worker. Under vitest there are none: add tsx.
 */
export function loaderArgs(workerFile: URL): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^--(import|require|loader|experimental-loader)=/.test(a)) out.push(a);
    else if (/^(--import|--require|-r|--loader|--experimental-loader)$/.test(a) && argv[i + 1])
      out.push(a, argv[++i]!);
  }
  if (workerFile.pathname.endsWith(".ts") && !out.some((a) => a.includes("tsx"))) out.push("--import", "tsx");
  return out;
}

/**
 * Less work than this (in text documents) is built inline: starting workers (and jieba in each)
 * costs ~1 s. A PDF counts as several text documents (pdf.js reads ~50–100 pages/s).
 */
const POOL_FROM = 24;
const workOf = (path: string) => (formatOfName(path) === "pdf" ? 8 : 1);

/** A one-off build in a worker the caller blocks on (see buildDocumentSync). */
export interface SyncInput {
  path: string;
  port: import("node:worker_threads").MessagePort;
  /** Set to 1 (and notified) when the result has been posted. */
  signal: Int32Array;
}

export interface WorkerInput {
  indexDir: string;
  docsDir: string;
  userWords: string[];
  once?: SyncInput;
}

const workerUrl = () => siblingModule("build-worker", import.meta.url);

/** Builds documents one after the other in this thread. */
async function buildInline(paths: string[], store: IndexStore): Promise<BuildResult[]> {
  const results: BuildResult[] = [];
  for (const p of paths) results.push(await buildDocument(p, store));
  return results;
}

/**
 * Builds the files in parallel when there are many. Results come in the order of `paths`; a
 * document whose worker failed is built again inline, so none is lost to a pool problem.
 */
export async function buildDocuments(
  paths: string[],
  store: IndexStore,
  where: Omit<WorkerInput, "userWords">,
  userWords: string[],
  workers: "auto" | "always" = "auto",
): Promise<{ results: BuildResult[]; threads: number; workerFailures: number }> {
  if (paths.length === 0) return { results: [], threads: 0, workerFailures: 0 };
  const work = paths.reduce((sum, p) => sum + workOf(p), 0);
  const threads =
    workers === "always"
      ? Math.max(1, Math.min(availableParallelism(), paths.length))
      : Math.min(availableParallelism(), paths.length, Math.floor(work / (POOL_FROM / 2)));
  if (workers !== "always" && (work < POOL_FROM || threads < 2))
    return { results: await buildInline(paths, store), threads: 0, workerFailures: 0 };
  const workerFile = workerUrl();
  const workerData: WorkerInput = { ...where, userWords };
  let pool: Piscina;
  try {
    pool = new Piscina({
      filename: workerFile.href,
      minThreads: threads,
      maxThreads: threads,
      execArgv: loaderArgs(workerFile),
      workerData,
    });
  } catch (err) {
    logger.warn({ err: (err as Error).message }, "worker threads unavailable: building inline");
    return { results: await buildInline(paths, store), threads: 0, workerFailures: 0 };
  }
  logger.info({ documents: paths.length, threads }, "building the index in worker threads");
  let workerFailures = 0;
  try {
    const results = await Promise.all(
      paths.map((p) =>
        (pool.run(p) as Promise<BuildResult>).catch((err: unknown) => {
          // A pool that cannot start fails every task: say so a few times, not a thousand.
          if (++workerFailures <= 3)
            logger.warn(
              { file: basename(p), err: (err as Error).message, worker: fileURLToPath(workerFile) },
              "build worker failed: building inline",
            );
          return buildDocument(p, store);
        }),
      ),
    );
    return { results, threads, workerFailures };
  } finally {
    await pool.destroy();
  }
}
