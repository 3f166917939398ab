import { Decimal } from "decimal.js";
import type { AnswerItem } from "../answer/types.js";
import type { Measure } from "../facts/measure.js";
import type { Disclosure } from "../resolve/index.js";
import { amountOf, labelOf, scaleOf, type Found } from "./found.js";
import { answeringPatterns } from "./words.js";
import type { Target } from "./figures.js";
import { lookup } from "./lookup.js";

/** A figure as an input of a computation: value, unit and verbatim source. */
const inputOf = (it: AnswerItem) => ({
  label: it.label,
  value: it.value,
  unit: it.unit,
  quote: it.quote,
  doc: it.doc,
});

/** A computed answer: exact decimal result, the formula with every input and each input's source. */
export function computedItem(
  base: AnswerItem,
  value: Decimal,
  unit: string,
  label: string,
  formula: string,
  inputs: AnswerItem[],
): AnswerItem {
  return {
    ...base,
    value: value.toFixed(),
    unit,
    label,
    source: "computed",
    formula,
    inputs: inputs.map(inputOf),
  };
}

/** Rounds half up to `places` (growth rates and shares: two places, as documents print them). */
const round = (x: Decimal, places: number) => x.toDecimalPlaces(places, Decimal.ROUND_HALF_UP);

/** Figures of every part, in 元 when they mix units; null when any part is not printed. */
function partsOf(
  disc: Disclosure,
  targets: Array<{ t: Target; label: string }>,
): { items: AnswerItem[]; amounts: Decimal[]; unit: string } | null {
  const items: AnswerItem[] = [];
  for (const { t, label } of targets) {
    const got = lookup(disc, t, label, null);
    if (!got) return null;
    items.push(got.items[0]!);
  }
  const units = new Set(items.map((i) => i.unit));
  const mixed = units.size > 1;
  if (mixed && [...units].some((u) => !scaleOf(u))) return null;
  const amounts: Decimal[] = [];
  for (const it of items) {
    const a = amountOf(it.value);
    if (!a) return null;
    amounts.push(mixed ? a.mul(scaleOf(it.unit)!).div(scaleOf("万元")!) : a);
  }
  return { items, amounts, unit: mixed ? "万元" : items[0]!.unit };
}

/** "A加B一共多少": the sum of printed parts, exactly. */
export function sumOf(disc: Disclosure, targets: Array<{ t: Target; label: string }>): AnswerItem | null {
  const p = partsOf(disc, targets);
  if (!p) return null;
  const total = p.amounts.reduce((a, b) => a.plus(b), new Decimal(0));
  const formula = `${p.items.map((i, k) => `${i.label} ${p.amounts[k]!.toFixed()}`).join(" + ")} = ${total.toFixed()} ${p.unit}`;
  return computedItem(
    p.items[0]!,
    total,
    p.unit,
    targets.map((x) => x.label).join("、") + " 合计",
    formula,
    p.items,
  );
}

/** "A和B相差多少" / "A比B多多少": the magnitude, saying which is larger. */
export function differenceOf(
  disc: Disclosure,
  a: { t: Target; label: string },
  b: { t: Target; label: string },
): AnswerItem | null {
  const p = partsOf(disc, [a, b]);
  if (!p) return null;
  const [x, y] = p.amounts as [Decimal, Decimal];
  const diff = x.minus(y).abs();
  const larger = x.gte(y) ? a.label : b.label;
  const formula = `|${a.label} ${x.toFixed()} − ${b.label} ${y.toFixed()}| = ${diff.toFixed()} ${p.unit}（${larger}较多）`;
  return computedItem(p.items[0]!, diff, p.unit, `${a.label}与${b.label}之差`, formula, p.items);
}

/** "A占B的比例": A ÷ B × 100, two places, half up. */
export function shareOf(
  disc: Disclosure,
  a: { t: Target; label: string },
  b: { t: Target; label: string },
): AnswerItem | null {
  const p = partsOf(disc, [a, b]);
  if (!p) return null;
  const [x, y] = p.amounts as [Decimal, Decimal];
  // A part of a whole: a share above 100% says the figures found are not part and whole.
  if (y.isZero() || x.isNeg() || y.isNeg() || x.gt(y)) return null;
  const share = round(x.div(y).mul(100), 2);
  const formula = `${a.label} ${x.toFixed()} ÷ ${b.label} ${y.toFixed()} × 100% = ${share.toFixed(2)}%`;
  return computedItem(p.items[0]!, share, "%", `${a.label}占${b.label}的比例`, formula, p.items);
}

/** Whether a printed change says a decrease. */
const isDown = (f: Found) => answeringPatterns().down.test(f.fact.label);

/**
 * A change, growth rate or prior-year figure the document does not print, from figures it does:
 * rate = change ÷ (current − change); prior = current ∓ change; change = current − prior.
 */
