import { mkdtempSync, writeFileSync, cpSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decimal } from "decimal.js";
import { beforeAll, describe, expect, it } from "vitest";
import { openEngine, type Engine } from "../src/engine/index.js";
import { compact } from "../src/ingest/index.js";
import { loadIntents, IntentFileError } from "../src/intents/index.js";
import { tempDocs, tempIndexDir } from "./helpers/docs.js";
import { readFileSync } from "node:fs";

let engine: Engine;
beforeAll(async () => {
  ({ engine } = await openEngine({ docsDir: "seeds", indexDir: tempIndexDir(), intentsDir: "intents" }));
});

const docText = (id: string) => compact(readFileSync(`seeds/${id}.txt`, "utf8"));

/** Asks and checks the one answer for `doc`: value, unit, and a verbatim quote showing it. */
function expectFigure(question: string, doc: string, value: string, unit = "万元") {
  const r = engine.ask(question);
  expect(r.status, r.reply).toBe("answered");
  const a = r.answers.find((x) => x.doc.startsWith(doc));
  expect(a, r.reply).toBeDefined();
  expect(a!.value).toBe(value);
  expect(a!.unit).toBe(unit);
  expect(docText(a!.doc)).toContain(compact(a!.quote));
  expect(compact(a!.quote)).toContain(value);
  return { r, a: a! };
}

describe("figures from sentences", () => {
  it("totals and change", () => {
    expectFigure("曾都区科经局2022年收支总计是多少？", "000", "701.63");
    expectFigure("焦作示范区工信局2022年收支总计比上年减少多少", "004", "22376.11");
    expectFigure("曾都区科经局2022年收支总计比上年增长了多少", "000", "11.09", "%");
  });
  it("budget vs actual of the same metric", () => {
    expectFigure("曾都区科经局2022年三公经费决算多少", "000", "0");
    expectFigure("曾都区科经局2022年三公经费预算数", "000", "0.37");
    expectFigure("武冈市科工信局2022年三公经费实际支出多少", "001", "1.03");
  });
  it("basic and project spending, personnel and public funds", () => {
    expectFigure("焦作示范区工信局基本支出多少", "004", "223.76");
    expectFigure("山海关区科工局2023年项目支出", "003", "739.89");
    expectFigure("焦作示范区工信局人员经费", "004", "205.43");
    expectFigure("曾都区科经局2022年公用经费", "000", "12.92");
  });
  it("colloquial words map onto the metric (招待费 → 公务接待费)", () => {
    const { a } = expectFigure("焦作示范区工信局招待费年初预算", "004", "0.90");
    expect(a.label).toContain("公务接待费");
  });
  it("scores, rates, counts", () => {
    expectFigure("焦作示范区工信局部门整体支出绩效自评得分", "004", "99.97", "分");
    expectFigure("武冈市科工信局有多少退休人员", "001", "42", "人");
    expectFigure("焦作示范区工信局2022年有多少辆公务车", "004", "0", "辆");
    expectFigure("曾都区科经局2022年一般公共预算财政拨款支出完成年初预算的多少", "000", "177.19", "%");
  });
});

describe("figures only tables give", () => {
  it("科目 by name, in both table shapes", () => {
    expectFigure("山海关区科工局基本工资预算多少", "003", "49.41");
    expectFigure("焦作示范区工信局2022年基本工资决算", "004", "124.16");
    expectFigure("焦作示范区工信局事业运行支出", "004", "202.48");
  });
  it("科目 by code", () => {
    const { a } = expectFigure("山海关区科工局2210201是多少", "003", "12.26");
    expect(a.label).toContain("住房公积金");
  });
  it("a 行次 column is not taken for the figure", () => {
    expectFigure("焦作示范区工信局年初结转和结余多少", "004", "967.64");
  });
});

