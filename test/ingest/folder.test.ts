import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { openEngine } from "../../src/engine/index.js";
import { IndexStore } from "../../src/store/index-store.js";
import { listFolder } from "../../src/ingest/index.js";
import { makePdf, nextObject, textAt } from "./minimal-pdf.js";

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** A one-page disclosure whose 三公 figure is `figure`. */
const pdfDoc = (unit: string, figure: string) =>
  makePdf([
    {
      content:
        textAt(72, 760, 16, `${unit}2023年部门预算`) +
        textAt(72, 730, 12, "一、2023年收入预算总计1,234.56万元，比上年增加12.00万元。") +
        textAt(72, 700, 12, `二、“三公”经费支出预算${figure}万元。`),
    },
  ]);
const good = pdfDoc("某某县财政局", "3.50");
const encrypted = makePdf([{ content: textAt(72, 760, 16, "机密") }], {
  trailer: `/Encrypt ${nextObject(1)} 0 R /ID [<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>] `,
  extraObjects: [`<< /Filter /Standard /V 1 /R 2 /O <${"ab".repeat(32)}> /U <${"cd".repeat(32)}> /P -4 >>`],
});
const gbkPage = iconv.encode(
  `<html><head><meta charset="gbk"></head><body><p>某某县教育局2023年部门预算</p>
<p>一、2023年收入预算总计88.00万元。</p><p>公开01表 收支预算总表</p>
<table><tr><td>科目编码</td><td>科目名称</td><td>金额</td></tr><tr><td>205</td><td>教育支出</td><td>88.00</td></tr></table>
</body></html>`,
  "gbk",
);

/** A documents folder with good files of every format beside broken and unknown ones. */
function mixedFolder(): string {
  const dir = tmp("mixed-docs-");
  copyFileSync("test/fixtures/taoyuan-2024-budget.txt", join(dir, "text-doc.txt"));
  writeFileSync(join(dir, "pdf-doc.pdf"), good);
  writeFileSync(join(dir, "web-doc.html"), gbkPage);
  writeFileSync(join(dir, "scanned.pdf"), makePdf([{ content: "0 0 1 rg 100 100 200 50 re f" }]));
  writeFileSync(join(dir, "locked.pdf"), encrypted);
  writeFileSync(join(dir, "cut.pdf"), good.subarray(0, Math.floor(good.length / 2)));
  writeFileSync(join(dir, "blank.pdf"), Buffer.alloc(0));
  writeFileSync(join(dir, "report.docx"), Buffer.from("PK\u0003\u0004 not read"));
  writeFileSync(join(dir, "pdf-doc.meta.json"), JSON.stringify({ aliases: ["县财政局"] }));
  writeFileSync(join(dir, ".DS_Store"), "x");
  return dir;
}

const EXPECTED_FAILURES: Record<string, RegExp> = {
  "scanned.pdf": /^no text layer: scanned images\?/,
  "locked.pdf": /^encrypted PDF: needs a password/,
  "cut.pdf": /broken or truncated PDF/,
  "blank.pdf": /^empty file/,
  "report.docx": /^unknown format \.docx$/,
};

