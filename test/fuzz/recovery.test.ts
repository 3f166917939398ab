// Damage on disk must not turn into wrong or missing answers: a corrupt or truncated index file is
// detected at load and rebuilt, and one unreadable document does not stop the others.
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync, copyFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openEngine, type Engine } from "../../src/engine/index.js";

const SEEDS = path.resolve("seeds");
const INTENTS = path.resolve("intents");

const CANDIDATE_QUESTIONS = [
  "曾都区科经局2023年三公经费是多少",
  "曾都区科学技术和经济信息化局2022年收入总计",
  "焦作市城乡一体化示范区工业和信息化局2022年公务接待费",
  "武冈市科技和工业信息化局2022年预算执行率",
  "山海关区科工局2023年基本支出",
];

const tmpDirs: string[] = [];
const tmp = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
};
afterAll(() => tmpDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The figures an engine gives for the candidate questions, as comparable strings. */
function fingerprint(engine: Engine): Map<string, string> {
  const out = new Map<string, string>();
  for (const q of CANDIDATE_QUESTIONS) {
    const r = engine.ask(q);
    if (r.status === "answered") out.set(q, r.answers.map((a) => `${a.doc}:${a.label}=${a.value}`).join("; "));
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

const DAMAGE: Record<string, (bytes: Buffer) => Buffer> = {
  truncated: (b) => b.subarray(0, Math.floor(b.length / 2)),
  empty: () => Buffer.alloc(0),
  garbage: (b) => Buffer.from(b.map((_, i) => (i * 131 + 7) % 256)),
  "valid JSON, wrong shape": () => Buffer.from('{"version":1,"docs":[]}'),
};

describe("persisted index damage", () => {
  it("detects a corrupt or truncated index file at load and rebuilds it", async () => {
    const pristine = tmp("recovery-index-");
    const { engine } = await openEngine({ docsDir: SEEDS, indexDir: pristine, intentsDir: INTENTS, rebuild: true });
    const expected = fingerprint(engine);
    expect(expected.size, "some candidate question must be answered for the comparison to mean anything").toBeGreaterThan(0);

    const files = filesUnder(pristine).map((f) => path.relative(pristine, f));
    const jsonFiles = files.filter((f) => f.endsWith(".json"));
    expect(jsonFiles.length, `index files: ${files.join(", ")}`).toBeGreaterThan(0);

    // Every JSON file of the index (a few at most per kind), every kind of damage.
    for (const file of jsonFiles.slice(0, 8)) {
      for (const [kind, damage] of Object.entries(DAMAGE)) {
        const dir = tmp("recovery-damaged-");
        cpSync(pristine, dir, { recursive: true });
        const target = path.join(dir, file);
        writeFileSync(target, damage(readFileSync(target)));
        const reopened = await openEngine({ docsDir: SEEDS, indexDir: dir, intentsDir: INTENTS });
        expect(reopened.report.documents.length, `${kind} ${file}`).toBe(engine.documents().length);
        expect(fingerprint(reopened.engine), `${kind} ${file}`).toEqual(expected);
        // The rebuilt index loads cleanly the next time too.
        const again = await openEngine({ docsDir: SEEDS, indexDir: dir, intentsDir: INTENTS });
        expect(fingerprint(again.engine), `${kind} ${file}, second open`).toEqual(expected);
      }
    }
  });
});

describe("ingesting a folder with broken documents", () => {
  it("ingests the others and reports each broken one in report.failed", async () => {
    const docsDir = tmp("recovery-docs-");
    for (const f of readdirSync(SEEDS)) copyFileSync(path.join(SEEDS, f), path.join(docsDir, f));
    const broken = {
      "zz_empty.txt": Buffer.alloc(0),
      "zz_binary.txt": Buffer.concat([Buffer.from("\x89PNG\r\n\x1a\n", "latin1"), Buffer.alloc(2048, 0), Buffer.from([1, 2, 3, 255])]),
      "zz_whitespace.txt": Buffer.from(" \n\t\r\n　\n", "utf8"),
    };
    for (const [name, bytes] of Object.entries(broken)) writeFileSync(path.join(docsDir, name), bytes);

    const { engine, report } = await openEngine({ docsDir, indexDir: tmp("recovery-index2-"), intentsDir: INTENTS, rebuild: true });
    const failed = report.failed.map((f) => f.file);
    for (const name of Object.keys(broken)) {
      expect(failed, `${name} should be reported`).toContain(name);
      expect(report.failed.find((f) => f.file === name)?.reason).toMatch(/\S/);
    }
    const seedIds = readdirSync(SEEDS).filter((f) => f.endsWith(".txt")).map((f) => path.basename(f, ".txt"));
    expect(report.documents.map((d) => d.doc).sort()).toEqual(seedIds.sort());

    // The good documents answer exactly as they do without the broken ones beside them.
    const { engine: clean } = await openEngine({ docsDir: SEEDS, indexDir: tmp("recovery-index3-"), intentsDir: INTENTS, rebuild: true });
    expect(fingerprint(engine)).toEqual(fingerprint(clean));
  });
});