describe("the three kinds of no", () => {
  it("not disclosed: status not_found and no figure", () => {
    const r = engine.ask("武冈市科工信局2022年机关运行经费是多少");
    expect(r.status).toBe("not_found");
    expect(r.answers).toHaveLength(0);
    expect(r.reply).toContain("没有公开");
  });
  it("a table that was an image is reported as unreadable, not as undisclosed", () => {
    const r = engine.ask("曾都区科经局2022年资产总额多少");
    expect(r.status).toBe("not_found");
    expect(r.reply).toContain("无法读取");
  });
  it("the document states none", async () => {
    const { docsDir, indexDir } = tempDocs({
      "a.txt":
        "某某县某某局2022年度部门决算\n一、说明\n本单位2022年无政府采购支出，也没有政府购买服务。\n2022年度收入合计 100.00 万元。\n",
    });
    const { engine: e } = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    const r = e.ask("某某县某某局政府采购多少");
    expect(r.status).toBe("not_found");
    expect(r.reply).toContain("文件写明");
    expect(r.reply).toContain("无政府采购支出");
  });
  it("a blank table cell is reported as blank, not zero", async () => {
    const { docsDir, indexDir } = tempDocs({
      "b.txt": [
        "某某县某某局2023年部门预算",
        "部门预算支出总表",
        "\t单位：万元",
        "",
        "\t科目编码",
        "\t科目名称",
        "\t合计",
        "\t基本支出",
        "\t项目支出",
        "",
        "\t栏次",
        "\t1",
        "\t2",
        "\t3",
        "",
        "\t2010101",
        "\t行政运行",
        "\t50.00",
        "\t50.00",
        "\t",
        "",
      ].join("\n"),
    });
    const { engine: e } = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    expect(e.ask("某某局行政运行预算多少").answers[0]?.value).toBe("50.00");
    expect(e.ask("某某局行政运行基本支出").answers[0]?.value).toBe("50.00");
    const blank = e.ask("某某局行政运行项目支出");
    expect(blank.status).toBe("answered");
    expect(blank.answers[0]?.value).toBe("");
    expect(blank.reply).toContain("空白");
  });
});

