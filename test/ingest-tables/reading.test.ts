import { describe, expect, it } from "vitest";
import { ingestBytes, type DocModel, type Row } from "../../src/ingest/index.js";

/** Made-up cases for the second round of table reading (column runs, late headers, 采购 columns). */
function read(text: string): DocModel {
  const o = ingestBytes("t.txt", new TextEncoder().encode(`某县某局2024年部门预算\n\n${text}`));
  if (!o.ok) throw new Error(o.reason);
  return o.model;
}
const rows = (m: DocModel) => m.tables.flatMap((t) => t.rows);
const find = (m: DocModel, pred: (r: Row) => boolean) => rows(m).find(pred);
const plain = (cells: string[]) => cells.join("\n\n");

describe("one cell per line", () => {
  it("whole-yuan figures: the body is read; a code run that is no code path gives no figures", () => {
    const m = read(
      plain([
        "2024年部门支出预算总表",
        "单位：元",
        "功能分类科目名称",
        "合计",
        "基本支出",
        "项目支出",
        "201",
        "一般公共服务支出",
        "300,000",
        "0",
        "300,000",
        "统计信息事务",
        "300,000",
        "0",
        "300,000",
        "201",
        "05",
        "201",
        "05",
        "06",
        "统计管理",
        "300,000",
        "0",
        "300,000",
        "204",
        "公共安全支出",
        "204",
        "06",
        "204",
        "99",
        "07",
        "99",
        "100,000",
        "0",
        "100,000",
      ]),
    );
    expect(find(m, (r) => r.label === "统计管理")?.code).toBe("2010506");
    const safety = find(m, (r) => r.label === "公共安全支出")!;
    expect(safety.cells.map((c) => c.text)).toEqual(["100,000", "0", "100,000"]);
    expect(rows(m).every((r) => r.cells.every((c) => !/^0\d$/.test(c.text)))).toBe(true);
  });

  it("a total printed after its figures takes the figures that sum up; late header cells name it", () => {
    const text = plain([
      "2024年部门一般公共预算基本支出部门预算经济分类预算表",
      "单位：元",
      "经济分类科目名称",
      "合计",
      "人员经费",
      "工资福利支出",
      "80,000",
      "80,000",
      "公用经费",
      "301",
      "01",
      "基本工资",
      "80,000",
      "80,000",
      "302",
      "01",
      "办公费",
      "20,000",
      "20,000",
      "退休费",
      "5,000",
      "5,000",
      "105,000",
      "85,000",
      "303",
      "02",
      "合计",
      "20,000",
    ]);
    const m = read(text);
    const total = find(m, (r) => r.label === "合计")!;
    expect(total.cells.map((c) => [c.text, c.column])).toEqual([
      ["105,000", "合计"],
      ["85,000", "人员经费"],
      ["20,000", "公用经费"],
    ]);
    expect(total.code).toBeNull();
    expect(m.text.slice(total.span[0], total.span[1])).toContain("85,000");
    expect(find(m, (r) => r.label === "退休费")?.cells.map((c) => c.text)).toEqual(["5,000", "5,000"]);
    expect(find(m, (r) => r.label === "公用经费")).toBeUndefined();
  });
});

describe("space-separated rows", () => {
  it("政府采购: the item is the label, 采购组织形式 and 经济科目 are kept apart", () => {
    const m = read(
      [
        "2018年政府采购预算表",
        "单位：万元",
        "采购品目大类   专项名称           经济科目         采购物品名称     采购组织形式     总计",
        "合计                                                                         210.00",
        "一、货物A                                                                    200.00",
        "               办公设备购置费     办公设备购置                                200.00",
        "                                                   家具用具         分散自行组织   200.00",
        "三、服务C                                                                     10.00",
        "               文印经费           印刷费                                       10.00",
        "                                                   印刷服务         政府集中采购    10.00",
      ].join("\n"),
    );
    const row = find(m, (r) => r.label === "家具用具")!;
    expect(row.cells.map((c) => [c.text, c.column])).toEqual([
      ["分散自行组织", "采购组织形式"],
      ["200.00", null],
    ]);
    expect(find(m, (r) => r.label === "文印经费")?.cells[0]).toMatchObject({
      text: "印刷费",
      column: "经济科目",
    });
    expect(find(m, (r) => r.label === "印刷服务")?.cells.at(-1)?.text).toBe("10.00");
  });

  it("a title line that starts with its number; the other side's enumerated item after a blank cell", () => {
    const m = read(
      [
        "公开 04 表：财政拨款收支预算总表",
        "单位：万元",
        "  项目                 金额        项目                金额",
        "  一、一般公共预算     130.00      一、基本支出        100.00",
        "  二、政府性基金预算               二、项目支出         30.00",
        "  收入合计             130.00      支出合计            130.00",
      ].join("\n"),
    );
    const t = m.tables[0]!;
    expect(t.title).toBe("财政拨款收支预算总表");
    expect(t.number).toBe("公开04表");
    expect(find(m, (r) => r.label === "二、项目支出")?.cells[0]?.text).toBe("30.00");
  });
});
