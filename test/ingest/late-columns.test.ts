import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ingestBytes, type DocModel, type Table } from "../../src/ingest/index.js";

/**
 * Plain pdftotext (one cell per line) prints a wide table's last columns as a block after the rows:
 * their header words, then their figures. The block is placed by the table's own sums, or not at all.
 */
function read(lines: string[]): DocModel {
  const text = `某区某局2025年单位预算\n\n${lines.join("\n\n")}\n`;
  const o = ingestBytes("t.txt", new TextEncoder().encode(text));
  if (!o.ok) throw new Error(o.reason);
  return o.model;
}
const table = (m: DocModel, title: RegExp): Table => m.tables.find((t) => title.test(t.title))!;
const cellsOf = (t: Table, label: string) =>
  Object.fromEntries(
    t.rows.find((r) => r.label === label)?.cells.map((c) => [c.column ?? "?", c.text]) ?? [],
  );
/** Every figure of the table, wherever it was read. */
const figures = (t: Table) => t.rows.flatMap((r) => r.cells.map((c) => c.text));

/** The head of a made-up 财务收支预算总表, one cell per line, and its first rows. */
const HEAD = [
  "财务收支预算总表",
  "单位：元",
  "本年收入",
  "本年支出",
  "预算数",
  "项目",
  "预算数",
  "项目",
  "基本支出",
  "合计",
  "人员经费",
  "一、财政拨款收入",
  "1,000.00 一、一般公共服务支出",
  "700.00",
  "300.00",
  "1、一般公共预算资金",
  "1,000.00 二、教育支出",
  "200.00",
  "150.00",
  "三、卫生健康支出",
  "100.00",
  "100.00",
];

describe("a late column block in plain text", () => {
  it("places the block's figures where the sums decide them: per row, and the total row column by column", () => {
    const t = table(
      read([
        ...HEAD,
        "支出总计",
        "1,000.00",
        "550.00",
        // The block: its header words after the rows, then 公用经费 | 项目支出 of the rows above.
        "项目支出",
        "公用经费",
        "80.00 320.00",
        "50.00",
        "二、事业收入",
        "收入总计",
        "1,000.00",
        // The total row's block figures, printed after the other side's total.
        "130.00 320.00",
      ]),
      /财务收支/,
    );
    // 700 = 300 + 80 + 320: two block figures, in print order 公用经费 then 项目支出.
    expect(cellsOf(t, "一、一般公共服务支出")).toEqual({
      合计: "700.00",
      人员经费: "300.00",
      公用经费: "80.00",
      项目支出: "320.00",
    });
    // 200 = 150 + 50 holds for either column; the total's 公用经费 130 = 80 + 50 decides it.
    expect(cellsOf(t, "二、教育支出")).toEqual({ 合计: "200.00", 人员经费: "150.00", 公用经费: "50.00" });
    expect(cellsOf(t, "三、卫生健康支出")).toEqual({ 合计: "100.00", 人员经费: "100.00" });
    expect(cellsOf(t, "支出总计")).toEqual({
      合计: "1,000.00",
      人员经费: "550.00",
      公用经费: "130.00",
      项目支出: "320.00",
    });
    // The header words are no row, and the other side's total keeps only its own figure.
    expect(t.rows.map((r) => r.label)).not.toContain("公用经费");
    expect(t.rows.find((r) => r.label === "收入总计")?.cells.map((c) => c.text)).toEqual(["1,000.00"]);
  });

  it("leaves a figure unread when the sums allow it in two columns, and never makes the header words a row", () => {
    // No total row: 200 = 150 + 50 holds with 50 under 公用经费 or under 项目支出.
    const t = table(
      read([
        ...HEAD,
        "项目支出",
        "公用经费",
        "80.00 320.00",
        "50.00",
        "二、事业收入",
        "收入总计",
        "1,000.00",
      ]),
      /财务收支/,
    );
    expect(cellsOf(t, "一、一般公共服务支出")).toEqual({
      合计: "700.00",
      人员经费: "300.00",
      公用经费: "80.00",
      项目支出: "320.00",
    });
    expect(cellsOf(t, "二、教育支出")).toEqual({ 合计: "200.00", 人员经费: "150.00" });
    expect(figures(t)).not.toContain("50.00");
    expect(t.rows.map((r) => r.label)).not.toContain("公用经费");
  });

  it("places nothing when no placement keeps the sums", () => {
    // 81.00 + 320.00 is not 700 - 300: the block's figures belong nowhere the sums allow.
    const t = table(
      read([
        ...HEAD,
        "项目支出",
        "公用经费",
        "81.00 320.00",
        "50.00",
        "二、事业收入",
        "收入总计",
        "1,000.00",
      ]),
      /财务收支/,
    );
    for (const f of ["81.00", "320.00", "50.00"]) expect(figures(t)).not.toContain(f);
    expect(t.rows.map((r) => r.label)).not.toContain("公用经费");
    // Nothing is decided, so the rows' own figures keep no column either.
    expect(t.rows.find((r) => r.label === "一、一般公共服务支出")?.cells.map((c) => c.column)).toEqual([
      null,
      null,
    ]);
  });
});