describe("several departments", () => {
  it("no department named: answers each document that discloses it", () => {
    const r = engine.ask("三公经费多少");
    expect(["answered", "ambiguous"]).toContain(r.status);
    const docs = new Set(r.answers.map((a) => a.doc));
    expect(docs.size).toBeGreaterThanOrEqual(4);
    for (const a of r.answers) expect(docText(a.doc)).toContain(compact(a.quote));
  });
  it("two documents of one department: the year picks one", () => {
    expectFigure("曾都区科经局2023年机关运行经费预算", "002", "32.44");
    expectFigure("曾都区科经局2022年机关运行经费", "000", "9.39");
  });
  it("ranking across departments converts 元 and 万元 exactly", () => {
    const r = engine.ask("哪个单位机关运行经费最多");
    expect(r.status).toBe("answered");
    expect(r.reply).toMatch(/^最多的是/);
    expect(r.answers[0]!.value).toBe("32.44");
  });
  it('a unit named with its budget code ("350科技和工信部门") is that unit; the code is not a subject code', () => {
    expectFigure("350科技和工信部门收入总计", "003", "998.77");
  });
  it("a seven-digit subject code is not read as a year", async () => {
    const { docsDir, indexDir } = tempDocs({
      "a.txt":
        "某某县测试局2022年度部门决算\n支出决算表\n单位：万元\n科目编码\t科目名称\t本年支出合计\n2013101\t行政运行\t12.50\n",
    });
    const { engine: e } = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    const r = e.ask("某某县测试局2013101是多少");
    expect(r.answers[0]?.value, r.reply).toBe("12.50");
  });
  it("哪些单位… lists every document that discloses the figure", () => {
    const r = engine.ask("哪些单位有政府采购预算");
    expect(r.status, r.reply).toBe("answered");
    expect(r.answers.map((a) => [a.doc.slice(0, 3), a.value]).sort()).toEqual([
      ["002", "20"],
      ["003", "0.00"],
    ]);
  });
  it("a ranking over many documents shows the top rows and counts the rest", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 22; i++)
      files[`d${i}.txt`] =
        `第${i}县测试局2022年度部门决算\n一、总体情况\n2022年度机关运行经费支出 ${i + 1}.5 万元。\n`;
    const { docsDir, indexDir } = tempDocs(files);
    const { engine: e } = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    const r = e.ask("哪个单位机关运行经费最多");
    expect(r.answers[0]?.value).toBe("22.5");
    expect(r.answers).toHaveLength(20);
    expect(r.reply).toContain("共 22 个单位");
    const none = e.ask("公务接待费是多少");
    expect(none.status).toBe("not_found");
    expect(none.reply).toContain("其余 14 个文件中也没有找到");
  });
  it('a list whose figures include a table cell printed with its unit ("100%") is answered, not thrown', () => {
    const r = engine.ask("是多少10");
    expect(["answered", "ambiguous", "not_found"]).toContain(r.status);
    for (const a of r.answers) expect(docText(a.doc)).toContain(compact(a.quote));
  });
  it("a department that is not loaded is said so", () => {
    const r = engine.ask("某某市交通运输局2022年三公经费多少");
    expect(r.status).toBe("not_found");
    expect(r.answers).toHaveLength(0);
  });
  it("answers every unit compactly when no unit is named, and one when picked", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 10; i++)
      files[`d${i}.txt`] =
        `第${i}县测试局2022年度部门决算\n一、总体情况\n2022年度机关运行经费支出 ${i + 1}.5 万元。\n`;
    const { docsDir, indexDir } = tempDocs(files);
    const { engine: e } = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    const r = e.ask("机关运行经费是多少");
    // Issue 10: a question naming no unit is answered for every document that prints the figure.
    expect(r.status).toBe("answered");
    expect(r.answers.map((a) => a.value).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `${i + 1}.5`).sort(),
    );
    expect(r.reply).toContain("10 个单位");
    const picked = e.ask("机关运行经费是多少", { docs: [r.answers[3]!.doc] });
    expect(picked.status).toBe("answered");
    expect(picked.answers).toHaveLength(1);
    expect(picked.answers[0]!.doc).toBe(r.answers[3]!.doc);
  });
});

describe("arithmetic", () => {
  it("uses exact decimals (0.1 + 0.2 is 0.3)", () => {
    expect(new Decimal("0.1").plus("0.2").toFixed()).toBe("0.3");
  });
  it("sums two printed figures with the formula and sources", () => {
    const r = engine.ask("曾都区科经局2022年基本支出加项目支出一共多少");
    expect(r.status).toBe("answered");
    expect(r.answers[0]!.value).toBe("701.63");
    expect(r.answers[0]!.formula).toBe("基本支出 462.44 + 项目支出 239.19 = 701.63 万元");
    expect(r.reply).toContain("依据2");
  });
  it("sums exactly where binary floats would not", async () => {
    const { docsDir, indexDir } = tempDocs({
      "c.txt": "某某县某某局2022年度部门决算\n一、说明\n基本支出 0.1 万元。\n项目支出 0.2 万元。\n",
    });
    const { engine: e } = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    expect(e.ask("基本支出加项目支出一共多少").answers[0]?.value).toBe("0.3");
  });
});

