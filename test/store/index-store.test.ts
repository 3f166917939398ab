import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DocModelSchema, MODEL_VERSION, ingestFile, type DocModel } from "../../src/ingest/index.js";
import { catalogEntry } from "../../src/engine/build.js";
import { CatalogEntry, IndexStore } from "../../src/store/index-store.js";

const SEED = join(
  "seeds",
  readdirSync("seeds")
    .filter((f) => f.endsWith(".txt"))
    .sort()[0]!,
);

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function storeWithSeed(): Promise<{ store: IndexStore; model: DocModel; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), "store-"));
  dirs.push(dir);
  const read = await ingestFile(SEED);
  if (!read.ok) throw new Error(read.reason);
  const store = new IndexStore(join(dir, "index"), join(dir, "docs"));
  store.save(read.model, [[]]);
  return { store, model: read.model, file: join(store.dir, `${read.model.id}.model.json`) };
}

/** Writes `value` the way the store does: "<sha256 of the JSON>\n<JSON>". */
function writeWithChecksum(path: string, value: unknown): void {
  const json = JSON.stringify(value);
  writeFileSync(path, `${createHash("sha256").update(json).digest("hex")}\n${json}`);
}

describe("IndexStore.loadModel", () => {
  it("gives back the saved model whole, and it is a valid DocModel", async () => {
    const { store, model } = await storeWithSeed();
    const loaded = store.loadModel(model.id, model.hash);
    expect("model" in loaded).toBe(true);
    if (!("model" in loaded)) return;
    expect(loaded.model).toEqual(model);
    expect(DocModelSchema.safeParse(loaded.model).success).toBe(true);
  });

  it("a model of another document content or ingestion code is stale", async () => {
    const { store, model } = await storeWithSeed();
    expect(store.loadModel(model.id, "0".repeat(32))).toEqual({ stale: true, reason: "document changed" });
  });

  it("a file altered by hand fails its checksum and is not used", async () => {
    const { store, model, file } = await storeWithSeed();
    writeFileSync(file, readFileSync(file, "utf8").replace(model.id, `${model.id}x`));
    const loaded = store.loadModel(model.id, model.hash);
    expect(loaded).toMatchObject({ stale: true, reason: expect.stringMatching(/checksum/) });
  });

  it("a file of another format version is not used, even with a valid checksum", async () => {
    const { store, model, file } = await storeWithSeed();
    writeWithChecksum(file, { ...model, version: MODEL_VERSION + 1 });
    expect(store.loadModel(model.id, model.hash)).toMatchObject({
      stale: true,
      reason: expect.stringMatching(/^invalid model file/),
    });
    writeWithChecksum(file, [1, 2, 3]);
    expect(store.loadModel(model.id, model.hash)).toMatchObject({ stale: true });
  });
});

describe("IndexStore.readCatalog", () => {
  async function catalogOf() {
    const { store, model } = await storeWithSeed();
    const entry = catalogEntry(model, store.sizesOf(model.id)!);
    return { store, entry, file: join(store.dir, "catalog.json") };
  }

  it("reads back what it wrote", async () => {
    const { store, entry } = await catalogOf();
    expect(CatalogEntry.safeParse(entry).success).toBe(true);
    store.writeCatalog([entry]);
    const read = store.readCatalog();
    expect(read instanceof Map && read.get(entry.id)).toEqual(entry);
  });

  it("a catalog written without the schema fingerprint is checked field by field", async () => {
    const { store, entry, file } = await catalogOf();
    writeWithChecksum(file, { version: MODEL_VERSION, docs: [{ ...entry, bytes: "many" }] });
    expect(store.readCatalog()).toMatchObject({ reason: expect.stringMatching(/^invalid catalog/) });
  });

  it("a catalog naming another schema is checked field by field", async () => {
    const { store, entry, file } = await catalogOf();
    writeWithChecksum(file, { version: MODEL_VERSION, schema: "older", docs: [{ ...entry, words: "x" }] });
    expect(store.readCatalog()).toMatchObject({ reason: expect.stringMatching(/^invalid catalog/) });
  });
});
