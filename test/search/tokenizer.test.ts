import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { domainWords } from "../../src/engine/build.js";
import { ingestFileSync } from "../../src/ingest/index.js";
import { passagesOf } from "../../src/search/fulltext.js";
import { KeptWords, addUserWords, tokenize, tokenizeEach } from "../../src/search/tokenizer.js";

describe("tokenizeEach (passages segmented in one pass)", () => {
  it("gives every seed document's passages the tokens tokenize gives them one by one", () => {
    const seeds = readdirSync("seeds").filter((f) => f.endsWith(".txt"));
    expect(seeds.length).toBeGreaterThan(0);
    for (const f of seeds) {
      const outcome = ingestFileSync(`seeds/${f}`);
      if (!outcome?.ok) throw new Error(`seeds/${f}: ${outcome?.reason}`);
      const keep = new KeptWords(domainWords(outcome.model));
      const texts = passagesOf(outcome.model).map((p) => p.text);
      expect(tokenizeEach(texts, keep)).toEqual(texts.map((t) => tokenize(t, keep)));
    }
  });

  it("keeps empty texts, texts holding line breaks and kept words at the edges in place", () => {
    const keep = new KeptWords(["机关运行经费", "科学技术支出"]);
    const cases = [
      ["", "机关运行经费9.39万元", "", "科学技术支出", "合计 701.63"],
      ["一行\n两行", "机关运行经费"],
      ["科学技术支出", "机关运行经费"],
    ];
    for (const texts of cases) expect(tokenizeEach(texts, keep)).toEqual(texts.map((t) => tokenize(t, keep)));
    expect(tokenizeEach(["机关运行经费9.39万元"], keep)[0]).toContain("机关运行经费");
  });

  it("segments a chunk repeated across passages (a table's title on every row) as tokenize does", () => {
    const keep = new KeptWords(["一般公共预算支出表"]);
    const title = "一般公共预算支出表";
    const texts = [
      `${title} 2010101 行政运行 12.50 0.00`,
      `${title}  2010102\t一般行政管理事务 3.00 0.00`,
      `${title} 合计 15.50`,
      "其中：基本支出\u3000人员经费 8.1",
    ];
    expect(tokenizeEach(texts, keep)).toEqual(texts.map((t) => tokenize(t, keep)));
  });

  it("a kept word holding a space is kept whole: such texts are tokenized one by one", () => {
    const keep = new KeptWords(["科学技术 支出"]);
    const texts = ["本年科学技术 支出12万元", "科学技术 支出 合计"];
    const each = tokenizeEach(texts, keep);
    expect(each).toEqual(texts.map((t) => tokenize(t, keep)));
    expect(each[1]).toContain("科学技术 支出");
  });

  it("a chunk segmented for one document is segmented again once jieba's words change (regression: cross-document cache)", () => {
    const keep = new KeptWords([]);
    const texts = ["本年度智慧园丁培育计划 12.00", "智慧园丁培育计划 合计"];
    const before = tokenizeEach(texts, keep);
    expect(before).toEqual(texts.map((t) => tokenize(t, keep)));
    addUserWords(["智慧园丁培育计划"]);
    const after = tokenizeEach(texts, keep);
    expect(after).toEqual(texts.map((t) => tokenize(t, keep)));
    expect(after[1]).toContain("智慧园丁培育计划");
  });
});
