import { isFinalKind } from "../ingest/index.js";
import type { Fact } from "../facts/extract.js";
import { figurePatterns, type Measure } from "../facts/measure.js";
import type { LoadedDoc } from "../answer/answer.js";
import type { Quantity } from "../query/types.js";
import { answeringPatterns } from "./words.js";

/**
 * What a figure must be: the names it may be printed under and the question's own words, the
 * measure and the kind of number. Made by `targetOf` (operations/target.ts) from a parsed query.
 */
export interface Target {
  /**
   * Ways to write the item, labelKey'd, best first: the question's words with each metric replaced
   * by each printed term of the lexicon ("招待费" → "公务接待费"), then the words as asked.
   */
  names: string[];
  /** Subject codes named (a row's code must equal one). */
  codes: string[];
  measure: Measure;
  quantity: Quantity;
  /** "几辆" → 辆: a count figure must be printed with this word (or a near one). */
  countUnit: string | null;
  /** Words of a container ("政府采购预算里服务类": 政府采购): the figure should sit inside it. */
  container: string | null;
  /** Budget (预算) or final-account (决算) figures asked explicitly. */
  stage: "预算" | "决算" | null;
  /**
   * Things the item names that must each be found ("一般公共服务支出的人员经费": the row and the
   * column), each as its ways of being printed. A figure holding only one of them is another item.
   */
  required?: string[][];
  /** "…支出" or "…收入" asked: a figure printed as the other side is another item. */
  side?: "支出" | "收入" | null;
}

export interface Candidate {
  fact: Fact;
  score: number;
  /** Share of the item's words the figure's label and surroundings hold (0–1). */
  recall: number;
  /** Index into `Target.names` of the name that matched best. */
  name: number;
}

/** Least share of the item's words a figure's label must hold to be taken for it. */
export const MIN_RECALL = 0.7;
/** Least share of a figure's own label words the item must explain: else it is another item. */
export const MIN_PRECISION = 0.3;

const bigrams = (s: string): string[] => {
  const out: string[] = [];
  for (let i = 0; i + 1 < s.length; i++) out.push(s.slice(i, i + 2));
  return out;
};

/** Chinese and alphanumeric characters only. */
const content = (s: string) => s.replace(/[^\u4e00-\u9fa5A-Za-z0-9]/g, "");

interface Fields {
  /** Weighted places a figure's name may be printed: its label first. */
  fields: Array<{ text: string; weight: number }>;
  /** Label words beyond connectors, for precision. */
  own: string;
  /** Table figures: the row's own words alone (a row the name explains is the item, whatever column). */
  ownRow?: string;
}

const fieldCache = new WeakMap<Fact, Fields>();

/** The label of a text figure: the clause before it, or the sentence subject when that is bare. */
function fieldsOf(f: Fact, unitNames: string[]): Fields {
  let cached = fieldCache.get(f);
  if (cached) return cached;
  const strip = (s: string) => {
    let t = s;
    for (const n of unitNames) if (n.length >= 2 && t.includes(n)) t = t.split(n).join("");
    return t;
  };
  if (f.source === "table") {
    const label = strip(f.label);
    const ownRow = content(label.replace(answeringPatterns().connectors, ""));
    cached = {
      fields: [
        { text: label, weight: 1 },
        { text: strip(f.columnKey), weight: 0.95 },
        { text: f.code ?? "", weight: 1 },
        // A row printed only as 合计/总计 totals what the table's title names ("政府采购预算表 › 总计").
        { text: ownRow ? "" : strip(f.context), weight: 0.95 },
        { text: f.whereKey, weight: 0.5 },
      ],
      own: ownRow + content(strip(f.columnKey).replace(answeringPatterns().connectors, "")),
      ownRow,
    };
  } else {
    // "X 占 42.89%": the share belongs to the words before 占, not to the denominator after it.
    const label = strip(
      f.measure === "占比" && f.label.includes("占") ? f.label.slice(0, f.label.lastIndexOf("占")) : f.label,
    );
    const clause = label.split(/[，,；;。]/).pop() ?? label;
    const context = strip(f.context);
    // "共 5 个项目实行绩效目标管理": what is counted is printed after the count.
    // Only the first of things joined there ("38 个处室及机关党委" counts 处室).
    const after = answeringPatterns().countUnits.has(f.unit)
      ? (f.after ?? "").split(answeringPatterns().joiners)[0]!
      : "";
    const own = content((clause + after).replace(answeringPatterns().connectors, ""));
    cached = {
      fields: [
        { text: clause, weight: 1 },
        { text: after, weight: 1 },
        { text: label, weight: 0.8 },
        { text: context.slice(-60), weight: 0.72 },
        { text: strip(f.subject ?? ""), weight: 0.72 },
        // "2025年度项目总预算1720.00万" under "科技创新专项经费情况说明": the project it is about.
        { text: strip(f.project ?? ""), weight: 0.72 },
        { text: f.whereKey, weight: 0.4 },
      ],
      own,
    };
  }
  fieldCache.set(f, cached);
  return cached;
}

