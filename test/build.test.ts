// Building many documents in worker threads, and starting from the catalog without re-reading them.
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openEngine } from "../src/engine/index.js";
import { tempDocs } from "./helpers/docs.js";

const seeds = readdirSync("seeds").filter((f) => f.endsWith(".txt"));

/** 30 documents: six copies of each seed, enough for the worker pool, plus one broken file. */
function manyDocs() {
  const files: Record<string, string | Uint8Array> = {
    "zz_broken.txt": new Uint8Array([0, 159, 146, 150, 0, 0, 1]),
  };
  for (let copy = 0; copy < 6; copy++)
    for (const f of seeds) files[`c${copy}_${f}`] = readFileSync(join("seeds", f));
  return tempDocs(files);
}

const QUESTIONS = [
  ["三公经费多少", "000_3203cba3208c2c1f"],
  ["预算执行率", "001_a355cb9157da57b4"],
  ["机关运行经费", "002_519ee846917616f7"],
  ["收入总计", "003_e7a88fea2aca4f01"],
  ["公务接待费", "004_3ebdb615035bedba"],
] as const;

describe("index build in worker threads", () => {
  it("builds every good document in the pool, reports the broken one, and answers as an inline build does", async () => {
    const { docsDir, indexDir } = manyDocs();
    const { engine, report } = await openEngine({ docsDir, indexDir, intentsDir: "intents", rebuild: true });
    expect(report.documents).toHaveLength(30);
    expect(report.failed.map((f) => f.file)).toEqual(["zz_broken.txt"]);
    // The CI machine has two cores: the build ran in two workers, none of which failed.
    expect(report.built).toMatchObject({
      documents: 31,
      threads: Math.min(2, availableParallelism()),
      workerFailures: 0,
    });

    // The same documents built inline (one copy of each seed) give the same figures and quotes.
    const { engine: inline } = await openEngine({
      docsDir: "seeds",
      indexDir: tempDocs({}).indexDir,
      intentsDir: "intents",
    });
    for (const [q, id] of QUESTIONS) {
      const a = engine.ask(q, { docs: [`c4_${id}`] });
      const b = inline.ask(q, { docs: [id] });
      expect(
        a.answers.map((x) => [x.value, x.quote]),
        q,
      ).toEqual(b.answers.map((x) => [x.value, x.quote]));
      expect(a.answers.length, q).toBeGreaterThan(0);
    }
    // Full-text search works from the tokens the workers wrote.
    const ft = engine.ask("万人助万企活动");
    expect(ft.related?.length ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it("a second start reads the catalog and rebuilds nothing; a changed document alone is rebuilt", async () => {
    const { docsDir, indexDir } = manyDocs();
    await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    const [dir] = readdirSync(indexDir);
    const mtimes = () =>
      new Map(readdirSync(join(indexDir, dir!)).map((f) => [f, statSync(join(indexDir, dir!, f)).mtimeMs]));
    const before = mtimes();

    const again = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    expect(again.report.documents).toHaveLength(30);
    expect(mtimes()).toEqual(before);
    expect(
      again.engine.ask("曾都区科经局2022年三公经费多少", { docs: ["c3_000_3203cba3208c2c1f"] }).answers[0]
        ?.value,
    ).toBe("0");

    const changed = join(docsDir, "c2_002_519ee846917616f7.txt");
    writeFileSync(changed, readFileSync(changed, "utf8").replaceAll("32.44", "33.44"));
    const third = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    const after = mtimes();
    const rewritten = [...after]
      .filter(([f, t]) => before.get(f) !== t)
      .map(([f]) => f)
      .sort();
    expect(rewritten).toEqual([
      "c2_002_519ee846917616f7.model.json",
      "c2_002_519ee846917616f7.search.json",
      "catalog.json",
    ]);
    const r = third.engine.ask("曾都区科经局2023年机关运行经费预算", { docs: ["c2_002_519ee846917616f7"] });
    expect(r.answers[0]?.value).toBe("33.44");
  }, 60_000);

  it("a start from the catalog reads no model until a question needs it; warm-up reads the rest", async () => {
    const { docsDir, indexDir } = tempDocs(
      Object.fromEntries(seeds.map((f) => [f, readFileSync(join("seeds", f))])),
    );
    await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    const { engine } = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    expect(engine.loadedDocuments()).toBe(0);
    expect(engine.ask("山海关科工局收入总计").answers[0]?.value).toBe("998.77");
    expect(engine.loadedDocuments()).toBe(1);
    await engine.warmUp();
    expect(engine.loadedDocuments()).toBe(seeds.length);
    expect(engine.ask("山海关科工局收入总计").answers[0]?.value).toBe("998.77");
  });

  it("a model or token file damaged after start is detected when first read, rebuilt, and the answer is unchanged", async () => {
    const { docsDir, indexDir } = tempDocs(
      Object.fromEntries(seeds.map((f) => [f, readFileSync(join("seeds", f))])),
    );
    const { engine: first } = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    const expected = first.ask("山海关科工局收入总计").answers.map((a) => [a.value, a.quote]);
    const related = first.ask("山海关科工局万人助万企活动").related;
    const { engine } = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    const [dir] = readdirSync(indexDir);
    const file = (ext: string) => join(indexDir, dir!, `003_e7a88fea2aca4f01.${ext}.json`);
    // Same size, altered content: only the checksum read on first use can tell.
    for (const ext of ["model", "search"])
      writeFileSync(file(ext), readFileSync(file(ext), "utf8").replace(/5/g, "6"));
    expect(engine.ask("山海关科工局收入总计").answers.map((a) => [a.value, a.quote])).toEqual(expected);
    expect(engine.ask("山海关科工局万人助万企活动").related).toEqual(related);
    // Rebuilt on disk: a fresh start reads the files without complaint and answers the same.
    const { engine: again } = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    expect(again.ask("山海关科工局收入总计").answers.map((a) => [a.value, a.quote])).toEqual(expected);
    expect(readFileSync(file("model"), "utf8")).toContain("998.77");
  });
});
