import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import type { RawData } from "@orama/orama";
import { DocModelSchema, type DocModel } from "../ingest/index.js";
import { writeFileAtomic } from "./atomic.js";

/**
 * Index files are "<sha256 of the JSON>\n<JSON>": valid JSON whose content was altered (a
 * hand edit, a bad copy) is caught at load like a truncated file, and the document is rebuilt.
 */
function writeChecked(path: string, value: unknown): void {
  const json = JSON.stringify(value);
  writeFileAtomic(path, `${createHash("sha256").update(json).digest("hex")}\n${json}`);
}

function readChecked(path: string): unknown {
  const raw = readFileSync(path, "utf8");
  const nl = raw.indexOf("\n");
  const json = raw.slice(nl + 1);
  if (nl !== 64 || createHash("sha256").update(json).digest("hex") !== raw.slice(0, nl)) {
    throw new Error("checksum mismatch");
  }
  return JSON.parse(json);
}

/** Persisted index of one documents folder: index/<folder key>/. */
export class IndexStore {
  readonly dir: string;

  constructor(indexDir: string, docsDir: string) {
    const key = createHash("sha1").update(resolve(docsDir)).digest("hex").slice(0, 10);
    this.dir = join(indexDir, key);
    mkdirSync(this.dir, { recursive: true });
  }

  private modelPath = (id: string) => join(this.dir, `${id}.model.json`);
  private searchPath = (id: string) => join(this.dir, `${id}.search.json`);

  /** The persisted model of `id` if it is valid and built from content with this hash; else null. */
  loadModel(id: string, hash: string): { model: DocModel } | { stale: true; reason: string } {
    const mp = this.modelPath(id);
    const sp = this.searchPath(id);
    if (!existsSync(mp) || !existsSync(sp)) return { stale: true, reason: "not built yet" };
    try {
      const raw = readChecked(mp) as { hash?: unknown };
      if (raw.hash !== hash) return { stale: true, reason: "document changed" };
      const parsed = DocModelSchema.safeParse(raw);
      if (!parsed.success) return { stale: true, reason: `invalid model file (${parsed.error.issues[0]?.message})` };
      return { model: parsed.data };
    } catch (err) {
      return { stale: true, reason: `unreadable index file (${(err as Error).message.slice(0, 80)})` };
    }
  }

  /** The persisted search index of a model (read on first full-text search), or null if unusable. */
  loadSearch(id: string, hash: string): RawData | null {
    try {
      const search = SearchFile.parse(readChecked(this.searchPath(id)));
      return search.hash === hash ? (search.data as RawData) : null;
    } catch {
      return null;
    }
  }

  saveSearch(model: DocModel, search: RawData): void {
    writeChecked(this.searchPath(model.id), { hash: model.hash, data: search });
  }

  save(model: DocModel, search: RawData): void {
    // The search index is written first: a model file only exists with its index beside it.
    writeChecked(this.searchPath(model.id), { hash: model.hash, data: search });
    writeChecked(this.modelPath(model.id), model);
  }

  /** Removes files of documents that are no longer in the folder. */
  prune(keep: Set<string>): void {
    for (const f of readdirSync(this.dir)) {
      const m = /^(.*)\.(model|search)\.json$/.exec(f);
      if (m && !keep.has(m[1]!)) rmSync(join(this.dir, f), { force: true });
    }
  }
}

const SearchFile = z.object({ hash: z.string(), data: z.unknown() });
