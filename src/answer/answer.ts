import { Decimal } from "decimal.js";
import type { AnyOrama } from "@orama/orama";
import type { DocMeta, DocModel } from "../ingest/index.js";
import { labelKey } from "../ingest/index.js";
import type { Fact } from "../facts/extract.js";
import { MONEY_UNITS, type Measure } from "../facts/measure.js";
import type { Intent } from "../intents/index.js";
import { byRelevance, searchPassages, type SearchHit } from "../search/fulltext.js";
import { tokenize } from "../search/tokenizer.js";
import { logger } from "../config/logger.js";
import { regionForms, resolveDepartments } from "./departments.js";
import { measureScore, termScore, unitFits } from "./match.js";
import type { AnswerItem, AnswerResult, AskOptions } from "./types.js";
import { understand, type Understanding } from "./understand.js";

export interface LoadedDoc {
  id: string;
  file: string;
  /** From the index catalog: resolving departments and years does not read the model. */
  meta: DocMeta;
  /** The document model (read on first use). */
  readonly model: DocModel;
  /** Figures of the document (computed on first use). */
  readonly facts: Fact[];
  /** The document's full-text index (loaded or built on first use). */
  search(): AnyOrama;
  /** Whether the document's words contain `term` (memoised): skips documents before scoring facts. */
  mentions(term: string): boolean;
  /** Facts whose label or sentence holds any of `terms` (the caller keeps what it needs). */
  factsFor(terms: string[]): Fact[];
}

export interface Corpus {
  docs: LoadedDoc[];
  byId: Map<string, LoadedDoc>;
  intents: Intent[];
  newestYear: number | null;
  /** Every unit name, alias and place form, longest first: stripped from questions. */
  names: string[];
}

export function namesOf(docs: LoadedDoc[]): string[] {
  const all = docs.flatMap((d) => [d.meta.unit ?? "", ...d.meta.aliases, ...regionForms(d.meta.region)]);
  return [...new Set(all)].filter(Boolean).sort((a, b) => b.length - a.length);
}

/** Most documents listed one by one before the answer asks which department is meant. */
const MAX_LISTED = 8;
const MAX_QUESTION_CHARS = 500;

const isFinalDoc = (d: LoadedDoc) => /决算|自评/.test(d.meta.kind);
const quoteOf = (d: LoadedDoc, span: [number, number]) => d.model.text.slice(span[0], span[1]).trim();
const deptName = (d: LoadedDoc) => d.meta.aliases.find((a) => a.length <= 10) ?? d.meta.unit ?? d.id;

const MEASURE_WORDS: Record<Measure, string> = {
  value: "",
  预算数: "预算数",
  决算数: "决算数",
  上年数: "上年数",
  增减额: "比上年增减",
  增长率: "增长率",
  占比: "占比",
  完成率: "完成预算的比例",
  预算差额: "决算与预算之差",
  比率: "",
};

interface Found {
  fact: Fact;
  score: number;
  /** The term that matched (index into the terms given). */
  term: number;
}

/** Candidate figures of one document for a metric, best first. */
/** Share of the question's character pairs found in a fact's words: a tie-breaker between candidates. */
function overlap(residual: string, words: string): number {
  if (residual.length < 2) return 0;
  let hit = 0;
  for (let i = 0; i + 1 < residual.length; i++) if (words.includes(residual.slice(i, i + 2))) hit++;
  return hit / (residual.length - 1);
}

/** A fact with its termScore for each of a question's terms (null: the term does not name it). */
interface ScoredFact {
  fact: Fact;
  scores: Array<number | null>;
}

const pools = new WeakMap<LoadedDoc, Map<string, ScoredFact[]>>();

/**
 * The facts of a document that some term names, each with its term scores. They depend only on
 * the document and the terms, so they are kept per word set: questions that name no department
 * score the same terms against every document, and termScore's regular expressions are the cost.
 */
function scoredPool(d: LoadedDoc, terms: string[]): ScoredFact[] {
  let byTerms = pools.get(d);
  if (!byTerms) pools.set(d, (byTerms = new Map()));
  const key = terms.join("\u0001");
  let pool = byTerms.get(key);
  if (!pool) {
    pool = [];
    for (const fact of d.factsFor(terms)) {
      const scores = terms.map((t) => termScore(fact, t));
      if (scores.some((x) => x !== null)) pool.push({ fact, scores });
    }
    if (byTerms.size >= 500) byTerms.clear(); // bounded: new word sets keep coming
    byTerms.set(key, pool);
  }
  return pool;
}

