import { beforeAll, describe, expect, it } from "vitest";
import { openEngine, type Engine } from "../../src/engine/index.js";
import { tempDocs } from "../helpers/docs.js";

/**
 * "现有 38 个处室及机关党委": a count counts the first of the things joined after it. Regression:
 * the whole tail ("处室及机关党委") was the counted thing, too long for "处室" to match, and
 * "有多少个处室" found nothing.
 */
const doc = [
  "江苏省某某厅2017年部门预算",
  "",
  "一、部门基本情况",
  "本厅下设办公室和 3 个专门委员会，现有 38 个处室及机关党委，编制 339 名，其中行政编制 199 名。",
  "二、国有资产占有情况",
  "本部门固定资产3149.52万元，其中：房屋14609.83平方米；车辆7辆。",
].join("\n");

let engine: Engine;
beforeAll(async () => {
  const { docsDir, indexDir } = tempDocs({ "mt_2017.txt": doc });
  ({ engine } = await openEngine({ docsDir, indexDir, intentsDir: "intents" }));
});

describe("a count of things joined after it", () => {
  it("'有多少个处室' is answered by '38 个处室及机关党委'", () => {
    const r = engine.ask("省某某厅2017年有多少个处室");
    expect(
      r.answers.map((a) => a.value),
      r.reply,
    ).toEqual(["38"]);
  });

  it("'房屋面积多少平方米' is answered by '房屋14609.83平方米' (an area asked: 面积 and 平方米 are the measure, not the item)", () => {
    const r = engine.ask("省某某厅2017年房屋面积多少平方米");
    expect(
      r.answers.map((a) => [a.value, a.unit]),
      r.reply,
    ).toEqual([["14609.83", "平方米"]]);
  });
});