const listedCache = new WeakMap<Fact, string[] | null>();
/**
 * "基本支出增加人员工资、住房公积金、提租补贴等 3397.18 万元": the items a text figure totals, listed
 * with 、 before 等 right before it, each by its last two characters; null for any other figure.
 */
function listedOf(d: LoadedDoc, f: Fact): string[] | null {
  if (f.source !== "text" || !f.label.endsWith("等")) return null;
  let out = listedCache.get(f);
  if (out !== undefined) return out;
  const raw = d.model.text.slice(f.quote[0], f.quote[1]).replace(/\s+/g, "");
  const at = raw.match(new RegExp(`([^，,；;。：:]*、[^，,；;。：:]*)等${f.value.replace(/\./g, "\\.")}`));
  out = at
    ? at[1]!
        .split("、")
        .map((m) => content(m).slice(-2))
        .filter((m) => m.length === 2)
    : null;
  listedCache.set(f, out);
  return out;
}

/**
 * How much of `name` the figure's fields hold (0–1), weighted by where each word is found. A pair
 * of characters where two found words meet ("公用经费|合计" → 费合) counts as found: names are often
 * two printed words joined (a row and its column, an item and its total).
 */
function recallOf(name: string, fields: Fields["fields"]): number {
  const grams = bigrams(name);
  if (!grams.length) return 0;
  const where: Array<{ field: number; at: number }> = [];
  const w = grams.map((g, gi) => {
    let best = 0;
    fields.forEach((f, fi) => {
      if (f.weight <= best) return;
      const at = f.text.indexOf(g);
      if (at < 0) return;
      best = f.weight;
      where[gi] = { field: fi, at };
    });
    return best;
  });
  // Two words meet when they are printed in different places, or close together in one.
  const meet = (i: number) => {
    const a = where[i - 1];
    const b = where[i + 1];
    if (!a || !b) return false;
    if (a.field !== b.field) return true;
    const t = fields[a.field]!.text;
    const left = t.indexOf(grams[i - 1]!);
    const right = t.indexOf(grams[i + 1]!, left + 2);
    return right >= 0 && right - (left + 2) <= 2;
  };
  let sum = 0;
  for (let i = 0; i < w.length; i++) {
    const joint = w[i] === 0 && i > 0 && i < w.length - 1 && w[i - 1]! > 0 && w[i + 1]! > 0 && meet(i);
    sum += joint ? Math.min(w[i - 1]!, w[i + 1]!) : w[i]!;
  }
  return sum / grams.length;
}

/**
 * How much of the figure's own label the name explains (0–1): extra words mean another item. Only
 * the end of the label counts (the words nearest the figure): a subject printed before the item
 * ("省检察院2017年度…培训费") does not make it another item.
 */