function findFigures(
  d: LoadedDoc,
  terms: string[],
  unit: Intent["unit"],
  measure: Measure,
  code: string | null,
  residual = "",
  specificCount = 0,
  mustMention = "",
  /** Stop at the first figure that fits: enough to know whether the document has one. */
  firstOnly = false,
): Found[] {
  const final = isFinalDoc(d);
  const found: Found[] = [];
  if (!code && !terms.some((t) => d.mentions(t))) return found;
  const pool = code ? d.facts.map((fact) => ({ fact, scores: [] })) : scoredPool(d, terms);
  for (const { fact: f, scores } of pool) {
    if (code) {
      if (f.code !== code) continue;
    } else if (!unitFits(f, unit, measure)) continue;
    let ts: number | null = code ? 12 : null;
    let termIndex = 0;
    // Earlier terms are the more specific names of the metric.
    if (!code) {
      for (let i = 0; i < terms.length; i++) {
        const s = scores[i]!;
        // The question's own words ("行政运行") outrank the intent's generic terms ("支出合计").
        const penalty = i * 0.25 + (specificCount && i >= specificCount ? 3 : 0);
        if (s !== null && (ts === null || s - penalty > ts)) {
          ts = s - penalty;
          termIndex = i;
        }
      }
    }
    if (ts === null) continue;
    // Matched only by the generic metric: the question's other words must be there too, or
    // "住房保障支出" would be answered with 支出合计.
    if (
      mustMention &&
      termIndex >= specificCount &&
      overlap(mustMention, f.label + f.context + (f.table ?? "") + f.whereKey) < 0.34
    )
      continue;
    let measureOf = f.measure;
    // A table's first figure column is the row's amount (合计 / 预算数 / 决算数 by document kind).
    if (
      f.source === "table" &&
      measureOf === "value" &&
      (f.colIndex ?? 0) > 0 &&
      !residual.includes(f.columnKey)
    )
      measureOf = "比率";
    const ms = measureScore(measure, measureOf, final);
    if (ms === null) continue;
    // A column the question names ("项目支出") is read even when it is not the first one.
    const namedColumn =
      f.source === "table" && !!f.column && f.column.length >= 2 && residual.includes(f.columnKey);
    const colPenalty = f.source === "table" && !namedColumn ? (f.colIndex ?? 0) * 0.6 : namedColumn ? -3 : 0;
    if (f.value === "" && !namedColumn) continue;
    found.push({
      fact: f,
      term: termIndex,
      score:
        ts +
        ms +
        (f.source === "text" ? 1 : 0) -
        colPenalty +
        2 * overlap(residual, f.source === "text" ? f.context : f.label + (f.table ?? "")),
    });
    if (firstOnly) return found;
  }
  found.sort((a, b) => b.score - a.score || a.fact.order - b.fact.order);
  // The narrative and a table agree: quote the sentence, which reads better and names the measure.
  const top = found[0];
  if (top && top.fact.source === "table") {
    const text = found.find(
      (f) => f.fact.source === "text" && f.score >= top.score - 1.5 && f.fact.value === top.fact.value,
    );
    if (text) return [text, ...found.filter((f) => f !== text)];
  }
  return found;
}

function itemOf(d: LoadedDoc, f: Fact, label: string): AnswerItem {
  const m = d.meta;
  return {
    doc: d.id,
    value: f.value,
    unit: f.unit,
    quote: quoteOf(d, f.quote),
    label,
    department: m.unit,
    year: m.year,
    docKind: m.kind,
    section: f.where || null,
    source: f.source,
    span: f.quote,
  };
}

function describe(d: LoadedDoc) {
  const m = d.meta;
  return `${deptName(d)}${m.year ? ` ${m.year}年` : ""}${m.kind !== "其他" ? m.kind : ""}`;
}

function renderItem(d: LoadedDoc, it: AnswerItem): string {
  const lines = [
    `${describe(d)}：${it.label} ${it.value || "（表中该栏为空白，未填数字）"}${it.value ? ` ${it.unit}` : ""}`,
  ];
  if (it.formula) lines.push(`${it.source === "computed" ? "计算" : "换算"}：${it.formula}`);
  lines.push(`原文：「${compactQuote(it.quote)}」`);
  const where = [d.file, it.section].filter(Boolean).join(" · ");
  lines.push(`出处：${where}`);
  return lines.join("\n");
}

/** Quotes keep their words; hard wraps and PDF spaces inside Chinese are dropped for reading. */
const compactQuote = (q: string) =>
  q.replace(/\s*\n\s*/g, "").replace(/([\u4e00-\u9fa5])\s+(?=[\u4e00-\u9fa5])/g, "$1");

function notFound(reply: string, via?: string, extra: Partial<AnswerResult> = {}): AnswerResult {
  return { status: "not_found", answers: [], reply, via, ...extra };
}

