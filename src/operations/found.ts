import { Decimal } from "decimal.js";
import type { LoadedDoc } from "../answer/answer.js";
import type { AnswerItem } from "../answer/types.js";
import type { Fact } from "../facts/extract.js";
import type { Measure } from "../facts/measure.js";
import { pageOfOffset } from "../ingest/pages.js";
import { escapeWord } from "../lexicon/pattern.js";
import type { Disclosure } from "../resolve/index.js";
import { candidates, targetKey, type Candidate, type Target } from "./figures.js";
import { answeringPatterns } from "./words.js";

/** A candidate figure with the document it is printed in. */
export interface Found extends Candidate {
  d: LoadedDoc;
}

/** How many 元 a money unit is (answering.yaml moneyUnits); undefined for any other unit. */
export const scaleOf = (unit: string): number | undefined => answeringPatterns().moneyScale.get(unit);

/**
 * The number in a printed figure, exactly: "1,234.50" → 1234.50. Anything that is not a plain
 * number ("—", "", "100%") gives null, never an exception.
 */
export function amountOf(printed: string): Decimal | null {
  const m = /^\s*([-+]?\d+(?:\.\d+)?)\s*%?\s*$/.exec(printed.replace(/,/g, ""));
  return m ? new Decimal(m[1]!) : null;
}

/** A money figure in 元 (null for other units), to compare 元 tables with 万元 prose. */
export function inYuan(f: Pick<Fact, "value" | "unit">): Decimal | null {
  const s = scaleOf(f.unit);
  return s ? (amountOf(f.value)?.mul(s) ?? null) : null;
}

/** Same amount, allowing the rounding of the coarser printing (1,234,567 元 = 123.46 万元). */
export function sameAmount(a: Pick<Fact, "value" | "unit">, b: Pick<Fact, "value" | "unit">): boolean {
  if (a.unit === b.unit) {
    const x = amountOf(a.value);
    const y = amountOf(b.value);
    return !!x && !!y && x.eq(y);
  }
  const x = inYuan(a);
  const y = inYuan(b);
  if (!x || !y) return false;
  const coarse = Math.max(scaleOf(a.unit) ?? 1, scaleOf(b.unit) ?? 1);
  const places = (v: string) => (/\.(\d+)/.exec(v)?.[1] ?? "").length;
  const step = new Decimal(coarse).div(new Decimal(10).pow(Math.min(places(a.value), places(b.value))));
  return x.minus(y).abs().lte(step.div(2));
}

const mergedOf = new WeakMap<Disclosure, Map<string, readonly Found[]>>();
const MERGED_TARGETS = 64;

/** The found figures of one document's (memoised) candidates: made once per candidate list. */
const foundOf = new WeakMap<Candidate[], readonly Found[]>();

/** Candidates of every document of a disclosure, best first. Shared: do not modify. */
export function findIn(disc: Disclosure, t: Target): readonly Found[] {
  if (disc.docs.length === 1) {
    // One document: its candidates are already in this order.
    const d = disc.docs[0]!;
    const cs = candidates(d, t);
    let found = foundOf.get(cs);
    if (!found) foundOf.set(cs, (found = cs.map((c) => ({ ...c, d }))));
    return found;
  }
  // Several documents (an explanation and its tables): merged once per disclosure and target.
  let memo = mergedOf.get(disc);
  if (!memo) mergedOf.set(disc, (memo = new Map()));
  const key = targetKey(t);
  const known = memo.get(key);
  if (known) return known;
  const out: Found[] = [];
  for (const d of disc.docs) for (const c of candidates(d, t)) out.push({ ...c, d });
  out.sort((a, b) => b.score - a.score || a.fact.order - b.fact.order);
  if (memo.size >= MERGED_TARGETS) memo.delete(memo.keys().next().value!);
  memo.set(key, out);
  return out;
}

export const quoteOf = (d: LoadedDoc, span: [number, number]) => d.model.text.slice(span[0], span[1]).trim();

/** The printed figure with its unit in original text, where a line break may fall inside either. */
function printedRe(value: string, unit: string): RegExp {
  const spaced = (s: string) => [...s].map(escapeWord).join("\\s*");
  return new RegExp(`(?<![\\d.,])${spaced(value)}(?![\\d]|[.,]\\d)(?:\\s*${spaced(unit)})?`, "g");
}

/** Where one of the parts "其中：" lists ends: a clause end or the enumeration comma. */
const PART_END = /[，；。;,、]/;

/** Where the clause from `from` ends in `raw` (an aside opened inside it is kept whole). */
function clauseEnd(raw: string, from: number, ends: RegExp): number {
  let depth = 0;
  let i = from;
  for (; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === "（" || c === "(") depth++;
    else if (c === "）" || c === ")") {
      if (depth === 0) break;
      depth--;
    } else if (depth === 0 && ends.test(c) && !(c === "," && /\d/.test(raw[i + 1] ?? ""))) break;
  }
  return i;
}

