import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { openEngine, type Engine } from "../src/engine/index.js";

// A made-up disclosure in another county's style: figures in 元 with thousands separators,
// 收支总预算 wording, no tables. Nothing in the code knows this document.
let engine: Engine;
beforeAll(async () => {
  const docsDir = mkdtempSync(join(tmpdir(), "county-"));
  cpSync("test/fixtures/taoyuan-2024-budget.txt", join(docsDir, "taoyuan.txt"));
  ({ engine } = await openEngine({
    docsDir,
    indexDir: mkdtempSync(join(tmpdir(), "county-index-")),
    intentsDir: "intents",
  }));
});

const first = (q: string) => engine.ask(q).answers[0];

describe("a county nobody here has seen", () => {
  it("reads its metadata from the text", () => {
    const [doc] = engine.documents();
    expect(doc).toMatchObject({ unit: "桃源县农业农村局", year: 2024, kind: "部门预算", region: "桃源县" });
  });
  it("answers with the figure as printed, in 元, thousands separators kept", () => {
    expect(first("桃源县农业农村局2024年收入总预算")).toMatchObject({ value: "12,345,678.00", unit: "元" });
    expect(first("桃源县农业局三公经费")).toMatchObject({ value: "150,000.00", unit: "元" });
    expect(first("桃源县农业农村局公务接待费")).toMatchObject({ value: "50,000.00", unit: "元" });
  });
  it("converts to 万元 only when asked, exactly, showing the printed figure in the formula", () => {
    const a = first("桃源县农业农村局三公经费是多少万元")!;
    // The answer contract: a computed answer's value is the exact decimal result.
    expect(a).toMatchObject({ value: "15", unit: "万元", source: "computed" });
    expect(a.formula).toMatch(/^150,000\.00 元 = .*= 15 万元$/);
    expect(a.inputs?.[0]).toMatchObject({ value: "150,000.00", unit: "元" });
  });
  it("counts, rates and definitions", () => {
    expect(first("桃源县农业农村局有几辆车")).toMatchObject({ value: "5", unit: "辆" });
    expect(first("桃源县农业农村局实有人数")).toMatchObject({ value: "42", unit: "人" });
    expect(first("桃源农业农村局机关运行经费比上年增长多少")).toMatchObject({ value: "5.26", unit: "%" });
    expect(first("桃源县农业农村局什么是机关运行经费")?.quote).toContain("指为保障行政单位运行");
  });
  it("says what it does not disclose", () => {
    const r = engine.ask("桃源县农业农村局国有资本经营预算支出");
    expect(r.status).toBe("not_found");
    expect(r.answers).toHaveLength(0);
  });
});
