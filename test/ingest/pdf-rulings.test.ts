// Ruled tables: where the page draws a cell grid, the grid decides what is one cell and what is one
// row; where it draws none, the page reads exactly as it did from column alignment alone.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ingestDocument, ingestFile, pdfText, readPdf } from "../../src/ingest/index.js";
import { layoutPage } from "../../src/ingest/pdf.js";
import { squeeze } from "../../src/bench/pdf-fidelity.js";
import { makePdf, textAt } from "./minimal-pdf.js";

/** Stroked segments (PDF space, origin bottom-left). */
const line = (x1: number, y1: number, x2: number, y2: number) => `0.5 w ${x1} ${y1} m ${x2} ${y2} l S\n`;

// A three-column table: 项目 | 本年一般公共预算 | 上年预算, columns ruled at x = 50, 200, 300, 400.
// Row 1 is "合计" letter-spaced across its cell; row 2's label wraps over two lines inside its cell
// with its figures centred between them; row 3's cells are blank; the header's second name starts
// just after the ruling.
const xs = [50, 200, 300, 400];
const ys = [740, 715, 690, 650, 625, 600];
const grid =
  xs.map((x) => line(x, ys[ys.length - 1]!, x, ys[0]!)).join("") +
  ys.map((y) => line(50, y, 400, y)).join("");
const title = textAt(120, 780, 14, "某某单位一般公共预算支出表") + textAt(330, 755, 10, "单位：万元");
const header =
  textAt(60, 724, 10, "项目") + textAt(215, 724, 10, "本年一般公共预算") + textAt(302, 724, 10, "上年预算");
const total = textAt(60, 699, 10, "合") + textAt(180, 699, 10, "计");
const totalFigures = textAt(250, 699, 10, "1,300.00", "F2") + textAt(350, 699, 10, "1,100.00", "F2");
const wrapped = textAt(60, 674, 10, "一般公共服务") + textAt(60, 660, 10, "支出");
const centred = textAt(250, 667, 10, "1,234.56", "F2") + textAt(350, 667, 10, "1,000.00", "F2");
const blank = textAt(60, 634, 10, "外交支出");
const other =
  textAt(60, 609, 10, "其他支出") +
  textAt(270, 609, 10, "65.44", "F2") +
  textAt(360, 609, 10, "100.00", "F2");
const cells = title + header + total + totalFigures + wrapped + centred + blank + other;

describe("a table the page rules", () => {
  const ruled = makePdf([{ content: cells + grid }]);
  const unruled = makePdf([{ content: cells }]);

  it("reads the rulings as a cell grid: a wrapped label is one row, a spaced-out label one cell, a blank row its own", async () => {
    const o = await ingestDocument("ruled.pdf", ruled);
    if (!o.ok) throw new Error(o.reason);
    const [t] = o.model.tables;
    expect(t?.title).toBe("某某单位一般公共预算支出表");
    expect(t?.columns).toEqual(["本年一般公共预算", "上年预算"]);
    expect(t?.rows.map((r) => [r.label, ...r.cells.map((c) => `${c.column}=${c.text}`)])).toEqual([
      ["合计", "本年一般公共预算=1,300.00", "上年预算=1,100.00"],
      ["一般公共服务支出", "本年一般公共预算=1,234.56", "上年预算=1,000.00"],
      // a row the rulings close is not continued by the next one, even with its cells blank
      ["外交支出"],
      ["其他支出", "本年一般公共预算=65.44", "上年预算=100.00"],
    ]);
    // the wrapped row's span quotes its lines as printed (a quote of it is in the page's text)
    const row = t!.rows[1]!;
    expect(squeeze(o.model.text.slice(row.span[0], row.span[1]))).toBe("一般公共服务1,234.561,000.00支出");
  });

  it("lays out cells: two spaces at least between cells, none inside a spaced-out cell, the page's lines kept", async () => {
    const read = await readPdf(ruled);
    if (!read.ok) throw new Error(read.reason);
    expect(read.pages[0]!.rules.length).toBeGreaterThanOrEqual(xs.length + ys.length);
    const lines = layoutPage(read.pages[0]!).split("\n");
    expect(lines.find((l) => l.includes("本年"))).toMatch(/项目 {2,}本年一般公共预算 {2,}上年预算$/);
    expect(lines.find((l) => l.includes("1,300.00"))).toMatch(/^\s*合计 {2,}1,300\.00 {2,}1,100\.00$/);
    // the text stays the page's: the same characters in the same order as without the rulings
    const plain = await readPdf(unruled);
    if (!plain.ok) throw new Error(plain.reason);
    expect(squeeze(pdfText(read.pages).text)).toBe(squeeze(pdfText(plain.pages).text));
  });

  it("without rulings the same page reads from column alignment alone (the wrapped label is not joined)", async () => {
    const o = await ingestDocument("unruled.pdf", unruled);
    if (!o.ok) throw new Error(o.reason);
    const labels = o.model.tables[0]?.rows.map((r) => r.label) ?? [];
    expect(labels).not.toContain("一般公共服务支出");
    const read = await readPdf(unruled);
    if (!read.ok) throw new Error(read.reason);
    expect(read.pages[0]!.rules).toEqual([]);
    expect(pdfText(read.pages).rows).toEqual([]);
  });
});

describe.skipIf(!existsSync("../shared/corpus/pdf"))("rulings on real disclosures", () => {
  const PDFS = "../shared/corpus/pdf";

  it("a page without rulings renders byte for byte as from column alignment alone", async () => {
    // An explanation-only document: no page of it draws a ruling. The hash is of the text the
    // reader gave before rulings counted.
    const read = await readPdf(readFileSync(join(PDFS, "003_jiangsu_rdcwh_2019_bmys.pdf")));
    if (!read.ok) throw new Error(read.reason);
    expect(read.pages.every((p) => p.rules.length === 0)).toBe(true);
    const text = pdfText(read.pages).text;
    expect(createHash("sha256").update(text).digest("hex")).toBe(HASH_003);
  });

  it("procurement rows whose item name wraps inside its ruled cell read as one row with its figure", async () => {
    // 政府采购 tables print a project's name over two or three lines of its cell with the
    // 经济科目 and the amount centred against it: each such row keeps its whole name.
    const o = await ingestFile(join(PDFS, "010_jiangsu_swbgt_2018_bmystables.pdf"));
    if (!o.ok) throw new Error(o.reason);
    const t = o.model.tables.find((x) => x.title.includes("政府采购"));
    const labels = t?.rows.map((r) => r.label) ?? [];
    expect(labels).toContain("文印、机要及办公自动化经费");
    expect(labels).toContain("省委办公厅承办的会议费");
    // every labelled row of the table has a figure: no wrapped fragment is left as a row of its own
    const fragments = t!.rows.filter((r) => r.label && !r.cells.some((c) => c.value !== null));
    expect(fragments.map((r) => r.label)).toEqual([]);
  });

  it("a figure right against the next cell's label is its own cell (总表 收入 | 支出 halves)", async () => {
    const read = await readPdf(readFileSync(join(PDFS, "010_jiangsu_swbgt_2018_bmystables.pdf")));
    if (!read.ok) throw new Error(read.reason);
    const page = layoutPage(read.pages[2]!);
    expect(page).toMatch(/24,458\.43 {2,}一、一般公共服务支出/);
  });
});

const HASH_003 = "b5220965945385725cef63212c9c53a148968e7f9e673fbf65b283545a0a729a";
