// A documents folder with hostile or careless content: links out of the folder, /dev/zero, a FIFO,
// a huge file, two files with one id, a sidecar that is a folder, bad aliases, an endless paragraph.
// Each gets a clear line in the report; the other documents are served; nothing hangs or grows.
import { spawnSync } from "node:child_process";
import {
  closeSync,
  copyFileSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openEngine } from "../../src/engine/index.js";
import { fileHash, ingestFile, listFolder } from "../../src/ingest/index.js";

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

/** One paragraph of ~130,000 characters under a unit's title. */
const longParagraph = () =>
  "某某县审计局2023年部门预算\n一、2023年收入预算总计88.00万元。\n" +
  "，我们认真做好各项工作".repeat(12_000) +
  "。\n";

function hostileFolder(): { dir: string; outside: string } {
  const dir = tmp("hostile-docs-");
  const outside = tmp("outside-");
  copyFileSync(FIXTURE, join(dir, "good.txt"));
  writeFileSync(
    join(dir, "good.meta.json"),
    JSON.stringify({ aliases: ["局", "三公经费", "某某县审计局", "桃源农业局"] }),
  );
  writeFileSync(join(dir, "long.txt"), longParagraph());
  // A sidecar that is a folder: ignored with a warning, the document still read.
  copyFileSync(FIXTURE, join(dir, "second.txt"));
  mkdirSync(join(dir, "second.meta.json"));
  // Links: to /dev/zero, to a secret outside the folder, to a file inside it (allowed).
  symlinkSync("/dev/zero", join(dir, "zero.txt"));
  writeFileSync(join(outside, "secret.txt"), "TELEGRAM_BOT_TOKEN=123:secret\n某某县财政局2023年部门预算\n");
  symlinkSync(join(outside, "secret.txt"), join(dir, "leak.txt"));
  mkdirSync(join(dir, "sub"));
  copyFileSync(FIXTURE, join(dir, "sub", "real.txt"));
  symlinkSync(join(dir, "sub", "real.txt"), join(dir, "linked.txt"));
  symlinkSync(join(dir, "missing.txt"), join(dir, "broken.txt"));
  // A named pipe: opening it for reading would wait for a writer forever.
  expect(spawnSync("mkfifo", [join(dir, "pipe.txt")]).status).toBe(0);
  // 301 MB, sparse: refused on its size from stat, never read.
  const fd = openSync(join(dir, "huge.txt"), "w");
  ftruncateSync(fd, 301 * 1024 * 1024);
  closeSync(fd);
  // Two files with one id.
  copyFileSync(FIXTURE, join(dir, "dup.txt"));
  writeFileSync(join(dir, "dup.text"), "某某县教育局2023年部门预算\n一、收入预算总计1.00万元。\n");
  return { dir, outside };
}

describe("a documents folder with hostile content", () => {
  it("lists only regular files inside the folder, each refusal with its reason, checked before reading", () => {
    const { dir } = hostileFolder();
    const started = Date.now();
    const { documents, unread } = listFolder(dir);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(documents.map((d) => d.split("/").pop())).toEqual([
      "good.txt",
      "linked.txt",
      "long.txt",
      "second.txt",
    ]);
    const reasons = Object.fromEntries(unread.map((u) => [u.file, u.reason]));
    expect(reasons["zero.txt"]).toBe("symbolic link to a file outside the documents folder: not read");
    expect(reasons["leak.txt"]).toBe("symbolic link to a file outside the documents folder: not read");
    expect(reasons["broken.txt"]).toBe("broken symbolic link or missing file");
    expect(reasons["pipe.txt"]).toBe("a named pipe (FIFO), not a regular file: not read");
    expect(reasons["huge.txt"]).toMatch(/^file too large \(315621376 bytes; the limit is 314572800\)$/);
    expect(reasons["dup.txt"]).toBe(
      '2 files have the document id "dup" (dup.text, dup.txt): none is read; rename all but one',
    );
    expect(reasons["dup.text"]).toBe(reasons["dup.txt"]);
  });

  it("refuses a FIFO, a device and an outside link when read directly, without hanging", async () => {
    const { dir } = hostileFolder();
    const started = Date.now();
    expect(await ingestFile(join(dir, "pipe.txt"))).toMatchObject({ ok: false, reason: /named pipe/ });
    expect(await ingestFile(join(dir, "zero.txt"))).toMatchObject({
      ok: false,
      reason: /outside the documents folder/,
    });
    expect(await ingestFile(join(dir, "leak.txt"))).toMatchObject({ ok: false, reason: /outside/ });
    expect(() => fileHash(join(dir, "pipe.txt"))).toThrow(/named pipe/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("serves the other documents, reports each fault once, and keeps memory bounded", async () => {
    const { dir } = hostileFolder();
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    const { engine, report } = await openEngine({
      docsDir: dir,
      indexDir: tmp("hostile-index-"),
      intentsDir: "intents",
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(400 * 1024 * 1024);

    expect(report.failed.map((f) => f.file).sort()).toEqual(
      ["broken.txt", "dup.text", "dup.txt", "huge.txt", "leak.txt", "pipe.txt", "zero.txt"].sort(),
    );
    const byDoc = Object.fromEntries(report.documents.map((d) => [d.doc, d]));
    expect(Object.keys(byDoc).sort()).toEqual(["good", "linked", "long", "second"]);
    // The endless paragraph is read, not skipped.
    expect(byDoc.long!.unit).toBe("某某县审计局");
    // A sidecar that is a folder: a warning, the document read.
    expect(byDoc.second!.warnings).toContain(
      "ignored second.meta.json: a folder, not a regular file: not read",
    );
    // Aliases: too short, a metric word, another unit's name refused; a good one kept.
    expect(byDoc.good!.aliases).toEqual(["桃源农业局"]);
    expect(byDoc.good!.warnings).toEqual(
      expect.arrayContaining([
        'alias "局" ignored: an alias must be 2 to 30 characters',
        'alias "三公经费" ignored: it is a metric word',
        'alias "某某县审计局" ignored: it is the name of another unit (long)',
      ]),
    );
    // Nothing of the file outside the folder is quotable.
    const leak = engine.ask("TELEGRAM_BOT_TOKEN是什么");
    expect(JSON.stringify(leak)).not.toContain("secret");
    expect(engine.ask("桃源农业局2024年收入总预算多少").reply).toContain("12,345,678.00");
  });
});