export function answerQuestion(corpus: Corpus, question: string, options: AskOptions = {}): AnswerResult {
  const trimmed = (question ?? "").trim();
  if (!trimmed) return notFound("请输入一个问题，例如：“曾都区科经局2022年三公经费多少”。");
  if (trimmed.length > MAX_QUESTION_CHARS * 4)
    return notFound(`问题太长了（${trimmed.length} 字），请缩短到 ${MAX_QUESTION_CHARS} 字以内。`);
  let docs = corpus.docs;
  if (options.docs?.length) docs = docs.filter((d) => options.docs!.includes(d.id));
  if (!docs.length) return notFound("目前没有载入任何公开文件。");

  const u = understand(trimmed, corpus.intents, corpus.newestYear, corpus.names);
  const resolution = options.docs?.length
    ? { named: docs.map((d) => ({ id: d.id, meta: d.meta })), unknownMention: null }
    : resolveDepartments(
        u.text,
        docs.map((d) => ({ id: d.id, meta: d.meta })),
      );
  if (!resolution.named.length && resolution.unknownMention && !u.ranking) {
    return notFound(
      `没有找到“${resolution.unknownMention}”的公开文件。已载入：${docs.map(describe).join("；")}。`,
    );
  }
  const named = resolution.named.length > 0;
  let candidates = named ? resolution.named.map((r) => corpus.byId.get(r.id)!).filter(Boolean) : docs;
  if (u.year) {
    const sameYear = candidates.filter((d) => d.meta.year === u.year);
    if (!sameYear.length) {
      const have = candidates.map(describe).join("；");
      return notFound(`没有找到${u.year}年的相关公开文件。${named ? `该单位已载入：${have}。` : ""}`);
    }
    candidates = sameYear;
  } else if (u.stage && candidates.length > 1) {
    const byStage = candidates.filter((d) =>
      u.stage === "预算" ? /预算/.test(d.meta.kind) : /决算|自评/.test(d.meta.kind),
    );
    if (byStage.length) candidates = byStage;
  }

  // "为什么…增加" asks for a reason even though it names a metric too.
  const textIntent = u.intents.find((i) => i.answer !== "figure");
  if (textIntent) return answerText(candidates, textIntent, u);
  // "三公经费完成预算的多少": a measure-like intent (完成率) qualifies the metric named beside it.
  let primary = u.intents[0];
  const metric = primary?.measure
    ? u.intents.find((i) => i !== primary && i.answer === "figure" && !i.measure)
    : undefined;
  if (primary?.measure && metric) {
    if (u.measure === "value") u.measure = primary.measure;
    primary = metric;
  }
  if (u.sum && u.intents.length >= 2) return answerSum(candidates, u);

  // A question more specific than its trigger ("科学技术支出" holds the trigger "支出") looks for
  // its own words first, then for the intent's terms.
  const trigger = u.triggers[0] ?? "";
  const bareTrigger = trigger.replace(/预算|决算|执行|实际|多少|年初|全年/g, "");
  const withoutTrigger = bareTrigger ? u.residual.replace(bareTrigger, "") : u.residual;
  // …and, for a table row, without the trigger, which may name the column ("行政运行 基本支出").
  const specific =
    substantive(withoutTrigger).replace(/[^\u4e00-\u9fa5]/g, "").length >= 2
      ? [...new Set([...residualTerms(u.residual), ...residualTerms(withoutTrigger)])]
      : [];
  let terms = primary ? [...new Set([...specific, ...primary.terms])] : residualTerms(u.residual);
  // Only a question that asks for a measure ("比上年增加多少", "预算…") reads the document's total.
  const asksMeasure = u.measure !== "value" || u.stage !== null;
  const fallback =
    !primary && !terms.length && asksMeasure && /[\u4e00-\u9fa5]/.test(u.text)
      ? corpus.intents.find((i) => i.fallback)
      : undefined;
  if (fallback) terms = fallback.terms;
  if (!terms.length && !u.code) return fulltext(candidates, u);
  const unit = primary?.unit ?? fallback?.unit ?? "any";
  const measure = u.measure === "value" && primary?.measure ? primary.measure : u.measure;
  const label = `${primary?.name ?? u.residual}${MEASURE_WORDS[measure] ? ` ${MEASURE_WORDS[measure]}` : ""}`;

  const figuresOf = (d: LoadedDoc, firstOnly = false) => {
    const mustMention = specific.length ? substantive(withoutTrigger) : "";
    const found = findFigures(
      d,
      terms,
      unit,
      measure,
      u.code,
      u.residual,
      specific.length,
      mustMention,
      firstOnly,
    );
    // LOG_LEVEL=debug shows why a figure won: the top candidates with their scores.
    if (!firstOnly && logger.isLevelEnabled("debug")) {
      const top = found.slice(0, 5).map((f) => ({
        score: +f.score.toFixed(2),
        value: f.fact.value,
        unit: f.fact.unit,
        label: f.fact.label,
        measure: f.fact.measure,
        source: f.fact.source,
      }));
      logger.debug({ doc: d.id, terms, top }, "candidate figures");
    }
    return found;
  };
  // Which documents have a figure at all (cheap: the first that fits will do); only those shown
  // are scored in full. A max/min ranking needs every document's best figure.
  const ordered = u.ranking === "max" || u.ranking === "min";
  const having = ordered ? candidates : candidates.filter((d) => figuresOf(d, true).length > 0);
  // Too many documents and no ranking asked for: ask which one before quoting any.
  if (!u.ranking && having.length > MAX_LISTED) return askWhich(having, label, primary?.name);
  const scored = u.ranking === "list" ? having.slice(0, MAX_RANKED) : having;
  const withFigures = scored.map((d) => ({ d, found: figuresOf(d) })).filter((p) => p.found.length > 0);
  const total = ordered ? withFigures.length : having.length;

  // Items (quotes, labels, the twin and the rival figure) are made only for documents shown.
  const itemsOf = (d: LoadedDoc, found: Found[]): AnswerItem[] => {
    const best = found[0]!;
    const bestLabel =
      best.term < specific.length
        ? `${specific[best.term]}${MEASURE_WORDS[measure] ? ` ${MEASURE_WORDS[measure]}` : ""}`
        : label;
    const items = [itemOf(d, best.fact, labelFor(best.fact, bestLabel, best.fact.measure))];
    // An unqualified question about a 决算 also gets the budget printed beside it, and vice versa.
    if (
      measure === "value" &&
      best.fact.source === "text" &&
      (best.fact.measure === "决算数" || best.fact.measure === "预算数")
    ) {
      const other = best.fact.measure === "决算数" ? "预算数" : "决算数";
      const twin = found.find(
        (f) =>
          f.fact.measure === other &&
          f.fact.quote[0] === best.fact.quote[0] &&
          f.fact.unit === best.fact.unit,
      );
      if (twin) items.push(itemOf(d, twin.fact, labelFor(twin.fact, bestLabel, other)));
    }
    // Narrative and table disagree on the same metric: show both, each with its source.
    const rival = found.find((f) => f.fact.source !== best.fact.source && f.score >= best.score - 2.5);
    if (
      rival &&
      !sameNumber(rival.fact.value, best.fact.value) &&
      sameScale(rival.fact, best.fact) &&
      sameMeasure(rival.fact.measure, best.fact.measure, isFinalDoc(d))
    ) {
      items.push(itemOf(d, rival.fact, labelFor(rival.fact, bestLabel, rival.fact.measure)));
    }
    return items;
  };
  const perDoc: PerDoc[] = withFigures.map(({ d, found }) => ({
    d,
    best: found[0]!.fact,
    items: () => itemsOf(d, found),
  }));

  if (!perDoc.length && measure === "预算差额" && primary) return answerBudgetGap(candidates, primary, u);
  if (!perDoc.length && primary && (measure === "增减额" || measure === "增长率" || measure === "完成率")) {
    const computed = answerComputedChange(candidates, primary, u, measure);
    if (computed) return computed;
  }
  if (!perDoc.length) {
    if (!primary && !u.code) return fulltext(candidates, u);
    return explainMissing(candidates, primary, u, label);
  }
  if (u.ranking || (!named && perDoc.length > 1)) return answerMany(perDoc, u, label, total);
  const shown = perDoc.map((p) => ({ d: p.d, items: p.items() }));
  if (u.wantUnit) for (const p of shown) for (const it of p.items) convertUnit(it, u.wantUnit);
  const answers = shown.flatMap((p) => p.items);
  const reply = shown
    .map((p) => p.items.map((it) => renderItem(p.d, it)).join("\n⚠ 正文与表格数字不一致，两处原文如下：\n"))
    .join("\n\n");
  return { status: "answered", answers, reply, via: primary?.name ?? "table" };
}

