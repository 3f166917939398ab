import { beforeAll, describe, expect, it } from "vitest";
import { loadLexicon, type Lexicon } from "../../src/lexicon/index.js";
import { parseQuery } from "../../src/query/index.js";
import { targetOf } from "../../src/operations/target.js";
import { useAnsweringWords } from "../../src/operations/words.js";

let lexicon: Lexicon;
beforeAll(() => {
  lexicon = loadLexicon("intents");
  useAnsweringWords(lexicon.answering);
});

const target = (question: string, words: string) => targetOf(parseQuery(question, lexicon), words);

describe("the names and required things of an item", () => {
  it("a metric's words inside a longer metric's ('支出' of 支出总计 inside 基本支出) add no names and require nothing", () => {
    const t = target("万里街道2023年部门预算基本支出占支出总计的比重是多少", "基本支出");
    // Before, 支出 was replaced inside 基本支出 by the total's printed terms ("基本预算支出"),
    // which matched a project's "2023年预算安排441.25万元" in a sentence about 基本支出.
    expect(t.names).toEqual(["基本支出"]);
    expect(t.required).toBeUndefined();
  });

  it("two things named side by side are each still required (一般公共服务支出的人员经费)", () => {
    const t = target("区府办2025年单位预算一般公共服务支出的人员经费是多少元", "一般公共服务支出的人员经费");
    expect(t.required?.length).toBe(2);
  });
});
