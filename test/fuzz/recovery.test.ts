// Damage on disk must not turn into wrong or missing answers: a corrupt or truncated index file is
// detected at load and rebuilt, and one unreadable document does not stop the others.
import {
  cpSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  readFileSync,
  copyFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

/** The figures and quotes an engine gives for the candidate questions, as comparable strings. */
function fingerprint(engine: Engine): Map<string, string> {
  const out = new Map<string, string>();
  for (const q of CANDIDATE_QUESTIONS) {
    const r = engine.ask(q);
    if (r.status === "answered")
      out.set(
        q,
        r.answers.map((a) => `${a.doc}:${a.label}=${a.value} 「${a.quote.replace(/\s+/g, "")}」`).join("; "),
      );
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** Ways a file goes bad on disk; null when the damage does not apply to that file. */
type Damage = (bytes: Buffer) => Buffer | null;

const LOUD_DAMAGE: Record<string, Damage> = {
  truncated: (b) => b.subarray(0, Math.floor(b.length / 2)),
  empty: () => Buffer.alloc(0),
  garbage: (b) => Buffer.from(b.map((_, i) => (i * 131 + 7) % 256)),
  "valid JSON, wrong shape": () => Buffer.from('{"version":1,"docs":[]}'),
};

/**
 * Bit rot that leaves the file well-formed: inside the stored document text, every 5 becomes 6.
 * The bytes are edited in place (whatever header or framing the file has), so only a checksum of
 * the content can tell.
 */
const SILENT_DAMAGE: Record<string, Damage> = {
  "figures altered in the stored text": (b) => {
    const text = b.toString("utf8");
    const start = text.indexOf('"text":"');
    if (start < 0) return null;
    let end = start + 8;
    while (end < text.length && !(text[end] === '"' && text[end - 1] !== "\\")) end++;
    const field = text.slice(start, end);
    const altered = field.replace(/5/g, "6");
    return altered === field ? null : Buffer.from(text.slice(0, start) + altered + text.slice(end), "utf8");
  },
};

/** One file of each kind ("x.model.json", "x.search.json", …): the same damage to another document's file proves nothing new. */
function oneFilePerKind(files: string[]): string[] {
  const byKind = new Map<string, string>();
  for (const f of [...files].sort()) {
    const kind = path.basename(f).split(".").slice(1).join(".");
    if (!byKind.has(kind)) byKind.set(kind, f);
  }
  return [...byKind.values()];
}

describe("persisted index damage", () => {
  let pristine: string;
  let expected: Map<string, string>;
  let docCount: number;
  let jsonFiles: string[];

  beforeAll(async () => {
    pristine = tmp("recovery-index-");
    const { engine } = await openEngine({
      docsDir: SEEDS,
      indexDir: pristine,
      intentsDir: INTENTS,
      rebuild: true,
    });
    expected = fingerprint(engine);
    docCount = engine.documents().length;
    jsonFiles = filesUnder(pristine)
      .map((f) => path.relative(pristine, f))
      .filter((f) => f.endsWith(".json"));
  });

  /** Damages one file of a copy of the index, reopens it twice, and expects the pristine answers. */
  async function expectRecovery(damages: Record<string, Damage>): Promise<void> {
    expect(
      expected.size,
      "some candidate question must be answered for the comparison to mean anything",
    ).toBeGreaterThan(0);
    expect(jsonFiles.length, "the index has JSON files").toBeGreaterThan(0);
    let applied = 0;
    for (const file of oneFilePerKind(jsonFiles)) {
      for (const [kind, damage] of Object.entries(damages)) {
        const dir = tmp("recovery-damaged-");
        cpSync(pristine, dir, { recursive: true });
        const target = path.join(dir, file);
        const damaged = damage(readFileSync(target));
        if (damaged === null) continue;
        applied++;
        writeFileSync(target, damaged);
        const reopened = await openEngine({ docsDir: SEEDS, indexDir: dir, intentsDir: INTENTS });
        expect(reopened.report.documents.length, `${kind} ${file}`).toBe(docCount);
        expect(fingerprint(reopened.engine), `${kind} ${file}`).toEqual(expected);
        // The rebuilt index loads cleanly the next time too.
        const again = await openEngine({ docsDir: SEEDS, indexDir: dir, intentsDir: INTENTS });
        expect(fingerprint(again.engine), `${kind} ${file}, second open`).toEqual(expected);
      }
    }
    expect(applied, "some damage applied").toBeGreaterThan(0);
  }

  it("detects a truncated, emptied, garbled or wrongly shaped index file at load and rebuilds it", () =>
    expectRecovery(LOUD_DAMAGE));

  it("detects silent corruption (well-formed file, altered figures) at load and rebuilds it", () =>
    expectRecovery(SILENT_DAMAGE));
});

describe("ingesting a folder with broken documents", () => {
  it("ingests the others and reports each broken one in report.failed", async () => {
    const docsDir = tmp("recovery-docs-");
    for (const f of readdirSync(SEEDS)) copyFileSync(path.join(SEEDS, f), path.join(docsDir, f));
    const broken = {
      "zz_empty.txt": Buffer.alloc(0),
      "zz_binary.txt": Buffer.concat([
        Buffer.from("\x89PNG\r\n\x1a\n", "latin1"),
        Buffer.alloc(2048, 0),
        Buffer.from([1, 2, 3, 255]),
      ]),
      "zz_whitespace.txt": Buffer.from(" \n\t\r\n　\n", "utf8"),
    };
    for (const [name, bytes] of Object.entries(broken)) writeFileSync(path.join(docsDir, name), bytes);

    const { engine, report } = await openEngine({
      docsDir,
      indexDir: tmp("recovery-index2-"),
      intentsDir: INTENTS,
      rebuild: true,
    });
    const failed = report.failed.map((f) => f.file);
    for (const name of Object.keys(broken)) {
      expect(failed, `${name} should be reported`).toContain(name);
      expect(report.failed.find((f) => f.file === name)?.reason).toMatch(/\S/);
    }
    const seedIds = readdirSync(SEEDS)
      .filter((f) => f.endsWith(".txt"))
      .map((f) => path.basename(f, ".txt"));
    expect(report.documents.map((d) => d.doc).sort()).toEqual(seedIds.sort());

    // The good documents answer exactly as they do without the broken ones beside them.
    const { engine: clean } = await openEngine({
      docsDir: SEEDS,
      indexDir: tmp("recovery-index3-"),
      intentsDir: INTENTS,
      rebuild: true,
    });
    expect(fingerprint(engine)).toEqual(fingerprint(clean));
  });
});