const SCALE: Record<string, number> = { 元: 1, 千元: 1_000, 万元: 10_000, 万: 10_000, 亿元: 100_000_000 };

/** Converts exactly when the asker wants another unit; the printed figure stays the answer's value. */
function convertUnit(it: AnswerItem, want: "万元" | "元"): void {
  const from = SCALE[it.unit];
  if (!from || it.unit === want || !it.value) return;
  const printed = amountOf(it.value);
  if (!printed) return;
  const converted = printed.mul(from).div(SCALE[want]!);
  it.formula = `${it.value} ${it.unit} = ${printed.toFixed()} × ${from} ÷ ${SCALE[want]} = ${converted.toFixed()} ${want}`;
}

function labelFor(f: Fact, label: string, measure: Measure): string {
  if (f.source === "text" && (measure === "增减额" || measure === "增长率" || measure === "预算差额")) {
    const down = /减少|下降|降低|节约|减支/.test(f.label);
    const word =
      measure === "预算差额"
        ? down
          ? "比预算减少"
          : "比预算增加"
        : measure === "增减额"
          ? down
            ? "比上年减少"
            : "比上年增加"
          : down
            ? "比上年下降"
            : "比上年增长";
    return `${label.split(" ")[0]} ${word}`;
  }
  if (f.source !== "table") {
    const m = measure === "预算数" || measure === "决算数" ? ` ${measure}` : "";
    return label.includes(measure) ? label : `${label}${m}`;
  }
  const row = [f.code, f.label].filter(Boolean).join(" ");
  return `${row}${f.column ? ` › ${f.column}` : ""}（${f.table}）`;
}

/**
 * The number in a printed figure, exactly: "1,234.50" → 1234.50. Table cells may print a unit with
 * the figure ("100%"); anything that is not a plain number gives null, never an exception.
 */
function amountOf(printed: string): Decimal | null {
  const m = /^\s*([-+]?\d+(?:\.\d+)?)\s*%?\s*$/.exec(printed.replace(/,/g, ""));
  return m ? new Decimal(m[1]!) : null;
}

