import { describe, expect, it } from "vitest";
import { compact } from "../../src/ingest/index.js";
import { documentAnswerer } from "../helpers/answerer.js";

/**
 * Which printed figure answers a question: made-up disclosures for the mechanisms that gave wrong
 * figures on real ones (each test is named after what it guards).
 */
const DOC = [
  "某县司法局2025年部门预算",
  "",
  "一、“三公”经费预算情况说明",
  "2025年本部门一般公共预算“三公”经费预算支出 120.5 万元。",
  "公务用车购置及运行费支出 97.3 万元，占“三公”经费的 80.75%；",
  "二、支出预算情况说明",
  "2025年本局机关本级及所属二个单位单位预留机动经费预算数为 2,388.04 万元。与上年相比增加",
  "2,247.84 万元（上年仅安排 140.2 万元），主要是将年终考核奖纳入年度预算。",
  "三、其他重要事项",
  "其中：",
  "（1）公务用车购置预算支出",
  "",
  "50",
  "",
  "万元，与上年预算数相等，用于执法执勤用车更新。",
  "截至2024年8月31日，本局共有车辆3辆，其中：机要通信用车0辆、应急保障用车0辆、执法执勤用车3辆、其他用车0辆；",
  "2025年部门预算安排购置车辆1辆，其中：机要通信用车0辆、执法执勤用车1辆。",
  "八、国有资产占用情况",
  "本部门共有车辆 66 辆。单价 20 万元（含）以上的设备 48 台（套）。",
  "九、三公经费",
  "3．公务接待费预算支出 156.55 万元，本年数小于上年预算数 29.65 万元，主要是厉行节约。",
  "十、项目说明",
  "1．住房改革支出（款）提租补贴（项）支出 1235.41",
  "万元，与上年相比增加 606 万元，增长 96.28%。",
  "2．行政事业单位离退休（款）机关事业单位基本养老保险缴费",
  "支出",
  "（项）支出 1384.7 万元，与上年相比增加 57.89 万元。",
  "3．党委办公厅（室）及相关机构事务（款）一般行政",
  "管理事务（项）支出 10738.18 万元，与上年相比增加 1101.96 万元。",
  "四、基本支出",
  "基本工资 5,873,551 元。",
  "七、收支预算",
  "2025年，本局收入预算37,151.47万元，其中：财政拨款收入37,151.47万元，比2024年预算执行数增加24,558.18万元；",
  "支出预算37,151.47万元，其中：财政拨款支出预算37,151.47万元，比2024年预算增加24,491.71万元。",
  "五、项目支出预算",
  "1.“一般公共服务支出（类）司法事务（款）行政运行（项）”1,623.18万元，主要用于基本支出。",
  "2.“社会保障和就业支出（类）其他社会保障和就业支出（款）其他社会保障和就业支出（项）”781.24万元，主要用于其他社会保障和就业支出。2024年当年预算执行数为1410.22万元，2025年预算安排781.24万元，比2024年预算执行数减少44.60%。",
  "六、政府采购支出预算情况说明",
  "2025年政府采购预算总金额为 5227.59 万元。其中拟采购货物支出 1637.72 万元；拟采购工程支出 530 万元；拟采购服务支出 3059.87 万元。",
  "",
  "一般公共预算机关运行经费支出预算表",
  "单位：万元",
  "  科目编码   科目名称      某县司法局",
  "                          机关运行经费支出",
  "  30208     取暖费        1,080.00",
  "  30209     物业管理费    260.00",
  "",
  "2025年财务收支预算总表",
  "单位：元",
  "  项目                 合计            人员经费         公用经费",
  "一、一般公共服务支出     82,096,797.42",
  "二、公共安全支出         1,000.00        800.00           200.00",
].join("\n");

const { answer } = documentAnswerer("sfj_2025.txt", DOC);

