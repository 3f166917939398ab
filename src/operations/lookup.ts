import type { AnswerItem } from "../answer/types.js";
import type { Disclosure } from "../resolve/index.js";
import { findIn, itemOf, labelOf, sameAmount, scaleOf, type Found } from "./found.js";
import { isFinal, type Target } from "./figures.js";
import { logger } from "../config/logger.js";

/** A disclosure's answer to a one-figure question. */
export interface Looked {
  best: Found;
  /** Best first; a second item is the other printing when text and table disagree. */
  items: AnswerItem[];
}

/** Least score a figure needs to be given as the answer. */
const MIN_SCORE = 9;

/**
 * The figure of a disclosure for the target, or null. When the asker wants another money unit
 * (元 vs 万元) a printing in that unit is preferred. When the narrative and a table print the
 * same item with the same measure but different amounts, both are given, each with its source.
 */
export function lookup(disc: Disclosure, t: Target, label: string, scale: string | null): Looked | null {
  const all = findIn(disc, t);
  // A ranking asks every unit the same question again and again: one disclosure's answer to one
  // target is made once (its found figures are memoised per target, so the key is theirs).
  let memo = looked.get(all);
  if (!memo) looked.set(all, (memo = new Map()));
  const key = `${label}\u0000${scale ?? ""}`;
  let got = memo.get(key);
  if (got === undefined) memo.set(key, (got = choose(all, t, label, scale)));
  return got;
}

const looked = new WeakMap<readonly Found[], Map<string, Looked | null>>();

function choose(all: readonly Found[], t: Target, label: string, scale: string | null): Looked | null {
  if (logger.isLevelEnabled("debug"))
    logger.debug(
      {
        target: t,
        candidates: all.slice(0, 8).map((f) => ({
          doc: f.d.id,
          value: f.fact.value,
          unit: f.fact.unit,
          measure: f.fact.measure,
          label: f.fact.label,
          column: f.fact.column,
          score: Math.round(f.score * 10) / 10,
          recall: Math.round(f.recall * 100) / 100,
        })),
      },
      "lookup candidates",
    );
  const found = all.filter((f) => f.score >= MIN_SCORE);
  if (!found.length) return null;
  let best = found[0]!;
  if (scale) {
    // A printing in the unit asked for is the answer as printed; converting is the last resort.
    const inScale = found.find((f) => f.fact.unit === scale && f.score >= best.score - 6);
    if (inScale) best = inScale;
  }
  // Narrative and table agree: quote the sentence, which reads better and names the measure.
  if (best.fact.source === "table") {
    const text = found.find(
      (f) =>
        f.fact.source === "text" &&
        f.score >= best.score - 2 &&
        f.fact.unit === best.fact.unit &&
        sameAmount(f.fact, best.fact),
    );
    if (text && (!scale || text.fact.unit === scale)) best = text;
  }
  // A question naming a subject code asks for the row that prints the code: when a sentence (of
  // the explanation file, say) gives the same amount, the row is still the source.
  if (t.codes.length && best.fact.source === "text") {
    const row = found.find(
      (f) =>
        f.fact.source === "table" &&
        !!f.fact.code &&
        t.codes.includes(f.fact.code) &&
        sameAmount(f.fact, best.fact) &&
        (!scale || f.fact.unit === scale || best.fact.unit !== scale),
    );
    if (row) best = row;
  }
  // Budget and actual printed in one sentence ("预算为0.37万元，支出决算为0万元"): an unqualified
  // question gets the document's own stage first (the actual in a 决算) and the other beside it.
  let twin: Found | undefined;
  if (t.measure === "value" && best.fact.source === "text") {
    const other = (m: string) => (m === "预算数" ? "决算数" : m === "决算数" ? "预算数" : null);
    twin = found.find(
      (f) =>
        f !== best &&
        f.fact.quote[0] === best.fact.quote[0] &&
        f.fact.unit === best.fact.unit &&
        f.fact.measure === other(best.fact.measure),
    );
    const final = isFinal(best.d);
    if (twin && (final ? twin.fact.measure === "决算数" : twin.fact.measure === "预算数"))
      [best, twin] = [twin, best];
  }
  const items = [itemOf(best.d, best.fact, labelOf(best.fact, label, t.measure))];
  if (twin) items.push(itemOf(twin.d, twin.fact, labelOf(twin.fact, label, twin.fact.measure)));
  // What a figure measures in its document: an unqualified amount is the document's own stage.
  const measureIn = (x: Found) =>
    x.fact.measure === "value" ? (isFinal(x.d) ? "决算数" : "预算数") : x.fact.measure;
  const rival = found.find(
    (f) =>
      f !== best &&
      f.fact.source !== best.fact.source &&
      f.recall >= 0.95 &&
      best.recall >= 0.95 &&
      f.score >= best.score - 3 &&
      measureIn(f) === measureIn(best) &&
      !!scaleOf(f.fact.unit) === !!scaleOf(best.fact.unit) &&
      !sameAmount(f.fact, best.fact),
  );
  if (rival && !twin) items.push(itemOf(rival.d, rival.fact, labelOf(rival.fact, label, t.measure)));
  return { best, items };
}