const sameNumber = (a: string, b: string) => {
  const x = amountOf(a);
  const y = amountOf(b);
  return !!x && !!y && x.eq(y);
};
const sameScale = (a: Fact, b: Fact) => a.unit === b.unit;
/** A plain amount in a 预算 document is its 预算数 (决算数 in a 决算). */
const sameMeasure = (a: Measure, b: Measure, final: boolean) => {
  const norm = (m: Measure) => (m === "value" ? (final ? "决算数" : "预算数") : m);
  return norm(a) === norm(b);
};

/** Words too generic to name a metric on their own. */
const GENERIC =
  /^(费用|支出|经费|资金|金额|收入|合计|总额|总计|情况|部分|全部|所有|数额|多少|数字|数据|钱|部门|单位|本级|部门总额|单位总额)$/;

/** Words of a question with no intent, tried as a label: "行政运行支出" also as "行政运行". */
function residualTerms(residual: string): string[] {
  const out = new Set<string>();
  for (const t of [residual, residual.replace(/(支出|经费|费用|资金|金额|数)$/, "")]) {
    if (t.length >= 2 && !GENERIC.test(t)) out.add(t);
  }
  return [...out];
}

/** The question's words beyond its metric, without generic words ("费用"), for mustMention. */
const substantive = (s: string) => (GENERIC.test(s) ? "" : s.replace(/费用|经费|资金|金额|情况/g, ""));

/** Most rows a ranking or a list shows; the rest is counted. */
const MAX_RANKED = 20;

/** One document's answer to a figure question: its best fact, and the items to show (made on demand). */
interface PerDoc {
  d: LoadedDoc;
  best: Fact;
  items: () => AnswerItem[];
}

/** A money figure in 万元, for comparing documents that print 元 with ones that print 万元. */
function factToWan(f: Fact): Decimal | null {
  const scale = SCALE[f.unit];
  return scale ? (amountOf(f.value)?.mul(scale).div(SCALE["万元"]!) ?? null) : null;
}

/** `total`: documents that have the figure (a list scores only the first MAX_RANKED of them). */
function answerMany(perDoc: PerDoc[], u: Understanding, label: string, total: number): AnswerResult {
  let rows = perDoc.map((p) => ({ ...p, wan: factToWan(p.best), amount: amountOf(p.best.value) }));
  let header = `${label}（${total} 个单位的文件有此数字）：`;
  if (u.ranking === "max" || u.ranking === "min") {
    const money = rows.every((r) => MONEY_UNITS.has(r.best.unit) && r.wan);
    const comparable = money || rows.every((r) => r.amount && r.best.unit === rows[0]!.best.unit);
    if (comparable) {
      const key = (r: (typeof rows)[number]) => (money ? r.wan! : r.amount!);
      rows = rows.sort((a, b) => (u.ranking === "max" ? key(b).cmp(key(a)) : key(a).cmp(key(b))));
      const top = rows[0]!;
      header = `${u.ranking === "max" ? "最多" : "最少"}的是 ${describe(top.d)}：${top.best.value} ${top.best.unit}。各单位${label}${money ? "（按万元换算比较）" : ""}：`;
    }
  }
  const shown = rows.slice(0, MAX_RANKED).map((r) => ({ d: r.d, items: r.items() }));
  const lines = shown.map(
    (r, i) =>
      `${i + 1}. ${describe(r.d)}：${r.items[0]!.value} ${r.items[0]!.unit}\n   原文：「${compactQuote(r.items[0]!.quote)}」`,
  );
  if (total > shown.length)
    lines.push(`……共 ${total} 个单位，只列出前 ${shown.length} 个；写明地区或年份可以缩小范围。`);
  const answers = shown.flatMap((r) => r.items);
  return { status: "answered", answers, reply: [header, ...lines].join("\n"), via: "multi" };
}

/** A computed figure: the item (quoting its first input) and the reply lines naming every input's source. */
function computed(
  d: LoadedDoc,
  inputs: Fact[],
  label: string,
  value: string,
  unit: string,
  formula: string,
  headline: string,
) {
  const item: AnswerItem = { ...itemOf(d, inputs[0]!, label), value, unit, source: "computed", formula };
  const sources = inputs.map((f, i) => `依据${i + 1}：「${compactQuote(quoteOf(d, f.quote))}」`);
  return { item, reply: [`${describe(d)}：${headline}`, `计算：${formula}`, ...sources].join("\n") };
}

/** Most choices offered when asking which department is meant. */
const MAX_CHOICES = 12;

function askWhich(docs: LoadedDoc[], label: string, via?: string): AnswerResult {
  const choices = docs.slice(0, MAX_CHOICES).map((d) => ({ doc: d.id, label: describe(d) }));
  const more =
    docs.length > MAX_CHOICES ? `\n……还有 ${docs.length - MAX_CHOICES} 个，请在问题里写明单位名称。` : "";
  return {
    status: "ambiguous",
    answers: [],
    choices,
    reply: `有 ${docs.length} 个单位的文件都有“${label}”，请问是哪一个？\n${choices.map((c, i) => `${i + 1}. ${c.label}`).join("\n")}${more}`,
    via,
  };
}