describe("against the budget and against last year", () => {
  it("a printed difference against the budget is not taken for a change on last year", () => {
    const gap = engine.ask("曾都区科经局2022年机关运行经费比年初预算减少多少");
    expect(gap.answers[0]?.value).toBe("20");
    expect(gap.reply).toContain("比预算减少");
    // The document prints the change on last year too ("较上年决算数 21.25 万元减少 11.86 万元"):
    // that is the answer, with the direction the document states, never the 20 against the budget.
    const yoy = engine.ask("曾都区科经局2022年机关运行经费比上年增加多少");
    expect(yoy.status, yoy.reply).toBe("answered");
    expect(yoy.answers.map((a) => a.value)).toEqual(["11.86"]);
    expect(yoy.answers[0]!.label).toContain("比上年减少");
    expect(compact(yoy.answers[0]!.quote)).toContain("较上年决算数21.25万元减少11.86万元");
    expect(docText(yoy.answers[0]!.doc)).toContain(compact(yoy.answers[0]!.quote));
  });
  it("computes 决算 − 预算 exactly when only both figures are printed", () => {
    const r = engine.ask("焦作示范区工信局三公经费决算比预算少多少");
    expect(r.status).toBe("answered");
    expect(r.answers[0]!.value).toBe("-3.90");
    expect(r.answers[0]!.formula).toBe("决算数 0.00 − 预算数 3.90 = -3.90 万元");
    expect(r.reply).toContain("比预算少 3.90");
  });
  it("computes a growth rate the document does not print, rounded half-up, with the formula", () => {
    // Printed: "项目支出 1300 万元比去年 36 万元增加 1264 万元" (no rate): 1264 ÷ 36.
    const r = engine.ask("曾都区科经局2023年项目支出增长率");
    expect(r.answers[0]?.value, r.reply).toBe("3511.11");
    expect(r.answers[0]!.formula).toBe("1264 ÷ (1300 − (1264)) × 100% = 3511.11%");
    expect(r.answers[0]!.inputs?.length).toBe(2);
  });
  it("computes 完成率 from 决算 and 预算 and reads a printed one as printed", () => {
    const computed = engine.ask("焦作示范区工信局三公经费完成预算的百分之多少");
    expect(computed.answers[0]?.formula, computed.reply).toBe("0.00 ÷ 3.90 × 100% = 0.00%");
    const printed = engine.ask("曾都区科经局2022年三公经费完成率");
    expect(printed.answers[0]!.value).toBe("0");
    expect(printed.answers[0]!.source).toBe("text");
  });
  it("reads a change printed after a parenthesised list", () => {
    const r = engine.ask("曾都区科经局2023年机关运行经费增长率");
    expect(r.answers[0]?.value, r.reply).toBe("11.02");
  });
  it("an unqualified question on a 决算 gives the actual with the budget beside it", () => {
    const r = engine.ask("2022年曾都区科经局的公务接待费是多少");
    expect(r.answers.map((a) => a.value)).toEqual(["0", "0.37"]);
    expect(r.answers[0]!.label).toContain("决算数");
  });
});

describe("text answers", () => {
  it("为什么: quotes the 主要原因 sentence", () => {
    const r = engine.ask("曾都区科经局2022年收支总计为什么增加");
    expect(r.status).toBe("answered");
    expect(r.answers[0]!.quote).toContain("原因");
  });
  it("为什么 under a heading that names the reason: quotes the section's text", () => {
    const r = engine.ask("山海关区科工局三公经费为什么增加");
    expect(r.status).toBe("answered");
    expect(r.answers[0]!.quote).toContain("比上年增加");
  });
  it("部门职责: quotes the section", () => {
    const r = engine.ask("焦作示范区工信局部门职责是什么");
    expect(r.status).toBe("answered");
    expect(r.answers[0]!.quote).toContain("工业和信息化");
  });
  it("增加值 is a metric, not a change word", () => {
    expectFigure("武冈市科技和工业信息化局规模工业增加值增长多少", "001", "8.2", "%");
  });
  it("full-text fallback quotes related passages and gives no figure", () => {
    const r = engine.ask("焦作示范区工信局万人助万企");
    expect(r.via).toBe("fulltext");
    expect(r.answers.filter((a) => a.value)).toHaveLength(0);
    expect(r.reply).toContain("万人助万企");
  });
});

