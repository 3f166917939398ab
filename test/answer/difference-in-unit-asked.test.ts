import { beforeAll, describe, expect, it } from "vitest";
import { openEngine, type Engine } from "../../src/engine/index.js";
import { tempDocs } from "../helpers/docs.js";

/**
 * "A和B相差多少万元" where the document prints both in 元: the unit closing the question is the
 * unit wanted (regression: it stayed in B's name, "购房补贴万元", and nothing was found), and the
 * difference is given in it.
 */
const doc = [
  "上海市某区城南街道办事处2025年部门预算",
  "",
  "三、财政拨款支出预算情况说明",
  "住房保障支出（类）住房改革支出（款）住房公积金（项）3846732元。",
  "住房保障支出（类）住房改革支出（款）购房补贴（项）3340800元。",
].join("\n");

let engine: Engine;
beforeAll(async () => {
  const { docsDir, indexDir } = tempDocs({ "cn_2025.txt": doc });
  ({ engine } = await openEngine({ docsDir, indexDir, intentsDir: "intents" }));
});

describe("a difference asked in a unit", () => {
  it("'相差多少万元' finds both items and answers in 万元", () => {
    const r = engine.ask("城南街道2025年住房公积金和购房补贴相差多少万元");
    expect(
      r.answers.map((a) => [a.value, a.unit]),
      r.reply,
    ).toEqual([["50.5932", "万元"]]);
  });

  it("without a unit the difference is in the unit printed", () => {
    const r = engine.ask("城南街道2025年住房公积金和购房补贴相差多少");
    expect(
      r.answers.map((a) => [a.value, a.unit]),
      r.reply,
    ).toEqual([["505932", "元"]]);
  });
});
