// How the table reader uses the ruled cells: figures under the header paths the grid draws (not the
// names in print order), a table continued on the next page with or without its header printed
// again, a cell the page break splits.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ingestDocument, ingestFile } from "../../src/ingest/index.js";
import { makePdf, textAt } from "./minimal-pdf.js";
import { ROWS, cellsOf, mergedHeaderTable, title } from "./ruled-tables.js";

describe("a header cell merged over its parts or spanning header rows", () => {
  const pdf = makePdf([{ content: title + mergedHeaderTable(750, ROWS) }]);

  it("puts each figure under its own column, not under the names in print order", async () => {
    const o = await ingestDocument("merged.pdf", pdf);
    if (!o.ok) throw new Error(o.reason);
    expect(cellsOf(o.model.tables[0]!)).toEqual([
      ["合计", "合计=300.00", "基本支出 › 人员经费=150.00", "基本支出 › 公用经费=50.00", "项目支出=100.00"],
      ["一般公共服务支出", "合计=100.00", "基本支出 › 人员经费=60.00", "基本支出 › 公用经费=40.00"],
      [
        "教育支出",
        "合计=200.00",
        "基本支出 › 人员经费=90.00",
        "基本支出 › 公用经费=10.00",
        "项目支出=100.00",
      ],
    ]);
  });
});

describe("a table continued on the next page", () => {
  /** Page 2 repeats the header or not; `split` breaks the second row's label over the two pages. */
  const continued = (header: boolean, split = false) =>
    makePdf([
      {
        content:
          title +
          mergedHeaderTable(750, [
            ROWS[0]!,
            split ? ["一般公共服务支出中的", ...ROWS[1]!.slice(1)] : ROWS[1]!,
          ]) +
          textAt(280, 60, 9, "3", "F2"),
      },
      {
        content:
          mergedHeaderTable(750, split ? [["行政运行"], ROWS[2]!] : [ROWS[2]!], header) +
          textAt(280, 60, 9, "4", "F2"),
      },
    ]);

  for (const header of [true, false])
    it(`is one table ${header ? "with its header printed again" : "without its header printed again"}`, async () => {
      const o = await ingestDocument("continued.pdf", continued(header));
      if (!o.ok) throw new Error(o.reason);
      expect(o.model.tables).toHaveLength(1);
      const t = o.model.tables[0]!;
      expect(t.pages).toEqual([1, 2]);
      expect(t.rows.map((r) => r.label)).toEqual(["合计", "一般公共服务支出", "教育支出"]);
      expect(t.rows[2]!.cells.map((c) => c.text)).toEqual(["200.00", "90.00", "10.00", "100.00"]);
      // 合计 = the two rows, column by column: all checks pass
      expect(t.checks.failed).toBe(0);
    });

  it("a label cell split by the page break joins the row before it", async () => {
    const o = await ingestDocument("split.pdf", continued(true, true));
    if (!o.ok) throw new Error(o.reason);
    const t = o.model.tables[0]!;
    expect(t.rows.map((r) => r.label)).toEqual(["合计", "一般公共服务支出中的行政运行", "教育支出"]);
  });
});

describe.skipIf(!existsSync("../shared/corpus/pdf"))("ruled cells on real disclosures", () => {
  const PDFS = "../shared/corpus/pdf";

  it("a table continued with its header printed again is one table with every row's code (收入预算总表)", async () => {
    // p10-11: the header (项目 | 收入预算 over 合计 … 事业单位经营收入 wrapped in its cell … 其他收入,
    // 功能分类科目编码 over 类 款 项) is printed again on p11; the first row after it kept its code.
    const o = await ingestFile(join(PDFS, "021_shputuo_czj_2025_bmys.pdf"));
    if (!o.ok) throw new Error(o.reason);
    const t = o.model.tables.find((x) => x.title === "2025年部门收入预算总表")!;
    expect(t.pages).toEqual([10, 11]);
    expect(t.checks.failed).toBe(0);
    expect(t.rows.map((r) => r.label)).not.toContain("收入预算");
    const health = t.rows.find((r) => r.label === "卫生健康支出")!;
    expect(health.code).toBe("210");
    expect(health.cells.map((c) => `${c.column}=${c.text}`)).toEqual([
      "收入预算 › 合计=782,164.00",
      "收入预算 › 财政拨款收入=782,164.00",
    ]);
  });

  it("a header cell wrapped over two lines of a header is one column, in its place (事业单位经营收入)", async () => {
    // The header prints 事业单位 on its second line and 经营收入 on its fourth, with 其他收入 between
    // them in print order: read by names the last two columns came out swapped.
    const o = await ingestFile(join(PDFS, "019_shputuo_wljd_2024_bmys.pdf"));
    if (!o.ok) throw new Error(o.reason);
    const t = o.model.tables.find((x) => x.title === "2024年部门收入预算总表")!;
    expect(t.checks.failed).toBe(0);
    expect(t.rows[0]!.cells.map((c) => `${c.column}=${c.text}`)).toEqual([
      "收入预算 › 合计=2,932,700",
      "收入预算 › 财政拨款收入=2,932,700",
      "收入预算 › 事业收入=0",
      "收入预算 › 事业单位经营收入=0",
      "收入预算 › 其他收入=0",
    ]);
  });

  it("a function table over four pages, its header printed on each, passes every check", async () => {
    const o = await ingestFile(join(PDFS, "018_shputuo_wljd_2023_bmys.pdf"));
    if (!o.ok) throw new Error(o.reason);
    const t = o.model.tables.find((x) => x.title === "2023年部门一般公共预算支出功能分类预算表")!;
    expect(t.pages).toEqual([20, 21, 22, 23]);
    expect(t.checks.run).toBeGreaterThanOrEqual(90);
    expect(t.checks.failed).toBe(0);
    expect(t.rows.find((r) => r.label === "司法")?.code).toBe("20406");
  });

  it("a header over five ruled lines flattens to paths (财务收支预算总表: 预算数 › 基本支出 › 人员经费)", async () => {
    const o = await ingestFile(join(PDFS, "023_shputuo_qfb_2025_dwys.pdf"));
    if (!o.ok) throw new Error(o.reason);
    const t = o.model.tables.find((x) => x.title === "2025年预算单位财务收支预算总表")!;
    const row = t.rows.find((r) => r.label === "二、社会保障和就业支出")!;
    expect(row.cells.map((c) => `${c.column}=${c.text}`)).toEqual([
      "本年支出 › 预算数 › 合计=4,213,779.28",
      "本年支出 › 预算数 › 基本支出 › 人员经费=3,948,399.28",
      "本年支出 › 预算数 › 基本支出 › 公用经费=265,380.00",
    ]);
  });

  it("a procurement row whose 经济科目 cell the page break splits keeps its whole name", async () => {
    // p17 ends with "应用软件购建费 | 信息网络及软件购 | 606.00"; p18 opens with "置更新" in that cell.
    const o = await ingestFile(join(PDFS, "016_jiangsu_gyfy_2017_bmys.pdf"));
    if (!o.ok) throw new Error(o.reason);
    const t = o.model.tables.find((x) => x.title.includes("政府采购预算表"))!;
    const labels = t.rows.map((r) => r.label);
    expect(labels).toContain("应用软件购建费信息网络及软件购置更新");
    expect(labels.filter((l) => l.includes("置更新"))).not.toContain("应用软件购建费置更新信息网络及软件购");
  });
});
