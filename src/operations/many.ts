import { Decimal } from "decimal.js";
import type { AnswerItem, AnswerResult } from "../answer/types.js";
import type { Disclosure } from "../resolve/index.js";
import { describeDoc, renderListLine, replies } from "../render/reply.js";
import { amountOf, scaleOf } from "./found.js";
import type { Looked } from "./lookup.js";

/** Each answer's amount as a ranking compares it (in 万元 when units mix), made once per answer. */
const inWan = new WeakMap<Looked, Decimal | null>();
const asPrinted = new WeakMap<Looked, Decimal | null>();

/** Most rows a list or a ranking shows; the rest are counted. */
export const MAX_LISTED = 20;

/**
 * One figure per disclosure over many units: sorted (largest first for 最多 and for a plain list,
 * smallest first for 最少), compared in 万元 when units mix, at most 20 shown and the rest counted.
 */
export function answerMany(
  rows: Array<{ disc: Disclosure; got: Looked }>,
  label: string,
  order: "max" | "min" | "list",
): AnswerResult {
  const money = rows.every((r) => scaleOf(r.got.best.fact.unit));
  const key = (r: (typeof rows)[number]): Decimal | null => {
    const memo = money ? inWan : asPrinted;
    if (memo.has(r.got)) return memo.get(r.got)!;
    const a = amountOf(r.got.best.fact.value);
    const k = !a ? null : money ? a.mul(scaleOf(r.got.best.fact.unit)!).div(scaleOf("万元")!) : a;
    memo.set(r.got, k);
    return k;
  };
  const sameUnit = money || rows.every((r) => r.got.best.fact.unit === rows[0]!.got.best.fact.unit);
  // Each row's amount is made once, not at every comparison of the sort.
  const sorted = sameUnit
    ? rows
        .map((r) => ({ r, k: key(r) }))
        .sort(({ k: x }, { k: y }) => {
          if (!x || !y) return x ? -1 : y ? 1 : 0;
          return order === "min" ? x.cmp(y) : y.cmp(x);
        })
        .map(({ r }) => r)
    : rows;
  const shown = sorted.slice(0, MAX_LISTED);
  const lines = shown.map((r, i) => renderListLine(i, r.got.best.d, r.got.items[0]!));
  let header = replies.listHeader(label, rows.length);
  if (order !== "list" && sameUnit && shown.length) {
    const top = shown[0]!;
    const it = top.got.items[0]!;
    const converted = money && new Set(rows.map((r) => r.got.best.fact.unit)).size > 1;
    header = replies.rankHeader(
      order === "max",
      describeDoc(top.got.best.d),
      `${it.value} ${it.unit}`,
      label,
      converted,
    );
  }
  if (rows.length > shown.length) lines.push(replies.moreRows(rows.length, shown.length));
  const answers: AnswerItem[] = shown.map((r) => r.got.items[0]!);
  return {
    status: "answered",
    answers,
    reply: [header, ...lines].join("\n"),
    via: order === "list" ? "list" : "rank",
  };
}