describe("a documents folder of mixed formats", () => {
  it("lists unknown formats with the reason and skips sidecars and hidden files", () => {
    const { documents, unread } = listFolder(mixedFolder());
    expect(documents.map((d) => d.split("/").pop())).toEqual([
      "blank.pdf",
      "cut.pdf",
      "locked.pdf",
      "pdf-doc.pdf",
      "scanned.pdf",
      "text-doc.txt",
      "web-doc.html",
    ]);
    expect(unread).toEqual([{ file: "report.docx", reason: "unknown format .docx" }]);
  });

  it("reads every good document, reports each unreadable one with its reason, and answers from them", async () => {
    const docsDir = mixedFolder();
    const { engine, report } = await openEngine({
      docsDir,
      indexDir: tmp("mixed-index-"),
      intentsDir: "intents",
    });
    const byDoc = Object.fromEntries(report.documents.map((d) => [d.doc, d]));
    expect(Object.keys(byDoc).sort()).toEqual(["pdf-doc", "text-doc", "web-doc"]);
    expect(byDoc["pdf-doc"]).toMatchObject({ format: "pdf", pageCount: 1, unit: "某某县财政局", year: 2023 });
    expect(byDoc["pdf-doc"]!.aliases).toContain("县财政局");
    expect(byDoc["web-doc"]).toMatchObject({ format: "html", pageCount: 0, year: 2023 });
    expect(byDoc["text-doc"]!.format).toBe("txt");
    expect(report.failed.map((f) => f.file).sort()).toEqual(Object.keys(EXPECTED_FAILURES).sort());
    for (const f of report.failed) expect(f.reason, f.file).toMatch(EXPECTED_FAILURES[f.file]!);
    const answer = engine.ask("某某县财政局2023年三公经费是多少");
    expect(answer.answers[0]?.doc).toBe("pdf-doc");
    expect(answer.answers[0]?.value).toBe("3.50");
  });

  it("a changed PDF is rebuilt; a damaged model of a PDF is rebuilt when first read", async () => {
    const docsDir = tmp("pdf-docs-");
    const indexDir = tmp("pdf-index-");
    writeFileSync(join(docsDir, "a.pdf"), pdfDoc("某某县财政局", "3.50"));
    let { report } = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    expect(report.built?.documents).toBe(1);
    ({ report } = await openEngine({ docsDir, indexDir, intentsDir: "intents" }));
    expect(report.built?.documents).toBe(0);
    writeFileSync(join(docsDir, "a.pdf"), pdfDoc("某某县财政局", "4.25"));
    ({ report } = await openEngine({ docsDir, indexDir, intentsDir: "intents" }));
    expect(report.built?.documents).toBe(1);
    // A start from the catalog reads no model; damage it then: the first question reads it, finds
    // it bad and rebuilds the PDF (in a worker this thread waits for: answering is synchronous).
    const opened = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    expect(opened.report.built?.documents).toBe(0);
    const store = new IndexStore(indexDir, docsDir);
    writeFileSync(join(store.dir, "a.model.json"), "garbage");
    const answer = opened.engine.ask("某某县财政局2023年三公经费是多少").answers[0];
    expect(answer?.value).toBe("4.25");
    expect(opened.engine.passage("a", answer!.span!)).toContain("4.25");
    // the rebuilt model was written back
    const catalog = store.readCatalog();
    if (!(catalog instanceof Map)) throw new Error(catalog.reason);
    expect("model" in store.loadModel("a", catalog.get("a")!.hash)).toBe(true);
  });
});

describe("npm run ingest", () => {
  const run = (docsDir: string) =>
    spawnSync(process.execPath, ["--import", "tsx", "src/cli/ingest.ts", "--docs", docsDir], {
      env: { ...process.env, INDEX_DIR: tmp("cli-index-"), LOG_LEVEL: "error" },
      encoding: "utf8",
      timeout: 60_000,
    });

  it("exits 1 after reading the others when a document is unreadable; 0 when all are read", () => {
    const docsDir = tmp("cli-docs-");
    writeFileSync(join(docsDir, "ok.pdf"), good);
    writeFileSync(join(docsDir, "notes.docx"), "x");
    const clean = run(docsDir);
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.stdout).toContain("■ ok（PDF，1 页）");
    expect(clean.stdout).toMatch(/notes\.docx：未读取（unknown format \.docx）/);

    writeFileSync(join(docsDir, "scan.pdf"), makePdf([{ content: "0 0 1 rg 100 100 200 50 re f" }]));
    const failing = run(docsDir);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toContain("■ ok（PDF，1 页）");
    expect(failing.stdout).toMatch(/scan\.pdf：无法读取（no text layer: scanned images\?/);
    expect(readdirSync(docsDir)).toContain("ok.pdf");
  });
});
