import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ingestDocument, ingestFile, pageOfOffset, pdfText, readPdf } from "../../src/ingest/index.js";
import { layoutPage, pageLines, type PdfItem } from "../../src/ingest/pdf.js";
import { layoutText, quoteParts, readGold, squeeze, windowRecall } from "../../src/bench/pdf-fidelity.js";
import { makePdf, nextObject, textAt } from "./minimal-pdf.js";

const CORPUS = "../shared/corpus";
const PDFS = join(CORPUS, "pdf");
const GOLD = "../shared/eval/real.jsonl";

describe.skipIf(!existsSync(PDFS))("real disclosures read from their PDFs", () => {
  // Two explanation-and-tables documents (portrait and landscape pages) and one tables-only file.
  const cases = [
    { stem: "002_jiangsu_rdbgt_2018_bmys", pages: 31, unit: "江苏省人大常委会办公厅", year: 2018 },
    { stem: "010_jiangsu_swbgt_2018_bmystables", pages: 15, unit: "中共江苏省委办公厅", year: 2018 },
    { stem: "024_shputuo_swh_2025_bmys", pages: 26, unit: "上海市普陀区商务委员会", year: 2025 },
  ];
  const gold = existsSync(GOLD) ? quoteParts(readGold(GOLD)) : [];

  for (const c of cases) {
    it(`${c.stem}: pages, unit, year, and the gold quotes found in our text`, async () => {
      const o = await ingestFile(join(PDFS, `${c.stem}.pdf`));
      if (!o.ok) throw new Error(o.reason);
      const m = o.model;
      expect(m.format).toBe("pdf");
      expect(m.id).toBe(c.stem);
      expect(m.pages).toHaveLength(c.pages);
      expect(m.pages[0]).toBe(0);
      // pages are joined with form feeds, like pdftotext
      expect(m.text.split("\f")).toHaveLength(c.pages);
      for (let p = 1; p < c.pages; p++) expect(m.text[m.pages[p]! - 1]).toBe("\f");
      expect(squeeze(m.text)).toContain(c.unit);
      expect(m.text).toContain(String(c.year));
      expect(m.meta.year).toBe(c.year);
      // quote fidelity: answers quote our text; the evaluation looks quotes up in pdftotext's
      const mine = squeeze(m.text);
      const parts = gold.filter((g) => g.doc === c.stem);
      if (parts.length) {
        const found = parts.filter((g) => mine.includes(g.part)).length;
        expect(found / parts.length).toBeGreaterThanOrEqual(0.95);
      }
      const ref = layoutText(CORPUS, c.stem);
      if (ref) expect(windowRecall(ref, m.text)).toBeGreaterThanOrEqual(0.98);
      // every table knows its pages, and they are pages of the document
      for (const t of m.tables) {
        expect(t.pages.length).toBeGreaterThan(0);
        expect(t.pages[0]).toBe(
          pageOfOffset(m.pages, m.text.indexOf(m.text.slice(t.span[0]).trimStart()[0]!, t.span[0])),
        );
        for (const p of t.pages) expect(p).toBeLessThanOrEqual(c.pages);
      }
    });
  }

  it("the page model has text items with positions and the table rulings each page draws", async () => {
    const read = await readPdf(readFileSync(join(PDFS, "010_jiangsu_swbgt_2018_bmystables.pdf")));
    if (!read.ok) throw new Error(read.reason);
    const page = read.pages[2]!; // the first table page
    expect(page.number).toBe(3);
    expect(page.width).toBeGreaterThan(page.height); // landscape
    for (const it of page.items) {
      expect(it.text.trim()).toBe(it.text);
      expect(it.x).toBeGreaterThanOrEqual(-1);
      expect(it.x).toBeLessThanOrEqual(page.width);
      expect(it.y).toBeGreaterThanOrEqual(0);
      expect(it.y).toBeLessThanOrEqual(page.height + 1);
      expect(it.fontSize).toBeGreaterThan(0);
    }
    const horizontal = page.rules.filter((r) => r.y1 === r.y2 && r.x2 - r.x1 > 20);
    const vertical = page.rules.filter((r) => r.x1 === r.x2 && r.y2 - r.y1 > 5);
    expect(horizontal.length).toBeGreaterThan(5);
    expect(vertical.length).toBeGreaterThan(3);
    for (const r of page.rules) {
      expect(r.x1).toBeLessThanOrEqual(r.x2);
      expect(r.y1).toBeLessThanOrEqual(r.y2);
    }
  });
});

