import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compact, ingestBytes, type DocModel } from "../../src/ingest/index.js";

/** Real disclosures in both pdftotext shapes (text/ and text-alt/ of the shared corpus). */
const CORPUS = "../shared/corpus";
const load = (path: string): DocModel => {
  const o = ingestBytes(path, readFileSync(`${CORPUS}/${path}`));
  if (!o.ok) throw new Error(o.reason);
  return o.model;
};
const docs = {
  plain001: load("text/001_jiangsu_rdbgt_2017_bmys.txt"),
  plain002: load("text-alt/002_jiangsu_rdbgt_2018_bmys.txt"),
  layout002: load("text/002_jiangsu_rdbgt_2018_bmys.txt"),
  layout004: load("text/004_jiangsu_rdbgt_2019_bmystables.txt"),
  plain019: load("text/019_shputuo_wljd_2024_bmys.txt"),
  layout020: load("text/020_shputuo_wljd_2025_bmys.txt"),
};

function row(m: DocModel, code: string | null, label?: string) {
  for (const t of m.tables)
    for (const r of t.rows)
      if ((code === null || r.code === code) && (!label || r.label === label)) return { t, r };
  return undefined;
}

describe("real disclosures: rows with code, label and figure as printed", () => {
  it.each([
    ["plain001", "30101", "基本工资", "1,015.15"],
    ["plain001", "2010105", "人大立法", "810.00"],
    ["plain002", "30102", "津贴补贴", "2,752.80"],
    ["layout002", "30102", "津贴补贴", "2,752.80"],
    ["layout004", "30101", "基本工资", "1,258.23"],
    ["layout004", "301", "工资福利支出", "6,481.41"],
  ] as const)("%s: %s %s = %s, quotable from the row span", (doc, code, label, figure) => {
    const m = docs[doc];
    const hit = row(m, code, label);
    expect(hit?.r.cells.map((c) => c.text)).toContain(figure);
    expect(compact(m.text.slice(hit!.r.span[0], hit!.r.span[1]))).toContain(figure);
    expect(hit!.t.unit).toBe("万元");
  });

  it("pairs a block of figures printed after their labels (one cell per line)", () => {
    // "2080504 未归口… / 2080505 机关事业单位基本养老保险缴费支出 / 256.76 / 580.01"
    expect(row(docs.plain002, "2080504")?.r.cells[0]?.text).toBe("256.76");
    expect(row(docs.plain002, "2080505")?.r.cells[0]?.text).toBe("580.01");
  });

  it("places the 三公 form's figures under their columns in both shapes", () => {
    for (const m of [docs.layout002, docs.plain002]) {
      const t = m.tables.find((x) => /三公/.test(x.title) && x.rows.length)!;
      const cells = t.rows[0]!.cells;
      expect(cells.find((c) => c.column === "预算数 › “三公”经费 › 小计")?.text).toBe("833.60");
      expect(cells.find((c) => c.column === "预算数 › 公务接待费")?.text).toBe("427.50");
      expect(t.checks.failed).toBe(0);
      expect(t.checks.run).toBeGreaterThanOrEqual(2);
    }
    const sh = docs.layout020.tables.find((x) => /三公/.test(x.title) && x.rows.length)!;
    expect(sh.rows[0]!.cells.find((c) => c.column === "预算数 › 公务用车购置及运行费 › 小计")?.text).toBe(
      "36.56",
    );
  });

  it("a table whose cells come column by column is present (in the text), not an image", () => {
    // Its rows cannot be paired with confidence yet, but it is not missing from the text.
    const t = docs.plain019.tables.find((x) => /支出预算总表/.test(x.title))!;
    expect(t.present).toBe(true);
    expect(t.unit).toBe("元");
  });

  it("no table-of-contents entry becomes a table", () => {
    for (const m of [docs.plain001, docs.layout002]) {
      const bodyStart = m.text.indexOf("一、主要职能", m.text.indexOf("一、主要职能") + 1);
      expect(bodyStart).toBeGreaterThan(0);
      expect(m.tables.filter((t) => t.span[0] < bodyStart)).toEqual([]);
      expect(m.warnings.filter((w) => /image/.test(w))).toEqual([]);
    }
  });

  it("pages of each table come from the form feeds", () => {
    const t = docs.layout002.tables.find((x) => x.number === "公开09表")!;
    const feeds = (docs.layout002.text.slice(0, t.rows[0]!.span[0]).match(/\f/g) ?? []).length;
    expect(t.pages).toEqual([feeds + 1]);
  });

  it("most checks pass in each shape (a reading error shows up as a failed sum)", () => {
    for (const shape of [
      [docs.plain001, docs.plain002, docs.plain019],
      [docs.layout002, docs.layout004, docs.layout020],
    ]) {
      const run = shape.flatMap((m) => m.tables).reduce((a, t) => a + t.checks.run, 0);
      const failed = shape.flatMap((m) => m.tables).reduce((a, t) => a + t.checks.failed, 0);
      expect(run).toBeGreaterThan(20);
      expect((run - failed) / run).toBeGreaterThan(0.8);
    }
  });
});

describe("real disclosures: no printed table is taken for an image", () => {
  it("header-only forms (政府性基金, 国有资本经营) are empty, not absent", () => {
    for (const m of Object.values(docs)) {
      for (const t of m.tables) {
        if (!t.present) expect(t.statedEmpty, `${m.id}: ${t.title}`).toBe(true);
      }
    }
    const fund = docs.plain019.tables.find((t) => /政府性基金/.test(t.title))!;
    expect(fund.present).toBe(false);
    expect(fund.statedEmpty).toBe(true);
  });
});