describe("which printed figure answers", () => {
  it("'购置几辆车' finds the counted thing printed after the item's words ('购置车辆1辆')", () => {
    const { r, a } = answer("某县司法局2025年部门预算安排购置几辆车");
    expect(a?.value, r.reply).toBe("1");
    expect(compact(a!.quote)).toContain("购置车辆1辆");
  });

  it("numbered lines wrapped at the page width are sentences, not headings (the unit, a short word or the item's end on the next line)", () => {
    expect(answer("某县司法局2025年提租补贴增加了多少").a?.value).toBe("606");
    expect(answer("某县司法局2025年机关事业单位基本养老保险缴费支出多少").a?.value).toBe("1384.7");
    expect(answer("某县司法局2025年一般行政管理事务支出增加了多少").a?.value).toBe("1101.96");
  });

  it("a change printed as '本年数小于上年预算数 29.65 万元' answers '为什么减少了，减少多少', said as a decrease", () => {
    const { r, a } = answer("某县司法局2025年公务接待费为什么减少了，减少多少");
    expect(a?.value, r.reply).toBe("29.65");
    expect(a?.label).toContain("减少");
  });

  it("'多少台套' is answered by a count printed in 台（套）, not cut at the 万元 inside the item", () => {
    const { r, a } = answer("某县司法局单价20万元以上的设备有多少台套");
    expect(a?.value, r.reply).toBe("48");
    expect(a?.unit).toMatch(/^台[(（]套[)）]$/);
  });

  it("a row the question names outright is the item whatever its column is called (取暖费 › 机关运行经费支出)", () => {
    const { r, a } = answer("某县司法局2025年取暖费安排了多少");
    expect(a?.value, r.reply).toBe("1,080.00");
  });

  it("a question about 支出 is not answered with the 收入 figure beside it", () => {
    const { r, a } = answer("某县司法局2025年财政拨款支出比上年增加了多少");
    expect(a?.value, r.reply).toBe("24,491.71");
    expect(answer("某县司法局2025年财政拨款收入比上年增加了多少").a?.value).toBe("24,558.18");
  });

  it("a sentence opening with '2024年当年预算执行数' continues the previous sentence's item", () => {
    const { r, a } = answer("某县司法局2025年其他社会保障和就业支出比2024年执行数减少了百分之多少");
    expect(a?.value, r.reply).toBe("44.60");
    expect(a?.unit).toBe("%");
  });

  it("'X（Y）' names X printed under Y (行政运行（司法事务）)", () => {
    const { r, a } = answer("某县司法局2025年行政运行（司法事务）科目安排多少万元");
    expect(a?.value, r.reply).toBe("1,623.18");
  });

  it("a name the figure cannot be taken for does not shut out one it can (政府采购里服务类)", () => {
    const { r, a } = answer("某县司法局2025年政府采购里服务类多少");
    expect(a?.value, r.reply).toBe("3059.87");
  });

  it("each thing a question names must be found: a row's total is not its 人员经费", () => {
    const { r } = answer("某县司法局2025年财务收支总表里一般公共服务支出的人员经费是多少元");
    expect(
      r.answers.map((x) => x.value),
      r.reply,
    ).not.toContain("82,096,797.42");
    const { a } = answer("某县司法局2025年财务收支总表里公共安全支出的人员经费是多少元");
    expect(a?.value).toBe("800.00");
    // "A里B": a figure outside the container A is another item.
    const { r: r2 } = answer("某县司法局2025年住房保障支出里人员经费多少元");
    expect(
      r2.answers.map((x) => x.value),
      r2.reply,
    ).not.toContain("800.00");
  });

  it("a joined label (购置及运行费) is not one of its parts", () => {
    const { r, a } = answer("某县司法局2025年公务用车购置费预算多少");
    expect(a?.value, r.reply).toBe("50");
    expect(answer("某县司法局2025年公务用车购置及运行费").a?.value).toBe("97.3");
    expect(answer("某县司法局2025年公务用车运行费").r.answers.map((x) => x.value)).not.toContain("97.3");
  });

  it("a sentence opening with 与上年相比 continues the subject printed before the previous figure", () => {
    const { r, a } = answer("某县司法局2025年单位预留机动经费比上年增加了多少");
    expect(a?.value, r.reply).toBe("2,247.84");
    expect(compact(a!.quote)).toContain("2,247.84");
  });

  it("a numbered line whose figure wraps onto the next lines is one sentence, not a heading", () => {
    const { r, a } = answer("某县司法局2025年公车购置预算多少");
    expect(a?.value, r.reply).toBe("50");
    expect(compact(a!.quote)).toContain("公务用车购置预算支出50万元");
  });

  it("几辆X counts X, not the first vehicle listed", () => {
    const { r, a } = answer("某县司法局有几辆执法执勤用车");
    expect(a?.value, r.reply).toBe("3");
    expect(a?.unit).toBe("辆");
  });

  it("基本支出 is not shortened to 基本 (which would match 基本工资)", () => {
    const { r } = answer("某县司法局2025年基本支出多少");
    expect(r.answers.map((x) => x.value)).not.toContain("5,873,551");
  });
});