/** Sum of two metrics ("基本支出加项目支出一共多少"), exact, with the formula and each source. */
function answerSum(candidates: LoadedDoc[], u: Understanding): AnswerResult {
  const [a, b] = u.intents;
  const answers: AnswerItem[] = [];
  const replies: string[] = [];
  for (const d of candidates) {
    const fa = findFigures(d, a!.terms, a!.unit, u.measure, null)[0];
    const fb = findFigures(d, b!.terms, b!.unit, u.measure, null)[0];
    if (!fa || !fb || fa.fact.unit !== fb.fact.unit) continue;
    const x = amountOf(fa.fact.value);
    const y = amountOf(fb.fact.value);
    if (!x || !y) continue;
    const total = x.plus(y);
    const formula = `${a!.name} ${fa.fact.value} + ${b!.name} ${fb.fact.value} = ${total.toFixed()} ${fa.fact.unit}`;
    const c = computed(
      d,
      [fa.fact, fb.fact],
      `${a!.name} + ${b!.name}`,
      total.toFixed(),
      fa.fact.unit,
      formula,
      `${a!.name} + ${b!.name} = ${total.toFixed()} ${fa.fact.unit}`,
    );
    answers.push(c.item);
    replies.push(c.reply);
  }
  if (!answers.length) return notFound(`文件中没有同时找到“${a!.name}”和“${b!.name}”的数字，无法计算。`);
  return { status: "answered", answers, reply: replies.join("\n\n"), via: "sum" };
}

/**
 * A change or rate the document does not print, computed from figures it does print:
 * 增减额 = 本年 − 上年, 增长率 = (本年 − 上年) / 上年 × 100, 完成率 = 决算 / 预算 × 100
 * (percentages rounded half-up to two places).
 */