function precisionOf(name: string, own: string): number {
  const tail = own.slice(-(name.length + 6));
  // "公务用车购置及运行费" joins two items: a name explaining only one side asks for a part of it.
  const sides = tail.split(JOINED);
  if (sides.length > 1 && !JOINED.test(name)) {
    // A side is named by its own last word ("…购置" | "运行费"): the words the sides share do not count.
    const grams = sides.map(bigrams);
    const explained = grams.map((gs, i) => {
      const own = gs.filter((g) => !grams.some((o, j) => j !== i && o.includes(g)));
      return !own.length || name.includes(own[own.length - 1]!);
    });
    if (explained.includes(false) && explained.includes(true)) return 0;
  }
  const grams = bigrams(tail);
  if (!grams.length) return 1;
  return grams.filter((g) => name.includes(g)).length / grams.length;
}

/** A name that itself joins items ("离休费和退休费") may be printed as one joined label. */
const JOINED = /(?<=[\u4e00-\u9fa5])[及和与、](?=[\u4e00-\u9fa5])/;

function quantityFits(f: Fact, t: Target): boolean {
  if (t.measure === "增长率" || t.measure === "占比" || t.measure === "完成率") return f.unit === "%";
  switch (t.quantity) {
    case "money":
      return figurePatterns().moneyUnits.has(f.unit);
    case "percent":
      return f.unit === "%";
    case "score":
      return f.unit === "分";
    case "count":
      // Count units and the units answering a count word: intents/lexicon/answering.yaml.
      if (!answeringPatterns().countUnits.has(f.unit)) return false;
      return !t.countUnit || answeringPatterns().sameCount(t.countUnit).includes(f.unit);
    default:
      // Unsaid: an amount (money) or a count word the figure carries; never a bare percentage
      // for a question that did not ask for a rate.
      return f.unit !== "%" || t.measure === "value";
  }
}

/** Bonus for a figure's measure given the asked one, or null when it answers another question. */
export function measureFit(asked: Measure, fact: Measure, docIsFinal: boolean): number | null {
  switch (asked) {
    case "value":
      if (fact === "value") return 2;
      if (fact === "决算数") return docIsFinal ? 3 : 0.5;
      if (fact === "预算数") return docIsFinal ? 0.5 : 3;
      if (fact === "比率") return 0.5;
      return null;
    case "预算数":
      if (fact === "预算数") return 3;
      if (fact === "value") return docIsFinal ? 0 : 2;
      return null;
    case "决算数":
      if (fact === "决算数") return 3;
      if (fact === "value") return docIsFinal ? 2 : null;
      return null;
    case "完成率":
      return fact === "完成率" ? 3 : fact === "比率" ? 1 : null;
    default:
      return fact === asked ? 3 : null;
  }
}

const codeSets = new WeakMap<LoadedDoc, Set<string>>();
/** Subject codes printed in the document's tables. */
function codesOf(d: LoadedDoc): Set<string> {
  let set = codeSets.get(d);
  if (!set) codeSets.set(d, (set = new Set(d.facts.map((f) => f.code).filter((c): c is string => !!c))));
  return set;
}

export const isFinal = (d: LoadedDoc) => isFinalKind(d.meta.kind);

const namesOfDoc = new WeakMap<LoadedDoc, string[]>();

/**
 * Registers the names of each document's unit (full name, aliases and the short forms staff use):
 * they are stripped from figure labels before comparing, since "省检察院2017年度培训费" is about
 * 培训费. Made once per collection by the answerer.
 */
export function registerUnitNames(docs: LoadedDoc[], formsOf: (d: LoadedDoc) => string[]): void {
  for (const d of docs) {
    const m = d.meta;
    const all = [m.unit ?? "", ...m.aliases, ...formsOf(d)].filter((n) => n.length >= 2);
    namesOfDoc.set(
      d,
      [...new Set(all)].sort((a, b) => b.length - a.length),
    );
  }
}

function unitNamesOf(d: LoadedDoc): string[] {
  return namesOfDoc.get(d) ?? [d.meta.unit ?? "", ...d.meta.aliases].filter((n) => n.length >= 2);
}

