import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { DocReport, MODEL_VERSION, type DocModel } from "../ingest/index.js";
import { DocMeta } from "../ingest/model.js";
import { writeFileAtomic } from "./atomic.js";

/**
 * Index files are "<sha256 of the JSON>\n<JSON>": valid JSON whose content was altered (a
 * hand edit, a bad copy) is caught at load like a truncated file, and the document is rebuilt.
 * Returns the number of bytes written.
 */
function writeChecked(path: string, value: unknown): number {
  const json = JSON.stringify(value);
  const data = Buffer.from(`${createHash("sha256").update(json).digest("hex")}\n${json}`, "utf8");
  writeFileAtomic(path, data);
  return data.length;
}

function readChecked(path: string): unknown {
  const raw = readFileSync(path);
  const nl = raw.indexOf(10);
  const json = raw.subarray(nl + 1);
  if (nl !== 64 || createHash("sha256").update(json).digest("hex") !== raw.toString("latin1", 0, nl)) {
    throw new Error("checksum mismatch");
  }
  return JSON.parse(json.toString("utf8"));
}

/** One document of the catalog: enough to resolve departments and report, without its model. */
export const CatalogEntry = z.object({
  id: z.string(),
  file: z.string(),
  hash: z.string(),
  meta: DocMeta,
  report: DocReport,
  /** Names jieba keeps whole when segmenting questions (unit names, 科目 names). */
  words: z.array(z.string()),
  /** Sizes of the model and search files as written: a truncated or emptied file shows at open. */
  bytes: z.object({ model: z.number().int().positive(), search: z.number().int().positive() }),
  /**
   * Size and modification time of the document and its sidecar, and the ingestion code, when it was
   * last hashed: while they are unchanged the file is not read again at start-up.
   */
  stamp: z.string().optional(),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

const Catalog = z.object({
  version: z.literal(MODEL_VERSION),
  /** CATALOG_SCHEMA when written: an intact catalog of the same schema is used as written. */
  schema: z.string().optional(),
  docs: z.array(CatalogEntry),
});

/**
 * Fingerprint of the catalog's schema. A catalog written under the same schema whose checksum holds
 * is byte for byte what this code wrote from typed entries, so it is not parsed field by field
 * again (a thousand entries' reports cost more to check than to read); any other is parsed with zod.
 */
let catalogSchema: string | null = null;
const CATALOG_SCHEMA = () =>
  (catalogSchema ??= createHash("sha1")
    .update(JSON.stringify(z.toJSONSchema(Catalog, { io: "input", unrepresentable: "any" })))
    .digest("hex")
    .slice(0, 16));

/**
 * What a model file must hold to be used without parsing the rest: its format version, and the
 * hash of the document content and ingestion code it was built from.
 */
const ModelHeader = z.looseObject({ version: z.literal(MODEL_VERSION), id: z.string(), hash: z.string() });

/** Jieba tokens of each passage of a document (see search/fulltext.ts), in passage order. */
const SearchFile = z.object({ hash: z.string(), tokens: z.array(z.array(z.string())) });

const CATALOG = "catalog.json";

/** `.<name>.<pid>.<random>.tmp`, what writeFileAtomic writes before renaming. */
const TEMPORARY = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;
const STALE_TEMPORARY_MS = 60 * 60 * 1000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes temporary files left by a write that never finished (a process killed between write
 * and rename): those of a process that is gone, and any older than an hour.
 */
export function removeStrayTemporaries(dir: string, now = Date.now()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = TEMPORARY.exec(name);
    if (!m) continue;
    const path = join(dir, name);
    try {
      const pid = Number(m[1]);
      const old = now - statSync(path).mtimeMs > STALE_TEMPORARY_MS;
      if (old || (pid !== process.pid && !processAlive(pid))) {
        rmSync(path, { force: true });
        removed.push(name);
      }
    } catch {
      /* gone meanwhile */
    }
  }
  return removed;
}

/**
 * Persisted index of one documents folder: index/<folder key>/ holds one catalog (read at start)
 * and, per document, its model and its passages' tokens (read when a question first needs them).
 */
export class IndexStore {
  readonly dir: string;

  constructor(
    readonly indexDir: string,
    readonly docsDir: string,
  ) {
    const key = createHash("sha1").update(resolve(docsDir)).digest("hex").slice(0, 10);
    this.dir = join(indexDir, key);
    mkdirSync(this.dir, { recursive: true });
    removeStrayTemporaries(indexDir);
    removeStrayTemporaries(this.dir);
  }

  private modelPath = (id: string) => join(this.dir, `${id}.model.json`);
  private searchPath = (id: string) => join(this.dir, `${id}.search.json`);

  /** The catalog by document id, or the reason it cannot be used (absent, corrupt, older version). */
  readCatalog(): Map<string, CatalogEntry> | { reason: string } {
    const path = join(this.dir, CATALOG);
    if (!existsSync(path)) return { reason: "not built yet" };
    try {
      const raw = readChecked(path) as { version?: unknown; schema?: unknown; docs?: unknown };
      if (raw.version === MODEL_VERSION && raw.schema === CATALOG_SCHEMA() && Array.isArray(raw.docs))
        return new Map((raw.docs as CatalogEntry[]).map((e) => [e.id, e]));
      const parsed = Catalog.safeParse(raw);
      if (!parsed.success) return { reason: `invalid catalog (${parsed.error.issues[0]?.message})` };
      return new Map(parsed.data.docs.map((e) => [e.id, e]));
    } catch (err) {
      return { reason: `unreadable catalog (${(err as Error).message.slice(0, 80)})` };
    }
  }

  writeCatalog(entries: CatalogEntry[]): void {
    const catalog: z.input<typeof Catalog> = {
      version: MODEL_VERSION,
      schema: CATALOG_SCHEMA(),
      docs: entries,
    };
    writeChecked(join(this.dir, CATALOG), catalog);
  }

  /** Whether the document's files are there with the sizes the catalog recorded (a cheap stat). */
  filesIntact(entry: CatalogEntry): boolean {
    const sizes = this.sizesOf(entry.id);
    return !!sizes && sizes.model === entry.bytes.model && sizes.search === entry.bytes.search;
  }

  /** Sizes of a document's files on disk, or null when one is missing. */
  sizesOf(id: string): CatalogEntry["bytes"] | null {
    try {
      return { model: statSync(this.modelPath(id)).size, search: statSync(this.searchPath(id)).size };
    } catch {
      return null;
    }
  }

  /** The persisted model of `id` if it is valid and built from content with this hash; else why not. */
  loadModel(id: string, hash: string): { model: DocModel } | { stale: true; reason: string } {
    const mp = this.modelPath(id);
    if (!existsSync(mp)) return { stale: true, reason: "not built yet" };
    try {
      const raw = readChecked(mp);
      const header = ModelHeader.safeParse(raw);
      if (!header.success)
        return { stale: true, reason: `invalid model file (${header.error.issues[0]?.message})` };
      if (header.data.hash !== hash) return { stale: true, reason: "document changed" };
      // Not parsed field by field again: the checksum proves the file is byte for byte what this
      // code wrote, and its hash covers the ingestion code (src/ingest, where the model's schema
      // lives), so a model of another shape never matches `hash`. Parsing a few hundred KB per
      // document with zod at every start cost a third of reading it.
      return { model: raw as DocModel };
    } catch (err) {
      return { stale: true, reason: `unreadable index file (${(err as Error).message.slice(0, 80)})` };
    }
  }

  /** The persisted passage tokens of a model, or null if missing, corrupt or not of this model. */
  loadTokens(model: DocModel, passages: number): string[][] | null {
    try {
      const file = SearchFile.parse(readChecked(this.searchPath(model.id)));
      return file.hash === model.hash && file.tokens.length === passages ? file.tokens : null;
    } catch {
      return null;
    }
  }

  saveTokens(model: DocModel, tokens: string[][]): number {
    return writeChecked(this.searchPath(model.id), { hash: model.hash, tokens });
  }

  /** Writes a document's files; the catalog entry records their sizes. */
  save(model: DocModel, tokens: string[][]): CatalogEntry["bytes"] {
    const search = this.saveTokens(model, tokens);
    return { search, model: writeChecked(this.modelPath(model.id), model) };
  }

  /** Removes files of documents that are no longer in the folder. */
  prune(keep: Set<string>): void {
    for (const f of readdirSync(this.dir)) {
      const m = /^(.*)\.(model|search)\.json$/.exec(f);
      if (m && !keep.has(m[1]!)) rmSync(join(this.dir, f), { force: true });
    }
  }
}