describe("PDFs made up for the edge cases", () => {
  const title = textAt(72, 760, 16, "某某县财政局2023年部门预算");
  const body =
    textAt(72, 730, 12, "一、2023年收入预算总计1,234.56万元，比上年增加12.00万元。") +
    textAt(72, 700, 12, "二、“三公”经费支出预算3.50万元。");

  it("reads Chinese text (CMaps and fonts from the installed package) into a model", async () => {
    const o = await ingestDocument("made.pdf", makePdf([{ content: title + body }]));
    if (!o.ok) throw new Error(o.reason);
    expect(o.model.format).toBe("pdf");
    expect(o.model.pages).toEqual([0]);
    expect(o.model.text).toContain("某某县财政局2023年部门预算");
    expect(squeeze(o.model.text)).toContain("收入预算总计1,234.56万元");
    expect(o.model.meta.year).toBe(2023);
  });

  it("a rotated (landscape) page is read in reading orientation", async () => {
    // Drawn turned by 90° on a portrait page that /Rotate 90 shows upright: the first line is
    // nearer the page's left edge in PDF space, which is the top once rotated.
    const upright = (x: number, s: string) =>
      textAt(0, 0, 14, s).replace("1 0 0 1 0 0 Tm", `0 1 -1 0 ${x} 100 Tm`);
    const pdf = makePdf([{ rotate: 90, content: upright(70, "第一行文字") + upright(100, "第二行文字") }]);
    const read = await readPdf(pdf);
    if (!read.ok) throw new Error(read.reason);
    const page = read.pages[0]!;
    expect([page.width, page.height]).toEqual([842, 595]);
    expect(
      pdfText(read.pages)
        .text.trim()
        .split(/\n/)
        .map((l) => l.trim()),
    ).toEqual(["第一行文字", "第二行文字"]);
  });

  it("two-page documents: pages joined with a form feed and each page's offset kept", async () => {
    const o = await ingestDocument("two.pdf", makePdf([{ content: title + body }, { content: body }]));
    if (!o.ok) throw new Error(o.reason);
    expect(o.model.pages).toHaveLength(2);
    expect(o.model.text[o.model.pages[1]! - 1]).toBe("\f");
    expect(pageOfOffset(o.model.pages, o.model.text.lastIndexOf("三公"))).toBe(2);
    expect(pageOfOffset(o.model.pages, 0)).toBe(1);
  });

  const encrypted = makePdf([{ content: title + body }], {
    trailer: `/Encrypt ${nextObject(1)} 0 R /ID [<00112233445566778899aabbccddeeff><00112233445566778899aabbccddeeff>] `,
    extraObjects: [`<< /Filter /Standard /V 1 /R 2 /O <${"ab".repeat(32)}> /U <${"cd".repeat(32)}> /P -4 >>`],
  });
  const good = makePdf([{ content: title + body }]);
  const refusals: Array<[string, Uint8Array, RegExp]> = [
    [
      "a page with only a drawn rectangle (no text layer)",
      makePdf([{ content: "0 0 1 rg 100 100 200 50 re f" }]),
      /^no text layer: scanned images\?/,
    ],
    ["an encrypted PDF that needs a password", encrypted, /^encrypted PDF: needs a password/],
    ["a truncated PDF", good.subarray(0, Math.floor(good.length / 2)), /broken or truncated PDF/],
    ["a PDF with zero pages", makePdf([]), /^PDF has no pages/],
    ["an empty file named .pdf", new Uint8Array(), /^empty file/],
    ["a .pdf that is not a PDF", Buffer.from("hello, this is not a PDF\u0000\u0001"), /not a PDF/],
  ];
  for (const [what, bytes, reason] of refusals) {
    it(`refuses ${what} with the reason`, async () => {
      const o = await ingestDocument("bad.pdf", bytes);
      expect(o.ok).toBe(false);
      if (!o.ok) expect(o.reason).toMatch(reason);
    });
  }
});

describe("page layout (pdftotext -layout shape)", () => {
  const item = (x: number, y: number, text: string, fontSize = 10, w?: number): PdfItem => ({
    x,
    y,
    w: w ?? [...text].reduce((s, c) => s + (/[\u4e00-\u9fff]/.test(c) ? fontSize : fontSize / 2), 0),
    h: fontSize,
    text,
    fontSize,
  });
  it("a figure in a smaller font centred on a label's line stays on that line", () => {
    const lines = pageLines([item(100, 249.1, "公共财政拨款", 17), item(400, 245.8, "20,702.25", 9)]);
    expect(lines.map((l) => l.map((i) => i.text))).toEqual([["公共财政拨款", "20,702.25"]]);
  });
  it("a superscript joins its line; lines apart by their height do not merge", () => {
    const lines = pageLines([item(100, 100, "合计", 10), item(121, 96, "1", 6), item(100, 112, "小计", 10)]);
    expect(lines.map((l) => l.map((i) => i.text).join(""))).toEqual(["合计1", "小计"]);
  });
  it("cells wrapped onto two lines are printed as two physical lines, columns kept apart", () => {
    const text = layoutPage({
      number: 1,
      width: 600,
      height: 800,
      rules: [],
      items: [
        item(50, 100, "一般公共预算"),
        item(50, 112, "资金"),
        item(300, 106, "1,234.56"),
        item(50, 130, "30101"),
        item(120, 130, "基本工资"),
        item(300, 130, "88.00"),
      ],
    });
    const lines = text.split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^\s*30101 {2,}基本工资 {2,}88\.00$/);
    // table columns stay aligned in character columns (one column per character, as pdftotext)
    expect(lines[3]!.indexOf("88.00")).toBe(lines[1]!.indexOf("1,234.56"));
    expect(lines[3]!.indexOf("30101")).toBe(lines[0]!.indexOf("一般"));
    // adjacent glyphs of one run are not spaced apart
    expect(
      layoutPage({
        number: 1,
        width: 600,
        height: 800,
        rules: [],
        items: [item(50, 50, "基本"), item(70, 50, "工资")],
      }).trim(),
    ).toBe("基本工资");
  });
});
