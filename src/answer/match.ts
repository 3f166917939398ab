import type { Fact } from "../facts/extract.js";
import { MONEY_UNITS, type Measure } from "../facts/measure.js";
import type { IntentUnit } from "../intents/index.js";

/**
 * Words that may follow a metric in a label without changing what the figure is
 * ("三公经费 财政拨款支出预算为 0.37", "收支总计 各增加 70.04"). Anything else after the metric
 * means the figure belongs to another metric ("项目支出 年初结转和结余 0").
 */
const CONNECTORS =
  /本部门|本单位|我部门|我单位|本局|我局|本年度|本年|年度|当年|全年|年初|\d+年度|财政拨款|一般公共预算|拨款|共计|合计|总计|总额|小计|安排|支出|预算|决算|实际|执行|达到|资金|分别|其中|相比|上年|去年|同比|增加|减少|增长|下降|上升|降低|累计|完成|情况|数|为|是|共|计|达|了|的|均|各|比|较|与|占|约|\d+年|\d+/g;

const leftover = (s: string) => s.replace(CONNECTORS, "").replace(/[^\u4e00-\u9fa5A-Za-z]/g, "");

/** How well a fact's label states `term` (higher is better), or null when it is another metric. */
export function termScore(fact: Fact, term: string): number | null {
  // "X占Y的Z%": Y after 占 is the denominator, not the metric the share belongs to.
  const label =
    fact.measure === "占比" && fact.label.includes("占")
      ? fact.label.slice(0, fact.label.lastIndexOf("占"))
      : fact.label;
  const at = label.lastIndexOf(term);
  if (at >= 0) {
    const rest = leftover(label.slice(at + term.length));
    if (rest.length >= 2) return null;
    // Words right before the metric usually narrow it ("基金预算收入" is not 预算收入).
    const prefix = leftover(
      label
        .slice(0, at)
        .split(/[，,：:；;。]/)
        .pop() ?? "",
    );
    return 10 - Math.min(prefix.length * 0.4, 3) - rest.length * 0.5 + (label === term ? 1 : 0);
  }
  // The sentence's subject carries the metric and the local label only says which measure
  // ("…项目支出年初结转和结余0万元，本年收入3883.70万元，本年支出3883.70万元").
  if (fact.source === "text" && fact.context.includes(term)) {
    const own = leftover(fact.label);
    if (own.length > 4) return null;
    const after = fact.context.slice(fact.context.lastIndexOf(term) + term.length);
    if (leftover(after).length > 12) return null;
    // "公务用车购置及运行费": the term is only part of a compound name.
    if (/^[及和与][\u4e00-\u9fa5]/.test(after)) return null;
    // A bare measure word ("，支出决算为") reads almost as well as the metric itself.
    return own.length === 0 ? 8 : 6 - own.length * 0.5;
  }
  return null;
}

const COUNT_UNITS = new Set(["个", "人次", "人", "辆", "家", "项", "名", "次", "台", "套", "批", "户"]);

export function unitFits(fact: Fact, unit: IntentUnit, measure: Measure): boolean {
  if (measure === "增长率" || measure === "占比" || measure === "完成率") return fact.unit === "%";
  switch (unit) {
    case "money":
      return MONEY_UNITS.has(fact.unit);
    case "percent":
      return fact.unit === "%";
    case "score":
      return fact.unit === "分";
    case "count":
      return COUNT_UNITS.has(fact.unit);
    default:
      return true;
  }
}

/** Bonus for a fact's measure given the asked one, or null when it answers a different question. */
export function measureScore(asked: Measure, fact: Measure, docIsFinal: boolean): number | null {
  switch (asked) {
    case "value":
      // Unqualified questions mean the document's own stage: actual in a 决算, budget in a 预算.
      if (fact === "value") return 2;
      if (fact === "决算数") return docIsFinal ? 3 : 0.5;
      if (fact === "预算数") return docIsFinal ? 0 : 3;
      if (fact === "比率") return 1;
      return null;
    case "预算数":
      if (fact === "预算数") return 3;
      if (fact === "value" && !docIsFinal) return 1;
      return null;
    case "决算数":
      if (fact === "决算数") return 3;
      if (fact === "value" && docIsFinal) return 1;
      return null;
    case "完成率":
      return fact === "完成率" ? 3 : fact === "比率" ? 1 : null;
    default:
      return fact === asked ? 3 : null;
  }
}