describe("conflict between narrative and table", () => {
  it("shows both figures, each with its source", async () => {
    const { docsDir, indexDir } = tempDocs({
      "k.txt": [
        "某某县某某局2023年部门预算",
        "部门预算财政拨款“三公”经费支出表",
        "\t单位：万元",
        "",
        "\t序号",
        "\t项目",
        "\t合计",
        "",
        "\t1",
        "\t“三公”经费小计",
        "\t2.00",
        "",
        "一、三公经费说明",
        "2023年财政拨款“三公”经费预算安排1.50万元。",
      ].join("\n"),
    });
    const { engine: e } = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    const r = e.ask("某某局三公经费预算");
    expect(r.answers.map((a) => a.value).sort()).toEqual(["1.50", "2.00"]);
    expect(new Set(r.answers.map((a) => a.source))).toEqual(new Set(["text", "table"]));
    expect(r.reply).toContain("不一致");
  });
});

describe("intent files", () => {
  it("a new intent is a new file, with no code change", async () => {
    // 工会开支 is no word of the shipped intents: without the new file no figure is given for it.
    const before = engine.ask("曾都区科经局2022年工会开支多少");
    expect(before.answers.filter((a) => a.value === "5.85")).toHaveLength(0);
    const dir = mkdtempSync(join(tmpdir(), "intents-"));
    cpSync("intents", dir, { recursive: true });
    writeFileSync(
      join(dir, "union.yaml"),
      "intents:\n  - name: 工会经费\n    triggers: [工会经费, 工会开支]\n    terms: [工会经费]\n    unit: money\n",
    );
    const { engine: e } = await openEngine({ docsDir: "seeds", indexDir: tempIndexDir(), intentsDir: dir });
    const r = e.ask("曾都区科经局2022年工会开支多少");
    expect(r.status, r.reply).toBe("answered");
    expect(r.answers).toHaveLength(1);
    const a = r.answers[0]!;
    expect(a.doc.startsWith("000")).toBe(true);
    expect([a.value, a.unit]).toEqual(["5.85", "万元"]);
    expect(a.label).toContain("工会经费");
    expect(compact(a.quote)).toContain("工会经费5.85万元");
    expect(docText(a.doc)).toContain(compact(a.quote));
  });
  it("an invalid file is a clear error naming the file and field", () => {
    const dir = mkdtempSync(join(tmpdir(), "intents-"));
    writeFileSync(join(dir, "bad.yaml"), "intents:\n  - name: 坏的\n    triggers: []\n    unit: money\n");
    expect(() => loadIntents(dir)).toThrow(IntentFileError);
    expect(() => loadIntents(dir)).toThrow(/bad\.yaml.*intents\.0\.triggers/);
  });
});

describe("bad questions", () => {
  it("empty, huge and hostile input get a polite reply", () => {
    expect(engine.ask("").status).toBe("not_found");
    expect(engine.ask("   ").reply).toContain("请输入");
    expect(engine.ask("三".repeat(100_000)).status).toBe("not_found");
    const r = engine.ask("<script>alert(1)</script><b>三公经费</b>");
    expect(r.reply).not.toContain("<script>");
  });
});

describe("follow-ups", () => {
  it("a follow-up naming no unit stays with the previous answer's unit", () => {
    const first = engine.ask("曾都区科经局2022年三公经费决算多少");
    expect(first.status).toBe("answered");
    const next = engine.ask("公务接待费呢", { context: first.context });
    expect(next.status, next.reply).toBe("answered");
    expect(next.answers.length).toBeGreaterThan(0);
    expect(
      next.answers.every((a) => a.doc.startsWith("000")),
      next.reply,
    ).toBe(true);
    // Without the context the same words are answered for every unit that prints them.
    const alone = engine.ask("2022年公务接待费决算");
    expect(new Set(alone.answers.map((a) => a.doc)).size).toBeGreaterThan(1);
  });
});

describe("sums of named parts", () => {
  it("parts whose joining word was taken out are split at each metric; a counter ('三项') is not a part", () => {
    const r = engine.ask("曾都区科经局2022年基本支出加项目支出、三公经费，三项合计多少");
    expect(r.status, r.reply).toBe("answered");
    expect(r.answers[0]!.inputs?.length, r.reply).toBe(3);
    expect(r.answers[0]!.formula).toMatch(/\+.*\+/);
  });
});