const gramIndexes = new WeakMap<LoadedDoc, Map<string, number[]>>();

/** Every place a figure's name may be printed around it (label, context, section, column…). */
const wordsAround = (f: Fact) => [
  f.label,
  f.after ?? "",
  f.context,
  f.subject ?? "",
  f.whereKey,
  f.columnKey,
  f.code ?? "",
];

/**
 * A name's distinct pairs of characters and how many of them a figure must hold to reach
 * MIN_RECALL: f found pairs allow at most f − 1 missing ones between them, f + (f − 1) ≥ MIN_RECALL × n.
 */
function boundsOf(names: string[]): Array<{ grams: string[]; need: number }> {
  return names.map((n) => {
    const grams = [...new Set(bigrams(n))];
    return { grams, need: Math.max(1, Math.ceil((MIN_RECALL * grams.length + 1) / 2)) };
  });
}

/** Builds what answering a question over `d` needs, so the first question does not pay for it. */
export function prepareFigures(d: LoadedDoc): void {
  gramIndex(d);
}

/** Where each pair of characters is printed around the document's figures (built on first use). */
function gramIndex(d: LoadedDoc): Map<string, number[]> {
  let index = gramIndexes.get(d);
  if (index) return index;
  index = new Map();
  const facts = d.facts;
  for (let i = 0; i < facts.length; i++) {
    for (const text of wordsAround(facts[i]!))
      for (let k = 0; k + 1 < text.length; k++) {
        const g = text.slice(k, k + 2);
        const list = index.get(g);
        if (!list) index.set(g, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
  }
  gramIndexes.set(d, index);
  return index;
}

/**
 * The figures that may hold one of the names: a figure holding too few of a name's pairs of
 * characters cannot reach MIN_RECALL (a missing pair counts only between two found ones), so the
 * rest of the document's figures are never scored. In document order.
 */
function factsHolding(d: LoadedDoc, names: string[]): Fact[] {
  const bounds = boundsOf(names);
  const facts = d.facts;
  // The index pays off from the second question on (warm-up builds it); a cold document is
  // scanned with the same bound checked on each figure's words.
  if (!gramIndexes.has(d))
    return facts.filter((f) => {
      const text = wordsAround(f).join("|");
      return bounds.some(({ grams, need }) => {
        let n = 0;
        for (const g of grams) if (text.includes(g) && ++n >= need) return true;
        return false;
      });
    });
  const index = gramIndex(d);
  const keep = new Uint8Array(facts.length);
  const counts = new Uint16Array(facts.length);
  for (const { grams, need } of bounds) {
    counts.fill(0);
    for (const g of grams) for (const i of index.get(g) ?? []) if (++counts[i]! >= need) keep[i] = 1;
  }
  const out: Fact[] = [];
  for (let i = 0; i < facts.length; i++) if (keep[i]) out.push(facts[i]!);
  return out;
}

/**
 * The figures of one document that can be the target, best first. A figure is a candidate when
 * its label (or the sentence before it, or its row, column and table) holds most of one of the
 * target's names, its measure answers the asked one and its unit is the asked kind of number.
 */
export function candidates(d: LoadedDoc, t: Target): Candidate[] {
  // The same question asked again (a meeting, a follow-up, every unit of a ranking) is scored once.
  let memo = memos.get(d);
  if (!memo) memos.set(d, (memo = new Map()));
  const key = targetKey(t);
  const known = memo.get(key);
  if (known) return known;
  const out = scoreCandidates(d, t);
  if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value!);
  memo.set(key, out);
  return out;
}

/** Targets whose candidates each document keeps (oldest dropped first). */
const MEMO_SIZE = 256;
const memos = new WeakMap<LoadedDoc, Map<string, Candidate[]>>();
const targetKeys = new WeakMap<Target, string>();
/** A target's memo key, made once for all the documents it is looked up in. */
export function targetKey(t: Target): string {
  let key = targetKeys.get(t);
  if (key === undefined) targetKeys.set(t, (key = JSON.stringify(t)));
  return key;
}

function scoreCandidates(d: LoadedDoc, t: Target): Candidate[] {
  const final = isFinal(d);
  const names = t.names.filter((n) => n.length >= 2);
  if (!names.length && !t.codes.some((c) => codesOf(d).has(c))) return [];
  const unitNames = unitNamesOf(d);
  const out: Candidate[] = [];
  const codes = codesOf(d);
  // A code the document's rows print must match; a code it never prints leaves the words to decide.
  const wanted = t.codes.filter((c) => codes.has(c));
  for (const f of wanted.length ? d.facts : factsHolding(d, names)) {
    if (f.value === "" && f.source !== "table") continue;
    // A subject code read into a figure column ("302", "07") is not an amount.
    if (f.source === "table" && (/^0\d/.test(f.value) || codes.has(f.value))) continue;
    if (wanted.length) {
      if (f.source !== "table" || !f.code || !wanted.includes(f.code)) continue;
    }
    if (!quantityFits(f, t)) continue;
    const ms = measureFit(t.measure, f.measure, final);
    if (ms === null) continue;
    const fields = fieldsOf(f, unitNames);
    let recall = 0;
    let precision = 0;
    let which = 0;
    names.forEach((n, i) => {
      const r = recallOf(n, fields.fields);
      // A row the name explains outright is the item, whatever its column is called.
      const rowP = fields.ownRow ? precisionOf(n, fields.ownRow) : 0;
      const p = Math.max(precisionOf(n, fields.own), rowP >= 0.8 ? rowP : 0);
      // Only a name the figure can be taken for competes (another may hold more words but not fit).
      if (!wanted.length && (r < MIN_RECALL || p < MIN_PRECISION)) return;
      if (r + 0.3 * p - i * 0.01 > recall + 0.3 * precision) {
        recall = r;
        precision = p;
        which = i;
      }
    });
    if (wanted.length) recall = Math.max(recall, 1);
    if (recall < MIN_RECALL) continue;
    // A name explaining one of several items listed before "等" asks for that item, not their total.
    const listed = listedOf(d, f);
    if (listed && !wanted.length && listed.filter((m) => (names[which] ?? "").includes(m)).length === 1)
      continue;
    if (t.side) {
      const near = `${f.label}|${f.context.slice(-60)}|${f.columnKey}`;
      const other = t.side === "支出" ? "收入" : "支出";
      if (near.includes(other) && !near.includes(t.side)) continue;
    }
    if (t.required) {
      // Anywhere around the figure counts (a 政府采购 section, the sentence's subject, the table).
      const around = [
        ...fields.fields,
        { text: f.context, weight: 1 },
        { text: f.table ?? "", weight: 1 },
      ].map((x) => ({ text: x.text, weight: 1 }));
      if (t.required.some((alts) => !alts.some((a) => recallOf(a, around) >= MIN_RECALL))) continue;
    }
    if (precision < MIN_PRECISION && !wanted.length) continue;
    if (f.value === "" && f.source === "table" && recall < 0.95) continue;
    let score = 10 * recall + 4 * precision + ms;
    if (f.source === "text") score += 1.5;
    if (f.source === "table") {
      const named =
        !!f.columnKey &&
        (names[which] ?? "").includes(f.columnKey.replace(answeringPatterns().connectors, "") || "\u0000");
      // The row's amount is its first column, unless the question names another one.
      if (!named) score -= Math.min(f.colIndex ?? 0, 4) * 0.4;
    }
    if (t.container) {
      const c = recallOf(t.container, [
        { text: f.context, weight: 1 },
        { text: f.whereKey, weight: 1 },
        { text: f.table ?? "", weight: 1 },
        { text: f.label, weight: 1 },
      ]);
      score += 2 * c - 1;
    }
    out.push({ fact: f, score, recall, name: which });
  }
  out.sort((a, b) => b.score - a.score || a.fact.order - b.fact.order);
  return out;
}
