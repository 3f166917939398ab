import { describe, expect, it } from "vitest";
import { ingestBytes, type DocModel, type Row } from "../../src/ingest/index.js";

/** Small made-up disclosures for the edge cases of table reading (both pdftotext shapes). */
function read(text: string): DocModel {
  const o = ingestBytes("t.txt", new TextEncoder().encode(`某县某局2024年部门预算\n\n${text}`));
  if (!o.ok) throw new Error(o.reason);
  return o.model;
}
const find = (m: DocModel, pred: (r: Row) => boolean) => m.tables.flatMap((t) => t.rows).find(pred);

describe("made-up tables", () => {
  it("side-by-side 收入 | 支出 groups: each half is its own row", () => {
    const m = read(
      [
        "收支预算总表",
        "单位：万元",
        "        收入                              支出",
        "  项目              金额          项目              金额",
        "  一、财政拨款      120.00        一、基本支出      100.00",
        "  二、其他收入       10.00        二、项目支出       30.00",
        "  收入总计          130.00        支出总计          130.00",
      ].join("\n"),
    );
    expect(find(m, (r) => r.label === "二、项目支出")?.cells[0]?.text).toBe("30.00");
    expect(find(m, (r) => r.label === "二、其他收入")?.cells[0]?.text).toBe("10.00");
    const t = m.tables[0]!;
    expect(t.checks.failed).toBe(0);
    expect(t.checks.run).toBeGreaterThan(0);
  });

  it("a header printed over several lines: figures take the columns above them, not the reading order", () => {
    const m = read(
      [
        "财务收支预算总表",
        "单位：元",
        "         本年收入                                      本年支出",
        "                                                                     预算数",
        "    项目           预算数               项目                               基本支出",
        "                                              合计                                       项目支出",
        "                                                             人员经费          公用经费",
        "一、财政拨款收入        86,959,408.34 一、公共安全支出      79,189,400.34     12,604,173   1,744,680   64,840,547",
        "1、一般公共预算        86,959,408.34 二、社会保障和就业支出    2,925,857.00   2,925,857.00        0.00",
        "   收入总计         86,959,408.34      支出总计     86,959,408.34    20,374,181    1,744,680   64,840,547",
      ].join("\n"),
    );
    // A row with blank cells prints fewer figures: each still takes the column it sits under.
    const social = find(m, (r) => r.label === "二、社会保障和就业支出")!;
    expect(social.cells.map((c) => c.column)).toEqual(["合计", "人员经费", "公用经费"]);
    const total = find(m, (r) => r.label === "支出总计")!;
    const col = (name: string) => total.cells.find((c) => c.column === name)?.text;
    expect(col("合计")).toBe("86,959,408.34");
    expect(col("人员经费")).toBe("20,374,181");
    expect(col("公用经费")).toBe("1,744,680");
    expect(col("项目支出")).toBe("64,840,547");
  });

  it("a form printed with its header and no figures is empty; '详见…表' is a reference, not a table", () => {
    const m = read(
      [
        "一、项目经费情况说明",
        "项目绩效目标详见单位的项目绩效目标表",
        "详见单位的项目绩效目标表",
        "",
        "政府性基金预算支出功能分类预算表",
        "单位：元",
        "  功能分类科目编码   功能分类科目名称      合计      基本支出     项目支出",
        "  合计",
      ].join("\n"),
    );
    expect(m.tables.map((t) => t.title)).toEqual(["政府性基金预算支出功能分类预算表"]);
    expect(m.tables[0]!.present).toBe(false);
    expect(m.tables[0]!.statedEmpty).toBe(true);
  });

  it("a title wrapped onto a second line ('…支出预' / '算表') starts its own table; the form's preamble does not stop its template", () => {
    const m = read(
      [
        "十、一般公共预算机关运行经费支出预算表",
        "单位：万元",
        "  项目          金额",
        "  办公费        12.00",
        "十一、一般公共预算“三公”经费、会议费、培训费支出预",
        "算表",
        "部门：",
        "某县某局",
        "单位：万元",
        "“三公”经费",
        "因公出",
        "合计",
        "小计",
        "国（境）",
        "费",
        "1,452.35",
        "公务用车购置及运行维护费",
        "584.35",
        "110.00",
        "小计",
        "317.80",
        "公务用车购置费",
        "公务用车运行维护费",
        "接待费",
        "50.00",
        "267.80",
        "156.55",
        "会议费",
        "培训费",
        "168.00",
        "700.00",
      ].join("\n"),
    );
    const form = m.tables.find((t) => /三公/.test(t.title))!;
    expect(form.title).toBe("十一、一般公共预算“三公”经费、会议费、培训费支出预算表");
    const cells = form.rows[0]!.cells;
    expect(cells.find((c) => c.column === "预算数 › “三公”经费 › 小计")?.text).toBe("584.35");
    expect(cells.find((c) => c.column === "预算数 › 公务接待费")?.text).toBe("156.55");
  });

  it("a 三公 form whose zero is printed out of place: the others placed, the zero and any figure the sums leave open get no column", () => {
    const m = read(
      [
        "“三公”经费、会议费、培训费支出预算表",
        "单位：万元",
        "  合计   “三公”经费   因公出国（境）费   公务用车购置及运行维护费   公务接待费   会议费   培训费",
        "  2,542.60   833.60   222.50   183.60   183.60   427.50   1,305.25   403.75",
        "  0",
      ].join("\n"),
    );
    const form = m.tables.find((t) => /三公/.test(t.title))!;
    const cells = form.rows.flatMap((r) => r.cells);
    expect(cells.find((c) => c.column === "预算数 › “三公”经费 › 小计")?.text).toBe("833.60");
    expect(cells.find((c) => c.column === "预算数 › 合计")?.text).toBe("2,542.60");
    // Never a figure under a guessed column.
    for (const c of cells) if (c.column) expect(c.column.startsWith("预算数 › ")).toBe(true);
  });

  it("multi-level 三公 header: figures placed by the form's sums", () => {
    const m = read(
      [
        "“三公”经费预算表",
        "单位：万元",
        "                     公务用车购置及运行费",
        "  合计   因公出国（境）费   小计   公务用车购置费   公务用车运行费   公务接待费",
        "  12.50        2.00         8.00                         8.00         2.50",
      ].join("\n"),
    );
    const cells = m.tables[0]!.rows[0]!.cells;
    expect(cells.find((c) => c.column === "预算数 › 合计")?.text).toBe("12.50");
    expect(cells.find((c) => c.column === "预算数 › 公务接待费")?.text).toBe("2.50");
    expect(cells.find((c) => c.column === "预算数 › 公务用车购置及运行费 › 小计")?.text).toBe("8.00");
    // 8.00 under 购置费 or 运行费: the text cannot tell which column is blank, so neither is claimed.
    expect(cells[3]?.column).toBeNull();
    expect(m.tables[0]!.checks.failed).toBe(0);
  });

  it("codes split in 类/款/项 columns are joined (one cell per line)", () => {
    const m = read(
      [
        "一般公共预算支出表",
        "单位：万元",
        "",
        "科目编码",
        "",
        "科目名称",
        "",
        "金额",
        "",
        "201",
        "",
        "一般公共服务支出",
        "",
        "50.00",
        "",
        "201",
        "",
        "03",
        "",
        "政府办公厅（室）及相关机构事务",
        "",
        "50.00",
        "",
        "201",
        "",
        "03",
        "",
        "01",
        "",
        "行政运行",
        "",
        "50.00",
        "",
      ].join("\n"),
    );
    expect(find(m, (r) => r.code === "2010301")?.label).toBe("行政运行");
    expect(find(m, (r) => r.code === "20103")?.cells[0]?.text).toBe("50.00");
    expect(m.tables[0]!.checks.run).toBeGreaterThanOrEqual(2);
    expect(m.tables[0]!.checks.failed).toBe(0);
  });

  it("a wrapped label keeps its figure (one cell per line, figure after the label's second line)", () => {
    const m = read(
      [
        "支出预算表",
        "单位：万元",
        "",
        "科目编码",
        "",
        "科目名称",
        "",
        "金额",
        "",
        "2080505",
        "",
        "机关事业单位基本养老保险缴费支",
        "出",
        "",
        "256.76",
        "",
        "2080506",
        "",
        "机关事业单位职业年金缴费支出",
        "",
        "1.00",
        "",
      ].join("\n"),
    );
    const r = find(m, (x) => x.code === "2080505")!;
    expect(r.label).toBe("机关事业单位基本养老保险缴费支出");
    expect(r.cells[0]?.text).toBe("256.76");
  });

  it("a table continued after a page break is one table on two pages", () => {
    const m = read(
      [
        "基本支出预算表",
        "单位：万元",
        "  科目编码   科目名称          金额",
        "  301        工资福利支出      30.00",
        "  30101      基本工资          10.00",
        "\f  科目编码   科目名称          金额",
        "  30102      津贴补贴          20.00",
      ].join("\n"),
    );
    expect(m.tables).toHaveLength(1);
    expect(m.tables[0]!.pages).toEqual([1, 2]);
    expect(find(m, (r) => r.code === "30102")?.cells[0]?.text).toBe("20.00");
    expect(m.tables[0]!.checks).toMatchObject({ failed: 0 });
    expect(m.tables[0]!.checks.run).toBeGreaterThan(0);
  });

  it("a table stating 本表无数据 is empty, not absent", () => {
    const m = read(
      ["政府性基金预算支出表", "单位：万元", "  科目编码   科目名称   金额", "注：本表无数据。"].join("\n"),
    );
    const t = m.tables[0]!;
    expect(t.statedEmpty).toBe(true);
    expect(m.warnings.some((w) => /image/.test(w))).toBe(false);
  });

  it("reads the unit of each table: 元 vs 万元", () => {
    const m = read(
      [
        "收入预算表",
        "单位：元",
        "  项目      金额",
        "  合计      1,000",
        "",
        "支出预算表",
        "金额单位：万元",
        "  项目      金额",
        "  合计      0.10",
      ].join("\n"),
    );
    expect(m.tables.map((t) => t.unit)).toEqual(["元", "万元"]);
  });

  it("a misprinted total fails its check and the failure names the row", () => {
    const m = read(
      [
        "基本支出预算表",
        "单位：万元",
        "  科目编码   科目名称          金额",
        "  301        工资福利支出      31.00",
        "  30101      基本工资          10.00",
        "  30102      津贴补贴          20.00",
      ].join("\n"),
    );
    const c = m.tables[0]!.checks;
    expect(c.failed).toBe(1);
    expect(c.failures[0]).toContain("301 工资福利支出");
    expect(c.failures[0]).toContain("31.00");
  });

  it("regression: a table-of-contents list is not a list of image tables", () => {
    const m = read(
      [
        "目 录",
        "一、收支预算总表",
        "二、收入预算总表",
        "三、支出预算总表",
        "第一部分 部门概况",
        "",
        "第一部分 部门概况",
        "本部门主要职能是负责全县的有关工作，具体如下。",
      ].join("\n"),
    );
    expect(m.tables).toEqual([]);
  });
});
