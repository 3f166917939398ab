import { beforeAll, describe, expect, it } from "vitest";
import { openEngine, type Engine } from "../../src/engine/index.js";
import { tempDocs } from "../helpers/docs.js";

/**
 * "政府采购中服务类占比多少": a share asked without 占, the whole named first and its part after a
 * container marker. Regression: the whole was read as the part and its first printed share
 * (货物类, 20.40%) was given — a wrong figure.
 */
const doc = [
  "某省某办公厅2017年部门预算",
  "",
  "十二、政府采购预算表情况说明",
  "2017 年度部门政府采购预算总金额为 1,271.22 万元。其中，货物类政府采购支出预算 259.32 万元,占 20.40%；服务类政府采购支出预算 1,011.90 万元,占 79.60%；工程类政府采购支出预算 0 万元。",
].join("\n");

let engine: Engine;
beforeAll(async () => {
  const { docsDir, indexDir } = tempDocs({ "bgt_2017.txt": doc });
  ({ engine } = await openEngine({ docsDir, indexDir, intentsDir: "intents" }));
});

describe("a part's share named after its whole", () => {
  it("'政府采购中服务类占比' is the share of 服务类", () => {
    const r = engine.ask("某办公厅2017年政府采购中服务类占比多少");
    expect(
      r.answers.map((a) => a.value),
      r.reply,
    ).toEqual(["79.60"]);
  });

  it("'政府采购中货物类占比' is the share of 货物类", () => {
    const r = engine.ask("某办公厅2017年政府采购中货物类占比多少");
    expect(
      r.answers.map((a) => a.value),
      r.reply,
    ).toEqual(["20.40"]);
  });
});
