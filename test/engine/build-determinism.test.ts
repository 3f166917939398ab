// Builds that must not depend on what else is in the folder or what was left behind.
import { copyFileSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openEngine } from "../../src/engine/index.js";
import { passagesOf } from "../../src/search/fulltext.js";
import { IndexStore } from "../../src/store/index-store.js";

const FIXTURE = "test/fixtures/taoyuan-2024-budget.txt";
const dirs: string[] = [];
const tmp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The persisted search tokens of document `id` after building `docsDir` into a fresh index. */
async function tokensAfterBuild(docsDir: string, id: string): Promise<string[][]> {
  const indexDir = tmp("tokens-index-");
  await openEngine({ docsDir, indexDir, intentsDir: "intents" });
  const store = new IndexStore(indexDir, docsDir);
  const entry = store.readCatalog();
  if (!(entry instanceof Map)) throw new Error(entry.reason);
  const loaded = store.loadModel(id, entry.get(id)!.hash);
  if (!("model" in loaded)) throw new Error(loaded.reason);
  return store.loadTokens(loaded.model, passagesOf(loaded.model).length)!;
}

describe("search tokens", () => {
  it("are identical whatever other documents were built before in the same thread (regression: jieba's global dictionary)", async () => {
    const alone = tmp("alone-");
    copyFileSync(FIXTURE, join(alone, "x.txt"));
    const withOther = tmp("with-other-");
    copyFileSync(FIXTURE, join(withOther, "x.txt"));
    // Built first (sorted before x), with a name that cuts across words of x's text.
    writeFileSync(
      join(withOther, "a.txt"),
      "某某县审计局2023年部门预算\n一、2023年收入预算总计88.00万元。\n",
    );
    writeFileSync(join(withOther, "a.meta.json"), JSON.stringify({ aliases: ["准农田建", "总预算各增"] }));

    const first = await tokensAfterBuild(alone, "x");
    const second = await tokensAfterBuild(withOther, "x");
    expect(second).toEqual(first);
    // jieba's own segmentation of x's "总预算各增加", not cut by the other document's name
    expect(second.flat()).toContain("总预算");
    expect(second.flat()).not.toContain("总预算各增");
  });
});

describe("the index folder", () => {
  it("removes temporary files left by an interrupted write, not those of a write in progress", () => {
    const indexDir = tmp("stray-");
    const docsDir = tmp("stray-docs-");
    const key = new IndexStore(indexDir, docsDir).dir;
    const dead = join(key, ".catalog.json.999999999.0badc0de.tmp"); // a process that is gone
    const old = join(key, `.x.model.json.${process.pid}.00c0ffee.tmp`); // ours, but two hours old
    const live = join(key, `.y.model.json.${process.pid}.1234abcd.tmp`); // being written now
    const top = join(indexDir, ".journal.999999999.deadbeef.tmp");
    for (const f of [dead, old, live, top]) writeFileSync(f, "partial");
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);

    new IndexStore(indexDir, docsDir);
    expect(readdirSync(key).filter((f) => f.endsWith(".tmp"))).toEqual([
      ".y.model.json." + process.pid + ".1234abcd.tmp",
    ]);
    expect(readdirSync(indexDir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});
