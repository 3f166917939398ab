import { describe, expect, it } from "vitest";
import { documentAnswerer } from "../helpers/answerer.js";

/**
 * Figures a document does not print but lets one compute exactly (shares, sums, conversions) and
 * printed figures that were answered "not found": a made-up disclosure per mechanism, each test
 * named after what it guards.
 */
const DOC = [
  "某区司法局2026年单位预算",
  "",
  "一、收支预算情况说明",
  "财政拨款支出主要内容如下：",
  "1、公共安全支出（204类）司法（06款）行政运行（01项）1434.89万元。主要用于：行政单位的基本支出。",
  "2、公共安全支出（204类）司法（06款）普法宣传（05项）124.29万元。主要用于：法制宣传工作支出。",
  "",
  "2026年预算单位收入预算总表",
  "单位：元",
  "  科目编码         科目名称              合计",
  "  204              公共安全支出          79,189,400.34",
  "  204 06 01        行政运行              14,348,853.34",
  "  204 06 05        普法宣传              1,242,900.00",
  "  204 06 99        其他司法支出          38,454,900.00",
  "",
  "2026年收支预算总表",
  "单位：元",
  "                  本年收入                                   本年支出",
  "            项目            预算数                       项目          预算数",
  "一、财政拨款收入                   164,978,640 一、公共安全支出                  79,189,400.34",
  "二、事业收入                                   二、社会保障和就业支出              85,789,239.66",
  "           收入总计            164,978,640          支出总计             164,978,640",
  "",
  "2026年支出预算总表",
  "单位：元",
  "                       项目                             支出预算",
  "功能分类科目编码",
  "                         功能分类科目名称       合计            基本支出       项目支出",
  "类     款    项",
  "204             公共安全支出                 79,189,400.34   40,000,000.00   39,189,400.34",
  "208             社会保障和就业支出            85,789,239.66   59,406,297.00   26,382,942.66",
  "                        合计     164,978,640   99,406,297   65,572,343",
  "",
  "二、政府采购预算情况说明",
  "2026年度我部门政府采购预算总金额为 2247.85 万元。",
  "其中拟购买货物 59 万元，拟购买工程 0 万元，拟购买服务",
  "2188.85 万元。",
  "",
  "三、收入预算",
  "2026年，本局收入预算16497.86万元，其中：财政拨款收入16497.86万元，比2025年（上一年度，下同）预算增加1421.25万元。",
  "",
  "科技创新专项经费情况说明",
  " 一、项目概述",
  "   加快推动本区企业创新驱动发展。",
  " 六、年度预算安排",
  "   2026年度项目总预算1720.00万，其中各级企业技术中心及专精特新认定1720.00万。",
  "贸易高质量发展专项（政策资金）经费情况说明",
  " 一、项目概述",
  "   推动本区贸易高质量发展。",
  " 六、年度预算安排",
  "   2026年度项目总预算2921.00万，其中支持外贸发展370.00万，区级支持总部经济1106.00万，市级支持总部经济1445.00万，合计2921.00万。",
  "",
  "2026年政府采购预算表",
  "单位：万元",
  "  采购品目大类      采购物品名称      合计",
  "  一、货物A         台式计算机        59.00",
  "  三、服务C         会议服务          2,188.85",
  "  总计                                2,247.85",
].join("\n");

const subject = documentAnswerer("sfj_2026.txt", DOC, "not quoted");
const { answer } = subject;

describe("shares of two printed rows", () => {
  it("'A占B' splits at 占 though neither side is a metric of the lexicon (其他司法支出占公共安全支出)", () => {
    const { r, a } = answer("某区司法局2026年其他司法支出占公共安全支出的比重是多少");
    expect(a?.value, r.reply).toBe("48.56");
    expect(a?.unit).toBe("%");
    expect(a?.inputs?.map((i) => i.value)).toEqual(["38,454,900.00", "79,189,400.34"]);
  });

  it("a weak sum word in a share names the whole (占支出总计), it asks for no sum", () => {
    const { r, a } = answer("某区司法局2026年基本支出占支出总计的比重是多少");
    expect(a?.value, r.reply).toBe("60.25");
  });
});

