import { describe, expect, it } from "vitest";
import { measureOfLabel } from "../../src/facts/measure.js";
import { loadLexicon } from "../../src/lexicon/index.js";
import { useAnsweringWords } from "../../src/operations/words.js";
import { intentsWith } from "../helpers/lexicon.js";

describe("measure of a printed figure", () => {
  it("reads a change by the lexicon's changeWords (a made-up change word makes an amount a change)", () => {
    useAnsweringWords(loadLexicon("intents").answering);
    expect(measureOfLabel("会议费比上年增加", "万元", 2025)).toBe("增减额");
    expect(measureOfLabel("会议费同比", "%", 2025)).toBe("增长率");
    expect(measureOfLabel("会议费比年初预算调减", "万元", 2025)).toBe("预算差额");
    expect(measureOfLabel("会议费缩水", "万元", 2025)).toBe("value");
    useAnsweringWords(loadLexicon(intentsWith((w) => w.changeWords.push("缩水"))).answering);
    expect(measureOfLabel("会议费缩水", "万元", 2025)).toBe("增减额");
    expect(measureOfLabel("会议费缩水", "%", 2025)).toBe("增长率");
  });
});
