import { beforeAll, describe, expect, it } from "vitest";
import { openEngine, type Engine } from "../../src/engine/index.js";
import { tempDocs } from "../helpers/docs.js";

/**
 * "截至2024年8月底…": a date inside a document, not the document's year. Budgets print the
 * vehicles as of the previous August, so the 2025 budget answers; the 2024 budget prints another date.
 */
const doc = (year: number, cars: number) =>
  [
    `上海市某区城西街道办事处${year}年部门预算`,
    "",
    "五、国有资产占有使用情况",
    `截至${year - 1}年8月31日，上海市某区城西街道办事处（部门）共有车辆${cars}辆，其中：执法执勤用车0辆、其他用车${cars}辆。`,
  ].join("\n");

let engine: Engine;
beforeAll(async () => {
  const { docsDir, indexDir } = tempDocs({ "jd_2024.txt": doc(2024, 7), "jd_2025.txt": doc(2025, 8) });
  ({ engine } = await openEngine({ docsDir, indexDir, intentsDir: "intents" }));
});

describe("a date inside a document", () => {
  it("'截至2024年8月底' is answered by the figure printed as of that date, whatever the document's year", () => {
    const r = engine.ask("截至2024年8月底城西街道一共有几辆车？");
    expect(r.status, r.reply).toBe("answered");
    expect(r.answers.map((a) => [a.doc, a.value])).toEqual([["jd_2025", "8"]]);
  });

  it("a month written with a leading zero is the same date (regression: 2024年08月 matched nothing)", () => {
    const r = engine.ask("截至2024年08月底城西街道一共有几辆车？");
    expect(
      r.answers.map((a) => [a.doc, a.value]),
      r.reply,
    ).toEqual([["jd_2025", "8"]]);
  });

  it("a date no document prints as of is not answered with another date's figure", () => {
    const r = engine.ask("截至2021年8月底城西街道一共有几辆车？");
    expect(r.answers, r.reply).toEqual([]);
  });

  it("a year alone still names the document", () => {
    const r = engine.ask("城西街道2024年一共有几辆车？");
    expect(
      r.answers.map((a) => [a.doc, a.value]),
      r.reply,
    ).toEqual([["jd_2024", "7"]]);
  });
});

/**
 * A date printed once for a run of sentences: "截止2022年12月31日，本部门流动资产…万元。固定资产…万元"
 * — the second sentence is as of the date of the first. Asked as "2022年底".
 */
const assets = (year: number, fixed: string) =>
  [
    `上海市某区城东街道办事处${year}年部门预算`,
    "",
    "五、国有资产占有情况",
    `截止${year - 1}年12月31日，本部门流动资产448.82万元。固定资产${fixed}万元，其中：房屋100.00平方米；车辆3辆。`,
  ].join("\n");

describe("a year's end and a date printed in the sentence before", () => {
  let eng: Engine;
  beforeAll(async () => {
    const { docsDir, indexDir } = tempDocs({
      "cd_2023.txt": assets(2023, "3149.52"),
      "cd_2024.txt": assets(2024, "3200.00"),
    });
    ({ engine: eng } = await openEngine({ docsDir, indexDir, intentsDir: "intents" }));
  });

  it("'截止2022年底' is the date 2022-12-31, and the sentence before the figure prints it", () => {
    const r = eng.ask("截止2022年底城东街道固定资产是多少");
    expect(
      r.answers.map((a) => [a.doc, a.value]),
      r.reply,
    ).toEqual([["cd_2023", "3149.52"]]);
  });

  it("'2023年末' likewise; another year-end's figure is not given", () => {
    const r = eng.ask("城东街道2023年末固定资产是多少");
    expect(
      r.answers.map((a) => [a.doc, a.value]),
      r.reply,
    ).toEqual([["cd_2024", "3200.00"]]);
    expect(eng.ask("截止2020年底城东街道固定资产是多少").answers).toEqual([]);
  });
});
