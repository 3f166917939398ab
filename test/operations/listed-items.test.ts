import { describe, expect, it } from "vitest";
import { documentAnswerer } from "../helpers/answerer.js";

/**
 * A figure printed after several items listed with 、 and closed by 等 ("人员工资、住房公积金、提租补贴等
 * 3397.18 万元") is what they come to together: it is no one item's figure (a held-out question got it
 * for "提租补贴比上年增加了多少").
 */
const WITH_OWN = [
  "某区法院2025年部门预算",
  "",
  "一、财政拨款收支预算总体情况说明",
  "与上年相比，财政拨款收、支总计各增加 4016.19 万元。主要原因是基本支出增加人员工资、住房公积金、提租补贴等 3397.18 万元、项目经费支出安排减少 1134.33 万元。",
  "二、住房保障支出",
  "1．住房改革支出（款）提租补贴（项）支出 5465.1 万元，与",
  "上年相比增加 2146.85 万元，增长 64.70%。",
].join("\n");

const LIST_ONLY = WITH_OWN.split("\n").slice(0, 4).join("\n");

describe("items listed before 等", () => {
  describe("a listed item with a sentence of its own", () => {
    const { answer } = documentAnswerer("fy_2025.txt", WITH_OWN);
    it("is answered from its own sentence, not with the list's total", () => {
      const { r, a } = answer("某区法院2025年提租补贴比上年增加了多少");
      expect(a?.value, r.reply).toBe("2146.85");
      expect(r.answers.map((x) => x.value)).not.toContain("3397.18");
    });
  });

  describe("a listed item with no figure of its own", () => {
    const { answer } = documentAnswerer("fy_2025.txt", LIST_ONLY);
    it("is not disclosed rather than given the list's total", () => {
      const { r } = answer("某区法院2025年提租补贴比上年增加了多少");
      expect(r.answers.map((x) => x.value)).not.toContain("3397.18");
    });
  });
});