describe("real disclosure: 023 单位预算 财务收支预算总表 in plain text", () => {
  const path = "../shared/corpus/text/023_shputuo_qfb_2025_dwys.txt";
  const o = ingestBytes(path, readFileSync(path));
  if (!o.ok) throw new Error(o.reason);
  const t = table(o.model, /财务收支预算总表/);

  it("a header word after the rows (公用经费) is no row: no 人员经费 is read from the 项目支出 column", () => {
    expect(t.rows.map((r) => r.label)).not.toContain("公用经费");
    const personnel = t.rows.flatMap((r) =>
      r.cells.filter((c) => c.column === "人员经费").map((c) => c.text),
    );
    expect(personnel).not.toContain("66,410,000.00");
    expect(t.rows.find((r) => r.label === "收入总计")?.cells.map((c) => c.text)).toEqual(["91,016,775.35"]);
  });

  it("places the late block under 公用经费 and 项目支出 of the rows the sums name", () => {
    expect(cellsOf(t, "一、一般公共服务支出")).toEqual({
      合计: "82,096,797.42",
      人员经费: "13,819,399.88",
      公用经费: "1,867,397.54",
      项目支出: "66,410,000.00",
    });
    expect(cellsOf(t, "二、社会保障和就业支出")).toEqual({
      合计: "4,213,779.28",
      人员经费: "3,948,399.28",
      公用经费: "265,380.00",
    });
    expect(cellsOf(t, "支出总计")).toEqual({
      合计: "91,016,775.35",
      人员经费: "22,473,997.81",
      公用经费: "2,132,777.54",
      项目支出: "66,410,000.00",
    });
  });

  it("a 公用经费 header cell printed before a code is no row: the code is the next row's", () => {
    const econ = table(o.model, /基本支出部门预算经济分类/);
    expect(econ.rows.map((r) => r.label)).not.toContain("公用经费");
    expect(econ.rows.find((r) => r.label === "基本工资")?.code).toBe("30101");
  });
});

describe("real disclosure: 025 单位预算 in plain text", () => {
  const path = "../shared/corpus/text/025_shputuo_swh_2025_dwys.txt";
  const o = ingestBytes(path, readFileSync(path));
  if (!o.ok) throw new Error(o.reason);

  it("a split header word read as the first row (项目支出) is no row: the income figure after it is not its 项目支出", () => {
    const t = table(o.model, /财务收支预算总表/);
    expect(t.rows.map((r) => r.label)).not.toContain("项目支出");
  });

  it("a 公用经费 header cell printed among the rows is a column: a 商品和服务 row's second figure is not read as 人员经费", () => {
    const econ = table(o.model, /基本支出部门预算经济分类/);
    expect(econ.rows.map((r) => r.label)).not.toContain("公用经费");
    expect(econ.rows.find((r) => r.label === "工会经费")?.cells.map((c) => c.column)).not.toContain(
      "人员经费",
    );
    expect(cellsOf(econ, "合计")).toEqual({
      合计: "19,830,655.00",
      人员经费: "18,120,593.00",
      公用经费: "1,710,062.00",
    });
  });
});
