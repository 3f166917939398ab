import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import type { RawData } from "@orama/orama";
import { DocModelSchema, type DocModel } from "../ingest/index.js";
import { writeFileAtomic } from "./atomic.js";

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
  loadModel(id: string, hash: string): { model: DocModel; search: RawData } | { stale: true; reason: string } {
    const mp = this.modelPath(id);
    const sp = this.searchPath(id);
    if (!existsSync(mp) || !existsSync(sp)) return { stale: true, reason: "not built yet" };
    try {
      const raw = JSON.parse(readFileSync(mp, "utf8")) as { hash?: unknown };
      if (raw.hash !== hash) return { stale: true, reason: "document changed" };
      const parsed = DocModelSchema.safeParse(raw);
      if (!parsed.success) return { stale: true, reason: `invalid model file (${parsed.error.issues[0]?.message})` };
      const search = SearchFile.parse(JSON.parse(readFileSync(sp, "utf8")));
      if (search.hash !== hash) return { stale: true, reason: "search index out of date" };
      return { model: parsed.data, search: search.data as RawData };
    } catch (err) {
      return { stale: true, reason: `unreadable index file (${(err as Error).message.slice(0, 80)})` };
    }
  }

  save(model: DocModel, search: RawData): void {
    // The search index is written first: a model file only exists with its index beside it.
    writeFileAtomic(this.searchPath(model.id), JSON.stringify({ hash: model.hash, data: search }));
    writeFileAtomic(this.modelPath(model.id), JSON.stringify(model));
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