/**
 * The passage quoted for a sentence's figure. The sentence, except: a figure among the parts that
 * "其中：" lists is quoted from the parts up to its own clause (the total before them and the
 * parts after it are other figures); a sentence that ends on the figure is quoted up to the
 * figure, without its closing punctuation. Which printing is the figure's own, when the sentence
 * prints the same value twice, follows the order of the sentence's facts.
 */
export function textSpanOf(d: LoadedDoc, f: Fact): [number, number] {
  const [from, to] = f.quote;
  const raw = d.model.text.slice(from, to);
  const hits = [...raw.matchAll(printedRe(f.value, f.unit))];
  if (!hits.length) return f.quote;
  const same = d.facts.filter(
    (x) => x.source === "text" && x.quote[0] === from && x.value === f.value && x.unit === f.unit,
  );
  const hit = hits[Math.min(Math.max(same.indexOf(f), 0), hits.length - 1)]!;
  const figureEnd = hit.index! + hit[0].length;
  let start = 0;
  // "其中：" opens the parts of the total printed before it (answering.yaml partsOpeners).
  for (const m of raw.slice(0, hit.index!).matchAll(answeringPatterns().partsOpen))
    start = m.index! + m[0].length;
  let end = start > 0 ? clauseEnd(raw, figureEnd, PART_END) : raw.length;
  // Only punctuation after the figure: the passage ends with the figure.
  if (/^[\s，；。;,、]*$/.test(raw.slice(figureEnd, end))) end = figureEnd;
  const text = raw.slice(start, end);
  return [from + start + (text.length - text.trimStart().length), from + start + text.trimEnd().length];
}

/**
 * A table figure's span: its row up to its own cell. A row without a label is printed whole in
 * the fact; the cells after the figure are other columns' figures.
 */
function tableSpanOf(d: LoadedDoc, f: Fact): [number, number] {
  const [from, to] = f.quote;
  if (f.colIndex === undefined) return f.quote;
  for (const t of d.model.tables) {
    if (t.span[1] < from || t.span[0] > to) continue;
    const row = t.rows.find((r) => r.span[0] === from && r.span[1] === to);
    const cell = row?.cells.filter((c) => c.column !== "行次")[f.colIndex];
    if (cell && cell.text === f.value && cell.span[1] > from && cell.span[1] <= to)
      return [from, cell.span[1]];
  }
  return f.quote;
}

/** The span quoted for a figure: the row up to its cell (tableSpanOf), or textSpanOf. */
export function spanOf(d: LoadedDoc, f: Fact): [number, number] {
  return f.source === "text" ? textSpanOf(d, f) : tableSpanOf(d, f);
}

const MEASURE_WORDS: Partial<Record<Measure, string>> = {
  预算数: "预算数",
  决算数: "决算数",
  上年数: "上年数",
  增减额: "比上年增减",
  增长率: "增长率",
  占比: "占比",
  完成率: "完成预算的比例",
  预算差额: "决算与预算之差",
};

/** What a figure is, in words: the label asked for with its measure, or the table row and column. */
export function labelOf(f: Fact, asked: string, measure: Measure): string {
  if (f.source === "table") {
    const row = [f.label, f.code ? `（${f.code}）` : ""].join("");
    return `${row || asked}${f.column ? ` › ${f.column}` : ""}`;
  }
  if (measure === "增减额" || measure === "增长率" || measure === "预算差额") {
    const down = answeringPatterns().down.test(f.label);
    const base = measure === "预算差额" ? "比预算" : "比上年";
    return `${asked} ${base}${down ? (measure === "增长率" ? "下降" : "减少") : measure === "增长率" ? "增长" : "增加"}`;
  }
  const m = MEASURE_WORDS[f.measure === "value" ? measure : f.measure];
  return m && !asked.includes(m) ? `${asked} ${m}` : asked;
}

/** Where a figure is printed: its section, or its table with the table's number ("公开05表 …"). */
function sectionOf(f: Fact): string | null {
  // A table figure's `where` is already its table's number and title (see tableFacts).
  return f.where || f.table || null;
}

/** An answer item for a printed figure. */
export function itemOf(d: LoadedDoc, f: Fact, label: string): AnswerItem {
  const m = d.meta;
  const span = spanOf(d, f);
  return {
    doc: d.id,
    value: f.value,
    unit: f.unit,
    quote: quoteOf(d, span),
    label,
    department: m.unit,
    year: m.year,
    docKind: m.kind,
    section: sectionOf(f),
    source: f.source,
    span,
    page: pageOfOffset(d.model.pages, span[0]) ?? undefined,
  };
}
