import { describe, expect, it } from "vitest";
import { ingestFileSync } from "../src/ingest/index.js";
import { buildSearchIndex, passagesOf, searchPassages, tokenizePassages } from "../src/search/fulltext.js";
import { addUserWords, tokenize } from "../src/search/tokenizer.js";
import { loadLexicon } from "../src/lexicon/index.js";

/** The question words that name no topic (intents/lexicon/answering.yaml notTopic). */
const NOT_TOPIC = new Set(loadLexicon().answering.notTopic);

describe("jieba tokenizer", () => {
  it("keeps numbers whole, drops punctuation, returns unique tokens", () => {
    const tokens = tokenize("2022年度收、支总计均为701.63万元，收支总计增长。");
    expect(tokens).toContain("701.63");
    expect(tokens).not.toContain("，");
    expect(new Set(tokens).size).toBe(tokens.length);
  });
  it("keeps user words (intent terms, 科目 names) whole", () => {
    addUserWords(["机关运行经费"]);
    expect(tokenize("本部门机关运行经费支出9.39万元")).toContain("机关运行经费");
  });
});

describe("Orama full-text index per document", () => {
  const outcome = ingestFileSync("seeds/004_3ebdb615035bedba.txt");
  if (!outcome?.ok) throw new Error(outcome?.reason);
  const model = outcome.model;

  it("finds the passage about a word no intent covers", () => {
    const hits = searchPassages(buildSearchIndex(model), "万人助万企", 3, NOT_TOPIC);
    expect(hits.length).toBeGreaterThan(0);
    const s = model.sentences[Number(hits[0]!.ref)];
    expect(s?.text ?? "").toContain("万人助万企");
  });
  it("an index filled from persisted tokens gives the same hits as one that segments again", () => {
    const tokens = JSON.parse(JSON.stringify(tokenizePassages(passagesOf(model)))) as string[][];
    const fromTokens = buildSearchIndex(model, tokens);
    for (const q of ["公务接待费", "万人助万企", "项目支出绩效"]) {
      expect(searchPassages(fromTokens, q, 3, NOT_TOPIC)).toEqual(
        searchPassages(buildSearchIndex(model), q, 3, NOT_TOPIC),
      );
    }
  });
  it("tokens that do not fit the passages are ignored, not trusted", () => {
    const index = buildSearchIndex(model, [["无关"]]);
    expect(searchPassages(index, "万人助万企", 3, NOT_TOPIC).length).toBeGreaterThan(0);
  });
  it("returns nothing for a query without words", () => {
    expect(searchPassages(buildSearchIndex(model), "，。！", 3, NOT_TOPIC)).toEqual([]);
  });
  it("ranks a passage holding every query word above one repeating a common word", () => {
    const m = ingestFileSync("seeds/000_3203cba3208c2c1f.txt");
    if (!m?.ok) throw new Error(m?.reason);
    const hits = searchPassages(buildSearchIndex(m.model), "企业技术改造", 3, NOT_TOPIC);
    expect(m.model.sentences[Number(hits[0]!.ref)]!.text).toContain("技术改造");
    // The duty list is printed twice in this document: it is offered once per wording.
    const texts = hits.map((h) => m.model.sentences[Number(h.ref)]?.text);
    expect(new Set(texts).size).toBe(texts.length);
  });
  it("offers nothing when no passage holds a topic word (only 工作/开展)", () => {
    expect(searchPassages(buildSearchIndex(model), "节能降耗工作怎么开展", 3, NOT_TOPIC)).toEqual([]);
  });
});
