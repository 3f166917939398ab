// Ruled cells the grid draws across lines: a header cell merged over its parts or spanning header
// rows gives the cells under it their column paths; a cell whose text wraps over many lines stays one
// cell of one row. (How the table reader uses them, and tables continued over pages: pdf-ruled-tables.)
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ingestDocument, readPdf } from "../../src/ingest/index.js";
import { layoutPageRows } from "../../src/ingest/pdf.js";
import { makePdf, textAt } from "./minimal-pdf.js";
import { ROWS, figure, line, mergedHeaderTable, title } from "./ruled-tables.js";

describe("a header cell merged over its parts or spanning header rows", () => {
  const pdf = makePdf([{ content: title + mergedHeaderTable(750, ROWS) }]);

  it("gives each body cell the path of the header cells over it", async () => {
    const read = await readPdf(pdf);
    if (!read.ok) throw new Error(read.reason);
    const { rows } = layoutPageRows(read.pages[0]!);
    expect(rows.find((r) => r.cells.length === 5)?.columns).toEqual([
      "项目",
      "合计",
      "基本支出 › 人员经费",
      "基本支出 › 公用经费",
      "项目支出",
    ]);
  });
});

describe("a cell whose text wraps over many lines", () => {
  // 项目 | 说明 | 金额, every row ruled off; the second row's 说明 wraps over six lines, full stops and
  // all, with its name and amount centred against it.
  const xs = [50, 150, 400, 480];
  const ys = [740, 715, 690, 600, 575];
  const note = [
    "用于机关日常运转。",
    "包括办公费、印刷费、",
    "水电费、邮电费等。",
    "比上年增加主要是由于",
    "新增人员经费和办公用",
    "房维修。",
  ];
  const grid = (rows: number[]) =>
    xs.map((x) => line(x, ys[ys.length - 1]!, x, ys[0]!)).join("") +
    rows.map((y) => line(xs[0]!, y, xs[xs.length - 1]!, y)).join("");
  const text =
    textAt(150, 780, 14, "某某单位项目支出预算表") +
    textAt(400, 758, 10, "单位：万元") +
    textAt(80, 724, 10, "项目") +
    textAt(250, 724, 10, "说明") +
    textAt(420, 724, 10, "金额") +
    textAt(60, 699, 10, "合计") +
    figure(480, 699, "1,300.00") +
    textAt(60, 641, 10, "机关运行经费") +
    note.map((s, k) => textAt(160, 680 - 13 * k, 10, s)).join("") +
    figure(480, 641, "1,234.56") +
    textAt(60, 584, 10, "其他支出") +
    textAt(160, 584, 10, "其他。") +
    figure(480, 584, "65.44");

  it("keeps the cell one cell and its row one row, the page's lines kept in the text", async () => {
    const pdf = makePdf([{ content: text + grid(ys) }]);
    const read = await readPdf(pdf);
    if (!read.ok) throw new Error(read.reason);
    const { text: laid, rows } = layoutPageRows(read.pages[0]!);
    const row = rows.find((r) => r.cells.some((c) => c.length === note.length));
    expect(row?.cells.map((c) => c.map(([a, b]) => laid.slice(a, b)).join(""))).toEqual([
      "机关运行经费",
      note.join(""),
      "1,234.56",
    ]);
    for (const s of note) expect(laid.split("\n").some((l) => l.includes(s))).toBe(true);
    const o = await ingestDocument("long.pdf", pdf);
    if (!o.ok) throw new Error(o.reason);
    const t = o.model.tables[0]!;
    // the full stops inside the cell do not end the table: the row after it is still in it
    expect(t.rows.map((r) => [r.label, r.cells.map((c) => c.text).join(" ")])).toEqual([
      ["合计", "1,300.00"],
      [`机关运行经费${note.join("")}`, "1,234.56"],
      ["其他支出其他。", "65.44"],
    ]);
  });

  it("a table ruled only by its columns keeps its lines apart", async () => {
    // Rulings under the header and at the bottom only: no row is ruled off from rows on both sides.
    const pdf = makePdf([{ content: text + grid([ys[0]!, ys[1]!, ys[ys.length - 1]!]) }]);
    const read = await readPdf(pdf);
    if (!read.ok) throw new Error(read.reason);
    const { text: laid, rows } = layoutPageRows(read.pages[0]!);
    const joined = rows.filter((r) => r.cells.some((c) => c.length > 4));
    expect(joined.map((r) => r.cells.map((c) => c.map(([a, b]) => laid.slice(a, b)).join("")))).toEqual([]);
  });
});

describe.skipIf(!existsSync("../shared/corpus/pdf"))("ruled cells on real disclosures", () => {
  const PDFS = "../shared/corpus/pdf";

  it("a 绩效目标 cell wrapped over six lines is one cell of one row", async () => {
    const read = await readPdf(readFileSync(join(PDFS, "018_shputuo_wljd_2023_bmys.pdf")));
    if (!read.ok) throw new Error(read.reason);
    const { text, rows } = layoutPageRows(read.pages[32]!);
    const row = rows.find((r) => r.cells.some((c) => c.length === 6))!;
    const cells = row.cells.map((c) => c.map(([a, b]) => text.slice(a, b)).join(""));
    expect(cells[0]).toBe("项目绩效目标");
    expect(cells[2]).toMatch(/^整治辖区内乱设摊.*整体提升万里地区市容市貌。$/);
  });

  it("header paths of real tables: a wrapped header cell, a header over five ruled lines", async () => {
    const columnsOf = async (file: string, page: number) => {
      const read = await readPdf(readFileSync(join(PDFS, file)));
      if (!read.ok) throw new Error(read.reason);
      return layoutPageRows(read.pages[page - 1]!).rows.flatMap((r) => r.columns ?? []);
    };
    // 事业单位 on the header's second line, 经营收入 on its fourth: one cell
    expect(await columnsOf("019_shputuo_wljd_2024_bmys.pdf", 11)).toContain("收入预算 › 事业单位经营收入");
    expect(await columnsOf("023_shputuo_qfb_2025_dwys.pdf", 8)).toContain(
      "本年支出 › 预算数 › 基本支出 › 人员经费",
    );
  });
});