describe("subject codes printed in words", () => {
  it("'（01项）' after '（06款）' is the code's 项 level, not a count: the figure after it keeps its item", () => {
    // Before, "01项" was read as a count and the figure after it had no label of its own, so it was
    // taken for 公共安全支出 (the class the sentence opens with).
    const { r, a } = answer("某区司法局2026年公共安全支出是多少");
    expect(a?.value, r.reply).toBe("79,189,400.34");
    const counted = subject.engine.ask("某区司法局2026年有多少项");
    expect(counted.answers.map((x) => x.value)).not.toContain("01");
  });
});

describe("政府采购 by 货物/工程/服务", () => {
  it("'拟购买服务 2188.85 万元' (the item wrapped before its figure) answers '政府采购里服务类'", () => {
    const { r, a } = answer("某区司法局2026年政府采购预算里服务类是多少");
    expect(a?.value, r.reply).toBe("2188.85");
    expect(answer("某区司法局2026年政府采购预算中工程类多少").a?.value).toBe("0");
  });

  it("'政府采购服务类总额' reads 服务类 as one word, not 政府采购服务 followed by 类", () => {
    const { r, a } = answer("某区司法局2026年政府采购服务类总额多少");
    expect(a?.value, r.reply).toBe("2188.85");
  });

  it("a row printed only as 总计 totals what the table's title names (政府采购预算表 › 总计)", () => {
    const { r } = answer("某区司法局2026年政府采购预算总额是多少");
    expect(
      r.answers.map((x) => x.value),
      r.reply,
    ).toEqual(expect.arrayContaining([expect.stringMatching(/^2,?247\.85$/)]));
  });
});

describe("a share is a part of a whole", () => {
  it("operands that give more than 100% are not part and whole: no computed share", () => {
    // The whole asked for (普法宣传, 1,242,900.00 元) is smaller than the part (公共安全支出).
    const r = subject.engine.ask("某区司法局2026年公共安全支出占普法宣传的比重是多少");
    expect(
      r.answers.filter((x) => x.source === "computed"),
      r.reply,
    ).toEqual([]);
  });
});

describe("printed figures said around an aside", () => {
  it("an aside holding a comma ('（上一年度，下同）') does not cut the clause naming the change", () => {
    const { r, a } = answer("某区司法局2026年财政拨款收入比2025年预算多了多少钱");
    expect(a?.value, r.reply).toBe("1421.25");
  });
});

describe("a project's explanation", () => {
  it("'2026年度项目总预算' under '科技创新专项经费情况说明' is that project's amount", () => {
    const { r, a } = answer("某区司法局2026年科技创新专项经费是多少");
    expect(a?.value, r.reply).toBe("1720.00");
  });

  it("'X专项里Y': Y printed in the explanation of project X", () => {
    const { r, a } = answer("某区司法局2026年贸易高质量发展专项里区级支持总部经济安排多少");
    expect(a?.value, r.reply).toBe("1106.00");
  });

  it("projects listed in brackets ('两个专项（科技创新、贸易高质量发展）一共') are summed from their explanations", () => {
    const { r, a } = answer("某区司法局2026年两个专项（科技创新、贸易高质量发展）一共多少万元");
    expect(a?.value, r.reply).toBe("4641");
    expect(a?.formula).toContain("1720");
    expect(a?.formula).toContain("2921");
  });

  it("a project's title is not taken for an item its figures do not name (支持外贸发展 is not the project)", () => {
    const { r } = answer("某区司法局2026年贸易高质量发展专项里支持商销稳增长安排多少");
    expect(
      r.answers.map((x) => x.value),
      r.reply,
    ).toEqual([]);
  });
});