function answerComputedChange(
  candidates: LoadedDoc[],
  intent: Intent,
  u: Understanding,
  measure: Measure,
): AnswerResult | null {
  const answers: AnswerItem[] = [];
  const replies: string[] = [];
  for (const d of candidates) {
    const pick = (m: Measure) =>
      findFigures(d, intent.terms, intent.unit, m, null, u.residual).find(
        (f) => f.fact.source === "text" || m !== "上年数",
      );
    const current = pick(isFinalDoc(d) ? "决算数" : "预算数") ?? pick("value");
    const base =
      measure === "完成率"
        ? findFigures(d, intent.terms, intent.unit, "预算数", null, u.residual).find(
            (f) => f.fact.measure === "预算数",
          )
        : pick("上年数");
    if (!current || !base || current.fact.unit !== base.fact.unit || current.fact === base.fact) continue;
    if (measure === "完成率" && current.fact.measure !== "决算数") continue;
    const a = amountOf(current.fact.value);
    const b = amountOf(base.fact.value);
    if (!a || !b) continue;
    let value: string;
    let formula: string;
    let unit = "%";
    const names = measure === "完成率" ? ["决算数", "预算数"] : ["本年", "上年"];
    if (measure === "增减额") {
      const places = Math.max(decimals(current.fact.value), decimals(base.fact.value));
      value = a.minus(b).toFixed(places);
      unit = current.fact.unit;
      formula = `${names[0]} ${current.fact.value} − ${names[1]} ${base.fact.value} = ${value} ${unit}`;
    } else {
      if (b.isZero()) continue;
      const top = measure === "增长率" ? a.minus(b) : a;
      value = top.div(b).mul(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
      formula =
        measure === "增长率"
          ? `(${current.fact.value} − ${base.fact.value}) ÷ ${base.fact.value} × 100% = ${value}%`
          : `${current.fact.value} ÷ ${base.fact.value} × 100% = ${value}%`;
    }
    const label = `${intent.name} ${MEASURE_WORDS[measure]}（计算）`;
    const c = computed(
      d,
      [current.fact, base.fact],
      label,
      value,
      unit,
      formula,
      `${label} ${value} ${unit}`,
    );
    answers.push(c.item);
    replies.push(c.reply);
  }
  if (!answers.length) return null;
  return { status: "answered", answers, reply: replies.join("\n\n"), via: "computed" };
}

const decimals = (v: string) => (/\.(\d+)/.exec(v)?.[1] ?? "").length;

/** 决算 minus 预算 when the document prints both but not their difference. */
function answerBudgetGap(candidates: LoadedDoc[], intent: Intent, u: Understanding): AnswerResult {
  const answers: AnswerItem[] = [];
  const replies: string[] = [];
  for (const d of candidates) {
    const actual = findFigures(d, intent.terms, intent.unit, "决算数", null, u.residual).find(
      (f) => f.fact.measure === "决算数",
    );
    const budget = findFigures(d, intent.terms, intent.unit, "预算数", null, u.residual).find(
      (f) => f.fact.measure === "预算数",
    );
    if (!actual || !budget || actual.fact.unit !== budget.fact.unit) continue;
    const a = amountOf(actual.fact.value);
    const b = amountOf(budget.fact.value);
    if (!a || !b) continue;
    const places = Math.max(decimals(actual.fact.value), decimals(budget.fact.value));
    const diff = new Decimal(a.minus(b).toFixed(places));
    const unit = actual.fact.unit;
    const shown = (x: Decimal) => x.toFixed(places);
    const formula = `决算数 ${actual.fact.value} − 预算数 ${budget.fact.value} = ${shown(diff)} ${unit}`;
    const word = diff.isNegative()
      ? `比预算少 ${shown(diff.abs())}`
      : diff.isZero()
        ? "与预算持平"
        : `比预算多 ${shown(diff)}`;
    const c = computed(
      d,
      [actual.fact, budget.fact],
      `${intent.name} 决算与预算之差`,
      shown(diff),
      unit,
      formula,
      `${intent.name}决算${word}${diff.isZero() ? "" : ` ${unit}`}`,
    );
    answers.push(c.item);
    replies.push(c.reply);
  }
  if (!answers.length)
    return notFound(`文件中没有同时找到“${intent.name}”的预算数和决算数，无法计算差额。`, intent.name);
  return { status: "answered", answers, reply: replies.join("\n\n"), via: "difference" };
}

/** Answers that quote a passage: 原因, 名词解释, 部门职责/机构设置. */
function answerText(candidates: LoadedDoc[], intent: Intent, u: Understanding): AnswerResult {
  const subject = u.intents.find((i) => i.answer === "figure");
  const topic =
    subject?.terms ??
    residualTerms(
      u.residual.replace(/为什么|为何|原因|是什么意思|什么意思|是指|指什么|什么是|定义|名词解释|含义/g, ""),
    );
  const answers: AnswerItem[] = [];
  const replies: string[] = [];
  for (const d of candidates.slice(0, MAX_LISTED)) {
    const sentences = d.model.sentences;
    let pick: number[] = [];
    const headings = new Set(d.model.sections.map((sec) => sec.span[0]));
    if (intent.answer === "reason") {
      const scored = sentences
        .map((s, i) => {
          const k = labelKey(s.text);
          if (!/原因/.test(k) || headings.has(s.span[0])) return { i, score: -1 };
          const prev = labelKey(sentences[i - 1]?.text ?? "");
          const onTopic = topic.some((t) => k.includes(t)) ? 3 : topic.some((t) => prev.includes(t)) ? 2 : 0;
          return { i, score: onTopic + (/主要原因|原因是|原因[:：]/.test(k) ? 1 : 0) };
        })
        .filter((x) => x.score >= 2)
        .sort((a, b) => b.score - a.score || a.i - b.i);
      if (scored[0]) pick = [scored[0].i];
      // "…增减变化原因" as a heading: the explanation is the section's text.
      const sec = d.model.sections.find(
        (x) => /原因/.test(x.title) && topic.some((t) => labelKey(x.title).includes(t)),
      );
      if (!pick.length && sec) {
        pick = sentences
          .map((x, i) => ({ x, i }))
          .filter(({ x }) => x.span[0] > sec.span[0] && x.span[1] <= sec.span[1] && !headings.has(x.span[0]))
          .slice(0, 4)
          .map(({ i }) => i);
      }
      const i0 = pick[0];
      if (i0 !== undefined && !topic.some((t) => labelKey(sentences[i0]!.text).includes(t)) && i0 > 0)
        pick = [i0 - 1, i0];
    } else if (intent.answer === "definition") {
      const idx = sentences.findIndex((s) =>
        topic.some((t) => new RegExp(`${escapeRe(t)}[:：]|${escapeRe(t)}(是指|指)`).test(labelKey(s.text))),
      );
      if (idx >= 0) pick = [idx];
    } else {
      const sec = d.model.sections.findIndex(
        (s) =>
          intent.terms.some((t) => labelKey(s.title).includes(t)) ||
          topic.some((t) => labelKey(s.title).includes(t)),
      );
      if (sec >= 0) {
        const span = d.model.sections[sec]!.span;
        pick = sentences
          .map((s, i) => ({ s, i }))
          .filter(({ s }) => s.span[0] >= span[0] && s.span[1] <= span[1])
          .slice(0, 8)
          .map(({ i }) => i);
      }
    }
    if (!pick.length) continue;
    const first = sentences[pick[0]!]!;
    const last = sentences[pick[pick.length - 1]!]!;
    const span: [number, number] = [first.span[0], last.span[1]];
    const quote = quoteOf(d, span);
    const m = d.meta;
    answers.push({
      doc: d.id,
      value: "",
      unit: "",
      quote,
      label: intent.name,
      department: m.unit,
      year: m.year,
      docKind: m.kind,
      section: first.section >= 0 ? (d.model.sections[first.section]?.path.join(" › ") ?? null) : null,
      source: "text",
      span,
    });
    replies.push(`${describe(d)}（${intent.name}）：\n「${compactQuote(quote)}」`);
  }
  if (!answers.length) return notFound(`文件中没有找到相关的${intent.name}说明。`, intent.name);
  return { status: "answered", answers, reply: replies.join("\n\n"), via: intent.name };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** No figure: say whether the document states "none", has the table only as an image, or is silent. */
function explainMissing(
  candidates: LoadedDoc[],
  intent: Intent | undefined,
  u: Understanding,
  label: string,
): AnswerResult {
  const terms = (intent?.terms ?? residualTerms(u.residual)).slice(0, 3).filter((t) => t.length >= 3);
  const parts: string[] = [];
  let reason: "stated_none" | "table_unreadable" | "not_disclosed" = "not_disclosed";
  for (const d of candidates.slice(0, MAX_LISTED)) {
    const none = d.model.sentences.find((s) => {
      const k = labelKey(s.text);
      return (
        terms.some((t) => k.includes(t)) && /(?<![^\u4e00-\u9fa5]有)无|没有|未发生|不涉及|未安排/.test(k)
      );
    });
    if (none) {
      reason = "stated_none";
      parts.push(`${describe(d)}：文件写明「${compactQuote(quoteOf(d, none.span))}」`);
      continue;
    }
    const unreadable = d.model.tables.filter((t) => !t.present && !t.statedEmpty);
    if (unreadable.length) {
      reason = "table_unreadable";
      parts.push(
        `${describe(d)}：正文没有给出“${label}”；文件中的表格（${unreadable
          .map((t) => t.title)
          .slice(0, 4)
          .join("、")}${unreadable.length > 4 ? "等" : ""}）是图片，无法读取，不能据此说未公开。`,
      );
      continue;
    }
    parts.push(`${describe(d)}：文件没有公开“${label}”。`);
  }
  if (candidates.length > MAX_LISTED)
    parts.push(`其余 ${candidates.length - MAX_LISTED} 个文件中也没有找到“${label}”的数字。`);
  return notFound(parts.join("\n"), intent?.name, { reason });
}

const MAX_FULLTEXT_DOCS = 20;

/** Fallback: the best matching passages, quoted, saying what was matched. */
function fulltext(all: LoadedDoc[], u: Pick<Understanding, "residual" | "text">): AnswerResult {
  const query = u.residual || u.text;
  // Many documents: search only those whose words hold the query's words (memoised check),
  // so one question does not load and search every document's index.
  let candidates = all;
  if (all.length > MAX_FULLTEXT_DOCS) {
    const words = tokenize(query).filter((t) => t.length >= 2);
    candidates = all
      .map((d) => ({ d, n: words.filter((w) => d.mentions(w)).length }))
      .filter((x) => x.n > 0)
      .sort((a, b) => b.n - a.n)
      .slice(0, MAX_FULLTEXT_DOCS)
      .map((x) => x.d);
  }
  const hits: Array<SearchHit & { d: LoadedDoc }> = [];
  for (const d of candidates) for (const h of searchPassages(d.search(), query, 2)) hits.push({ d, ...h });
  hits.sort(byRelevance);
  const top = hits.slice(0, 3);
  if (!top.length)
    return notFound(
      `没有找到与“${query}”相关的内容。可以问：收支总计、三公经费、机关运行经费、基本支出、某个科目（如“基本工资”）等。`,
      "fulltext",
    );
  const lines = top.map((h) => {
    const span = spanOfRef(h.d.model, h.ref);
    return `${describe(h.d)}：「${compactQuote(quoteOf(h.d, span))}」`;
  });
  return notFound(`没有找到能直接回答的数字。与“${query}”最相关的原文：\n${lines.join("\n")}`, "fulltext", {
    related: top.map((h) => ({ doc: h.d.id, quote: quoteOf(h.d, spanOfRef(h.d.model, h.ref)) })),
  });
}

/** Full-text fallback over `all` for the words `query` (the question's words nothing else used). */
export const fulltextAnswer = (all: LoadedDoc[], query: string, text: string) =>
  fulltext(all, { residual: query, text });

function spanOfRef(model: DocModel, ref: string): [number, number] {
  if (ref.includes(":")) {
    const [ti, ri] = ref.split(":").map(Number);
    return model.tables[ti!]!.rows[ri!]!.span;
  }
  return model.sentences[Number(ref)]!.span;
}

/** The paragraph or table row around a span, for "查看原文". */
export function passageAround(d: LoadedDoc, span: [number, number]): string {
  const table = d.model.tables.find((t) => t.present && t.span[0] <= span[0] && span[1] <= t.span[1]);
  if (table) {
    const row = table.rows.find(
      (r) => r.span[0] <= span[0] && span[1] <= Math.max(r.span[1], span[1]) && span[0] < r.span[1],
    );
    const cols = table.columns.length ? `\n栏目：${table.columns.join(" | ")}` : "";
    const rowText = row ? d.model.text.slice(row.span[0], row.span[1]) : d.model.text.slice(span[0], span[1]);
    return `${[table.number, table.title].filter(Boolean).join(" ")}${table.unit ? `（单位：${table.unit}）` : ""}${cols}\n${rowText.replace(/\s+/g, " ").trim()}`;
  }
  const idx = d.model.sentences.findIndex((s) => s.span[0] <= span[0] && span[0] < s.span[1]);
  if (idx < 0) return d.model.text.slice(span[0], span[1]);
  const section = d.model.sentences[idx]!.section;
  const around = d.model.sentences.filter((s, i) => s.section === section && Math.abs(i - idx) <= 3);
  return compactQuote(d.model.text.slice(around[0]!.span[0], around[around.length - 1]!.span[1]));
}
