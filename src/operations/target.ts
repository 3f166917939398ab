import { labelKey } from "../ingest/normalize.js";
import type { Measure } from "../facts/measure.js";
import type { MetricMention, Query } from "../query/types.js";
import type { Target } from "./figures.js";
import { answeringPatterns } from "./words.js";

/** True when `words` name an item (not only generic words). */
export const namesSomething = (words: string) => !answeringPatterns().bare.test(labelKey(words));

/**
 * Item words with an approximate amount ("30多万"), particles, and leading and trailing question
 * particles and linking words (intents/lexicon/answering.yaml `item*`) trimmed.
 */
function clean(words: string): string {
  const w = answeringPatterns();
  return labelKey(words)
    .replace(/(\d+|[一二两三四五六七八九十百千]+)多万元?/g, "")
    .replace(w.itemDropped, "")
    .replace(w.itemOpeners, "")
    .replace(w.itemClosers, "");
}

/**
 * The metrics of `within` that `key` names in their own right: a metric's words inside a longer
 * one's ("支出" in "基本支出") are not a second thing named.
 */
function outermost(within: MetricMention[], key: string): MetricMention[] {
  return within.filter((m) => {
    const own = labelKey(m.text);
    let rest = key;
    for (const o of within) {
      const longer = labelKey(o.text);
      if (longer.length > own.length && longer.includes(own)) rest = rest.split(longer).join("|");
    }
    return rest.includes(own);
  });
}

/**
 * The ways a question's item may be printed: its words with each metric replaced by each of the
 * metric's printed terms, then the words as asked. A metric's term alone stands for the item only
 * when nothing else was asked beside it (else "社保里的人员经费" would match any 人员经费).
 */
export function namesFor(words: string, metrics: MetricMention[]): string[] {
  let base = clean(words);
  // "几辆执法执勤用车": the count word asks how many of the item; it is not part of its name.
  for (const m of metrics) {
    const written = labelKey(m.text);
    const rest = clean(base.replace(written, ""));
    if (/^(几|多少)/.test(written) && base.includes(written) && namesSomething(rest)) base = rest;
  }
  const specific: string[] = [];
  const generic: string[] = [];
  const inside = outermost(
    metrics.filter((m) => base.includes(labelKey(m.text))),
    base,
  );
  for (const m of inside) {
    const written = labelKey(m.text);
    const rest = base.replace(written, "");
    // A short metric word inside longer words ("行政运行支出") is the item's tail, not its name.
    const out = written.length >= 3 || !namesSomething(rest) ? specific : generic;
    for (const t of m.terms) {
      out.push(base.replace(written, t));
      if (!namesSomething(rest)) out.push(t);
    }
  }
  const own: string[] = [];
  if (namesSomething(base)) {
    own.push(base);
    // "行政运行（财政事务）": the words in brackets say where the item sits; documents print them first.
    const qualified = /^([^（(]+)[（(]([^）)]+)[）)](.*)$/.exec(words.trim());
    if (qualified) {
      const moved = clean(qualified[2]! + qualified[1]! + qualified[3]!);
      if (namesSomething(moved)) own.push(moved);
    }
    // "城乡社区管理事务的行政运行": printed as the levels in a row, without the linking word.
    const unlinked = base.replace(answeringPatterns().itemLinks, "");
    if (unlinked !== base && namesSomething(unlinked)) own.push(unlinked);
    // "项目支出总额" is printed as the 合计 of 项目支出.
    const { totalEnding, itemEnding } = answeringPatterns();
    if (totalEnding.test(base)) own.push(base.replace(totalEnding, "合计"));
    // "行政运行支出" is printed as the row "行政运行".
    const bare = base.replace(itemEnding, "");
    if (bare !== base && namesSomething(bare) && bare.length >= 3) own.push(bare);
  }
  return [...new Set([...specific, ...own, ...generic].filter((n) => n.length >= 2))];
}

/** A target for the item `words` of query `q` (the whole topic unless an operation split it). */
export function targetOf(q: Query, words: string, asked: Measure = q.measure): Target {
  // "预算多少" / "决算多少": the amount of that stage.
  const measure: Measure = asked === "value" && q.stage ? (q.stage === "决算" ? "决算数" : "预算数") : asked;
  let container = q.container ? clean(q.container) : null;
  let item = words;
  if (container) {
    const k = labelKey(item);
    // The question may keep the container's words without its 表 ("财务收支总表里" → "财务收支总").
    const written = [container, container.replace(/表$/, "")].find((c) => c.length >= 2 && k.includes(c));
    if (written) item = k.slice(k.indexOf(written) + written.length);
    if (!namesSomething(item)) {
      item = words;
      container = null;
    }
  }
  // Two or more things named in the item ("一般公共服务支出的人员经费"): each must be found.
  // Items only: a rate metric ("完成预算", "执行率") says what is measured of them, not another item.
  const itemKey = labelKey(item);
  const inItem = q.metrics.filter(
    (m) =>
      m.answer === "figure" &&
      (m.quantity === "money" || m.quantity === "count") &&
      itemKey.includes(labelKey(m.text)),
  );
  const named = outermost(inItem, itemKey);
  const required =
    named.length >= 2 ? named.map((m) => [...new Set([labelKey(m.text), ...m.terms.map(labelKey)])]) : [];
  // "社会保障和就业支出里人员经费": a figure outside the container is another item.
  if (container) {
    const within = q.metrics.find((m) => labelKey(m.text) === container);
    const bare = container.replace(answeringPatterns().containerTail, "");
    const alts = [...new Set([container, bare, ...(within?.terms.map(labelKey) ?? [])])].filter(
      (c) => c.length >= 2 && namesSomething(c),
    );
    if (alts.length) required.push(alts);
  }
  const k = clean(item);
  const side = /支出/.test(k) && !/收入/.test(k) ? "支出" : /收入/.test(k) && !/支出/.test(k) ? "收入" : null;
  return {
    side,
    required: required.length ? required : undefined,
    names: namesFor(item, q.metrics),
    codes: q.codes,
    measure,
    // The parts of a share are amounts, though the question asks for a percentage.
    quantity: asked === "value" && q.quantity === "percent" ? "any" : q.quantity,
    countUnit: q.countUnit,
    container,
    stage: q.stage,
  };
}

/**
 * The target of the amounts a rate is computed from: "三公经费完成预算的百分之多少" → the amounts of
 * 三公经费 (the rate's own words, metrics that are percentages, taken out).
 */
export function amountTargetOf(q: Query, words: string, asked: Measure): Target {
  let item = words;
  const rates = q.metrics.filter((m) => m.quantity === "percent");
  for (const m of rates) item = item.split(m.text).join("");
  const items: Query = { ...q, metrics: q.metrics.filter((m) => !rates.includes(m)), quantity: "money" };
  return targetOf(items, namesSomething(item) ? item : words, asked);
}
