import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { openEngine } from "../../src/engine/index.js";
import { compact } from "../../src/ingest/index.js";
import { documentAnswerer } from "../helpers/answerer.js";
import { tempDocs } from "../helpers/docs.js";

/**
 * How long the quoted passage of a sentence's figure is: a made-up disclosure (each test is named
 * after the rule it guards).
 */
const DOC = [
  "某县司法局2025年部门预算",
  "",
  "一、收支预算",
  "2025年，本局收入预算8695.94万元，其中：财政拨款收入8695.94万元，比2024年预算增加794.88万元；事业收入0万元；",
  "二、基本支出",
  "2025年度财政拨款基本支出预算 5,598.17 万元，其中：",
  "（一）人员经费 4,482.32 万元。",
  "（二）公用经费 1,115.85 万元。",
  "三、“三公”经费",
  "2025年度一般公共预算拨款安排的培训费预算支出 81.60 万元，与上年数一致。",
  "四、国有资产占用情况",
  "截至2024年12月31日，本局共有车辆3辆，其中：机要通信用车0辆、执法执勤用车3辆、其他用车0辆；",
].join("\n");

const { answer } = documentAnswerer("sfj_2025.txt", DOC);

describe("the quoted passage of a sentence's figure", () => {
  it("a sentence that ends on the figure is quoted up to the figure, without its closing punctuation", () => {
    const { r, a } = answer("某县司法局2025年财政拨款基本支出里人员经费多少");
    expect(a?.value, r.reply).toBe("4,482.32");
    expect(a?.quote).toBe("（一）人员经费 4,482.32 万元");
  });

  it("words after the figure stay in the quote, with the sentence's own full stop", () => {
    const { r, a } = answer("某县司法局2025年培训费安排了多少");
    expect(a?.value, r.reply).toBe("81.60");
    expect(a?.quote).toBe("2025年度一般公共预算拨款安排的培训费预算支出 81.60 万元，与上年数一致。");
  });

  it("a figure of the part '其中：' introduces is quoted from the part to the end of its clause", () => {
    const { r, a } = answer("某县司法局2025年财政拨款比上年增加了多少");
    expect(a?.value, r.reply).toBe("794.88");
    expect(a?.quote).toBe("财政拨款收入8695.94万元，比2024年预算增加794.88万元");
  });

  it("the total printed before '其中：' is quoted from the sentence's start", () => {
    const { r, a } = answer("某县司法局2025年收入预算总共多少万元");
    expect(a?.value, r.reply).toBe("8695.94");
    expect(compact(a!.quote).startsWith(compact("2025年，本局收入预算8695.94万元"))).toBe(true);
  });

  it("one of several parts listed after '其中：' is quoted from the parts up to its own", () => {
    const { r, a } = answer("某县司法局2025年有几辆执法执勤用车");
    expect(a?.value, r.reply).toBe("3");
    expect(a?.quote).toBe("机要通信用车0辆、执法执勤用车3辆");
  });
});

describe("the quoted passage of a table's figure", () => {
  it("a row printed without a label (the 三公 table's figures under its header) is quoted up to the asked cell", async () => {
    // A real disclosure, one cell per line (pdftotext plain): 合计 1,452.35, 三公 小计 584.35, then the parts.
    const file = "../shared/corpus/text/005_jiangsu_jcy_2017_bmys.txt";
    const { docsDir, indexDir } = tempDocs({ "jcy_2017.txt": readFileSync(file) });
    const { engine: real } = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    const r = real.ask("江苏省人民检察院2017年三公经费总额是多少");
    const a = r.answers[0];
    expect(a?.value, r.reply).toBe("584.35");
    expect(a?.source).toBe("table");
    expect(compact(a!.quote).endsWith("584.35")).toBe(true);
    expect(compact(readFileSync(file, "utf8"))).toContain(compact(a!.quote));
  });
});

describe("which printing of a figure is quoted", () => {
  it("a question naming a subject code quotes the table row with that code, not the explanation file's sentence", async () => {
    // A real disclosure in two files: the explanation prints '…职业年金缴费支出（项）163.13 万元', the tables file the row 2080506.
    const dir = "../shared/corpus/text";
    const { docsDir, indexDir } = tempDocs({
      "014_jiangsu_zxbgt_2018_bmys.txt": readFileSync(`${dir}/014_jiangsu_zxbgt_2018_bmys.txt`),
      "015_jiangsu_zxbgt_2018_bmystables.txt": readFileSync(`${dir}/015_jiangsu_zxbgt_2018_bmystables.txt`),
    });
    const { engine: real } = await openEngine({ docsDir, indexDir, intentsDir: "intents" });
    const r = real.ask("2018年省政协办公厅职业年金缴费支出（2080506）多少？");
    const a = r.answers[0];
    expect(a?.value, r.reply).toBe("163.13");
    expect(a?.source).toBe("table");
    expect(a?.doc).toBe("015_jiangsu_zxbgt_2018_bmystables");
    expect(compact(a!.quote)).toContain("2080506");
  });
});
