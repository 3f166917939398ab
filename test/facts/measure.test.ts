import { describe, expect, it } from "vitest";
import { columnMeasure, sentenceFacts } from "../../src/facts/extract.js";
import { ingestBytes } from "../../src/ingest/index.js";
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

  it("money units are the lexicon's moneyUnits (a made-up unit is money; 元 and 万元 are required)", () => {
    useAnsweringWords(loadLexicon("intents").answering);
    expect(measureOfLabel("会议费比上年增加", "百万元", 2025)).toBe("value");
    useAnsweringWords(loadLexicon(intentsWith((w) => (w.moneyUnits["百万元"] = 1_000_000))).answering);
    expect(measureOfLabel("会议费比上年增加", "百万元", 2025)).toBe("增减额");
    useAnsweringWords(loadLexicon("intents").answering);
    expect(() =>
      loadLexicon(
        intentsWith((w) => {
          delete w.moneyUnits["万元"];
        }),
      ),
    ).toThrow(/万元/);
  });

  it("a date the figure is as of is not the previous year (regression: 流动资产 as of 2022年12月31日 read as 上年数)", () => {
    useAnsweringWords(loadLexicon("intents").answering);
    expect(measureOfLabel("截止2022年12月31日，本部门流动资产", "万元", 2023)).toBe("value");
    expect(measureOfLabel("2022年当年预算执行数为", "万元", 2023)).toBe("上年数");
  });

  it("carries the previous sentence's subject into one opening with the lexicon's subjectContinuations ({year} a printed year)", () => {
    const model = (text: string) => {
      const out = ingestBytes("sfj_2025.txt", Buffer.from(text, "utf8"));
      if (!out.ok) throw new Error(out.reason);
      return out.model;
    };
    const doc = (second: string) =>
      model(["某县某局2025年部门预算", "一、项目支出", "项目支出预算数为6333.96万元。", second].join("\n"));
    const made = doc("相较上年增加480万元。");
    const year = doc("与2024年相比增加480万元。");
    const subjects = (m: ReturnType<typeof model>) => sentenceFacts(m).map((f) => f.subject ?? "");
    useAnsweringWords(loadLexicon("intents").answering);
    expect(subjects(year)).toEqual(["", expect.stringContaining("项目支出")]);
    expect(subjects(made)).toEqual(["", ""]);
    useAnsweringWords(loadLexicon(intentsWith((w) => w.subjectContinuations.push("相较上年"))).answering);
    expect(subjects(made)).toEqual(["", expect.stringContaining("项目支出")]);
    useAnsweringWords(loadLexicon("intents").answering);
  });

  it("a continuing sentence after one that prints no figure carries the item named before that (regression: 执行数 lost its item)", () => {
    const out = ingestBytes(
      "qfb_2026.txt",
      Buffer.from(
        [
          "某区某局2026年部门预算",
          "一、项目支出情况说明",
          "公共安全支出（204类）司法（06款）普法宣传（05项）124.29万元。主要用于：法制宣传工作支出。2025年当年预算执行数为110.5万元。",
        ].join("\n"),
        "utf8",
      ),
    );
    if (!out.ok) throw new Error(out.reason);
    useAnsweringWords(loadLexicon("intents").answering);
    const executed = sentenceFacts(out.model).find((f) => f.value === "110.5");
    expect(executed?.subject).toContain("普法宣传");
    expect(executed?.subject).not.toContain("公共安全");
  });

  it("reads a change against the budget by the lexicon's budgetComparisons (a made-up one counts)", () => {
    useAnsweringWords(loadLexicon("intents").answering);
    expect(measureOfLabel("会议费较调整后预算减少", "万元", 2025)).toBe("预算差额");
    expect(measureOfLabel("会议费较核定预算减少", "万元", 2025)).toBe("增减额");
    useAnsweringWords(loadLexicon(intentsWith((w) => w.budgetComparisons.push("较核定预算"))).answering);
    expect(measureOfLabel("会议费较核定预算减少", "万元", 2025)).toBe("预算差额");
  });

  it("reads completion, prior-year, actual and budget figures and budget names by the lexicon's lists", () => {
    useAnsweringWords(loadLexicon("intents").answering);
    expect(measureOfLabel("部门预算支出", "万元", 2025)).toBe("value");
    expect(measureOfLabel("会议费前一年", "万元", 2025)).toBe("value");
    expect(measureOfLabel("会议费兑现", "%", 2025)).toBe("比率");
    expect(measureOfLabel("会议费实支", "万元", 2025)).toBe("value");
    expect(measureOfLabel("会议费核定", "万元", 2025)).toBe("value");
    expect(measureOfLabel("会议费比上年缩减了", "万元", 2025)).toBe("增减额");
    useAnsweringWords(
      loadLexicon(
        intentsWith((w) => {
          w.budgetNames = w.budgetNames.filter((n) => n !== "部门预算");
          w.priorYearWords.push("前一年");
          w.completionWords.push("兑现");
          w.actualWords.push("实支");
          w.budgetWords.push("核定");
        }),
      ).answering,
    );
    expect(measureOfLabel("部门预算支出", "万元", 2025)).toBe("预算数");
    expect(measureOfLabel("会议费前一年", "万元", 2025)).toBe("上年数");
    expect(measureOfLabel("会议费兑现", "%", 2025)).toBe("完成率");
    expect(measureOfLabel("会议费实支", "万元", 2025)).toBe("决算数");
    expect(measureOfLabel("会议费核定", "万元", 2025)).toBe("预算数");
  });

  it("reads a table column's measure by priorYearWords and columns (a made-up header word changes it)", () => {
    useAnsweringWords(loadLexicon("intents").answering);
    expect(columnMeasure("上年预算数", 2025)).toBe("上年数");
    expect(columnMeasure("增减%", 2025)).toBe("增长率");
    expect(columnMeasure("增加额", 2025)).toBe("增减额");
    expect(columnMeasure("决算", 2025)).toBe("决算数");
    expect(columnMeasure("本年预算", 2025)).toBe("value");
    expect(columnMeasure("浮动比例", 2025)).toBe("value");
    useAnsweringWords(
      loadLexicon(
        intentsWith((w) => {
          w.columns.rate.push("浮动比例");
          w.columns.budget.push("本年预算");
        }),
      ).answering,
    );
    expect(columnMeasure("浮动比例", 2025)).toBe("增长率");
    expect(columnMeasure("本年预算", 2025)).toBe("预算数");
  });

  it("a zero-padded bracketed '(01项)' is a subject code level, not a count of 项, with or without a '(06款)' before it", () => {
    useAnsweringWords(loadLexicon("intents").answering);
    const out = ingestBytes(
      "sfj_2025.txt",
      Buffer.from(
        [
          "某县某局2025年部门预算",
          "一、支出",
          "行政运行（01项）支出1434.89万元，培训项目（3项）共12万元。",
        ].join("\n"),
        "utf8",
      ),
    );
    if (!out.ok) throw new Error(out.reason);
    const facts = sentenceFacts(out.model).map((f) => `${f.value}${f.unit}`);
    expect(facts).not.toContain("01项");
    expect(facts).toContain("1434.89万元");
    expect(facts).toContain("3项");
  });
});