export function computedChange(
  disc: Disclosure,
  t: Target,
  label: string,
  measure: Measure,
  prior: Disclosure | null,
): AnswerItem | null {
  // The operands of a rate are amounts (or counts), never percentages.
  const amounts: Target = { ...t, quantity: t.quantity === "percent" ? "money" : t.quantity };
  const current = lookup(disc, { ...amounts, measure: "value" }, label, null);
  const printedChange = lookup(disc, { ...amounts, measure: "增减额" }, label, null);
  if (current) {
    const cur = amountOf(current.best.fact.value);
    const curItem = current.items[0]!;
    if (printedChange && cur && printedChange.best.fact.unit === current.best.fact.unit) {
      const chItem = printedChange.items[0]!;
      const signed = amountOf(printedChange.best.fact.value)!
        .abs()
        .mul(isDown(printedChange.best) ? -1 : 1);
      const before = cur.minus(signed);
      if (measure === "上年数") {
        const formula = `${cur.toFixed()} − (${signed.toFixed()}) = ${before.toFixed()} ${curItem.unit}`;
        return computedItem(curItem, before, curItem.unit, `${label} 上年数`, formula, [curItem, chItem]);
      }
      if (measure === "增长率" && !before.isZero()) {
        const rate = round(signed.div(before).mul(100), 2);
        const formula = `${signed.toFixed()} ÷ (${cur.toFixed()} − (${signed.toFixed()})) × 100% = ${rate.toFixed(2)}%`;
        return computedItem(curItem, rate, "%", `${label} 比上年增长率`, formula, [curItem, chItem]);
      }
    }
    const last = prior ? lookup(prior, { ...amounts, measure: "value" }, label, null) : null;
    if (last && cur && last.best.fact.unit === current.best.fact.unit) {
      const before = amountOf(last.best.fact.value);
      const lastItem = last.items[0]!;
      if (before) {
        if (measure === "增减额") {
          const diff = cur.minus(before);
          const formula = `${cur.toFixed()} − ${before.toFixed()} = ${diff.toFixed()} ${curItem.unit}`;
          return computedItem(
            curItem,
            diff.abs(),
            curItem.unit,
            `${label} 比上年${diff.isNeg() ? "减少" : "增加"}`,
            formula,
            [curItem, lastItem],
          );
        }
        if (measure === "增长率" && !before.isZero()) {
          const rate = round(cur.minus(before).div(before).mul(100), 2);
          const formula = `(${cur.toFixed()} − ${before.toFixed()}) ÷ ${before.toFixed()} × 100% = ${rate.toFixed(2)}%`;
          return computedItem(curItem, rate, "%", `${label} 比上年增长率`, formula, [curItem, lastItem]);
        }
        if (measure === "上年数") return { ...lastItem, label: labelOf(last.best.fact, label, "value") };
      }
    }
  }
  return null;
}

/** A printed money figure in the unit the asker wants ("折合多少万元"), exactly. */
export function converted(it: AnswerItem, want: string): AnswerItem | null {
  const from = scaleOf(it.unit);
  const to = scaleOf(want);
  const printed = amountOf(it.value);
  // Only to a larger unit ("折合多少万元"): 万元 → 元 would give a figure no document printed.
  if (!from || !to || from >= to || !printed) return null;
  const value = printed.mul(from).div(to);
  const formula = `${it.value} ${it.unit} = ${printed.toFixed()} × ${from} ÷ ${to} = ${value.toFixed()} ${want}`;
  return computedItem(it, value, want, it.label, formula, [it]);
}

/**
 * The actual against the budget of one item when the document prints both but not their
 * comparison: "决算比预算少多少" → 决算数 − 预算数 (signed), "完成率" → 决算数 ÷ 预算数 × 100%.
 */
export function againstBudget(
  disc: Disclosure,
  t: Target,
  label: string,
  measure: "预算差额" | "完成率",
): AnswerItem | null {
  const actual = lookup(disc, { ...t, measure: "决算数" }, label, null);
  const budget = lookup(disc, { ...t, measure: "预算数" }, label, null);
  if (!actual || !budget || actual.best.fact.unit !== budget.best.fact.unit) return null;
  const a = amountOf(actual.best.fact.value);
  const b = amountOf(budget.best.fact.value);
  if (!a || !b) return null;
  const inputs = [actual.items[0]!, budget.items[0]!];
  const unit = actual.best.fact.unit;
  if (measure === "预算差额") {
    const places = Math.max(
      ...[actual, budget].map((x) => (/\.(\d+)/.exec(x.best.fact.value)?.[1] ?? "").length),
    );
    const gap = a.minus(b);
    const formula = `决算数 ${actual.best.fact.value} − 预算数 ${budget.best.fact.value} = ${gap.toFixed(places)} ${unit}`;
    const item = computedItem(
      inputs[0]!,
      gap,
      unit,
      `${label} 比预算${gap.isNeg() ? "少" : "多"} ${gap.abs().toFixed(places)}`,
      formula,
      inputs,
    );
    return { ...item, value: gap.toFixed(places) };
  }
  if (b.isZero()) return null;
  const rate = round(a.div(b).mul(100), 2);
  const formula = `${actual.best.fact.value} ÷ ${budget.best.fact.value} × 100% = ${rate.toFixed(2)}%`;
  const item = computedItem(inputs[0]!, rate, "%", `${label} 完成预算的比例`, formula, inputs);
  return { ...item, value: rate.toFixed(2) };
}
