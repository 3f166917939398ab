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
