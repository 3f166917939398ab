import type { Measure } from "../facts/measure.js";
import type { Lexicon, LexiconMatch } from "../lexicon/index.js";
import type { AnsweringWords } from "../lexicon/schema.js";
import { inOrder } from "../lexicon/pattern.js";
import { matchKey, normalizeQuestion } from "./normalize.js";
import type { MetricMention, Operation, Quantity, Query, QueryContext } from "./types.js";

/** A span of the normalised text (end exclusive). */
interface Span {
  start: number;
  end: number;
}

interface YearHit extends Span {
  year: number;
  compare: boolean;
  /** 上年（2016年）: the year of 上年 spelled out. */
  annotation?: boolean;
  /** "2024年8月底": a date inside a document (its month follows), never the document's year. */
  date?: string;
}

interface CodeHit extends Span {
  code: string;
  /** A 3-digit number followed by Chinese words: maybe a unit's budget code; kept in `rest`. */
  ambiguous: boolean;
}

/** The question-reading patterns compiled from the lexicon's words (answering.yaml), once per lexicon. */
interface QuestionPatterns {
  /** Words after a number that make it an amount, not a year or a code (a percent, a decimal). */
  numberUnit: RegExp;
  /** Words before a short year that make it a span of years. */
  beforeSpanYear: RegExp;
  followUpOpen: RegExp;
  followUpClose: RegExp;
}
const compiled = new WeakMap<AnsweringWords, QuestionPatterns>();
function patternsOf(words: AnsweringWords): QuestionPatterns {
  let p = compiled.get(words);
  if (!p) {
    p = {
      numberUnit: new RegExp(
        `^(?:(?!${inOrder(words.numberUnitGuards)})(?:${inOrder(words.numberUnits)})|%|\\.\\d)`,
      ),
      beforeSpanYear: new RegExp(`(?:${inOrder(words.yearSpanOpeners)})$`),
      followUpOpen: new RegExp(`^(?:${inOrder(words.followUpOpeners)})`),
      followUpClose: new RegExp(`(?:${inOrder(words.followUpClosers)})[?？]?$`),
    };
    compiled.set(words, p);
  }
  return p;
}
const PUNCT = /^[?？!！。，,、~…;；:：]+$/;
const OPEN_BRACKET = /[(（]$/;

function findYears(text: string, words: QuestionPatterns, yearEndItem?: (at: number) => boolean): YearHit[] {
  const hits: YearHit[] = [];
  for (const m of text.matchAll(/(?<![\d.])((?:19[5-9]|20\d)\d)(年度|年)?(?!\d)/g)) {
    const after = text.slice(m.index + m[0].length);
    // "2024年8月底", "2024年8月31日": the whole date is one span.
    const month = m[2] ? null : /^年(\d{1,2})月(?:\d{1,2}日|[底末])?/.exec(after);
    if (!m[2] && !month && words.numberUnit.test(after)) continue;
    // "2022年底", "2022年末": the year's end, a date inside a document (printed "2022年12月31日"),
    // not the document's year. "2022年末结转和结余" is the item 年末结转…, left to the lexicon.
    if (m[2] === "年" && /^[底末]/.test(after) && !yearEndItem?.(m.index + m[1]!.length)) {
      hits.push({
        start: m.index,
        end: m.index + m[0].length + 1,
        year: Number(m[1]),
        compare: false,
        date: `${m[1]}年12月`,
      });
      continue;
    }
    // "2018年2080506": the year's 年 before a subject code belongs to the year.
    if (!m[2] && !month && /^年(?:\d{7}|\d{5}|\d{3})(?![\d.月])/.test(after)) {
      hits.push({ start: m.index, end: m.index + m[0].length + 1, year: Number(m[1]), compare: false });
      continue;
    }
    if (month) {
      const end = m.index + m[0].length + month[0].length;
      hits.push({ start: m.index, end, year: Number(m[1]), compare: false, date: `${m[1]}年${month[1]}月` });
      continue;
    }
    hits.push({ start: m.index, end: m.index + m[0].length, year: Number(m[1]), compare: false });
  }
  for (const m of text.matchAll(/(?<![\d.])([0-3]\d)(年度|年)(?!\d)/g)) {
    if (words.beforeSpanYear.test(text.slice(0, m.index))) continue;
    hits.push({ start: m.index, end: m.index + m[0].length, year: 2000 + Number(m[1]), compare: false });
  }
  return hits.sort((a, b) => a.start - b.start);
}

function findCodes(
  text: string,
  years: Span[],
  codePrefixEnds: Set<number>,
  words: QuestionPatterns,
): CodeHit[] {
  const hits: CodeHit[] = [];
  for (const m of text.matchAll(/(?<![\d.])(\d{7}|\d{5}|\d{3})(?![\d.%])/g)) {
    const start = m.index;
    const end = start + m[0].length;
    if (years.some((y) => y.start < end && start < y.end)) continue;
    const after = text.slice(end);
    if (words.numberUnit.test(after)) continue;
    const ambiguous = m[0].length === 3 && /^[\u4e00-\u9fff]/.test(after) && !codePrefixEnds.has(start);
    hits.push({ start, end, code: m[0], ambiguous });
  }
  return hits;
}

/** A lexicon match with its span in the text and whether it applies here. */
interface Token extends LexiconMatch {
  /** Offsets in the normalised text. */
  t: Span;
  fired: boolean;
}

const MEASURE_PRIORITY: Measure[] = [
  "预算差额",
  "增长率",
  "增减额",
  "占比",
  "完成率",
  "上年数",
  "预算数",
  "决算数",
];
const OPERATION_PRIORITY: Operation[] = ["rank", "list", "difference", "share", "sum", "explain"];

/**
 * Parses a question into a typed `Query` without looking at any document: years, stage, scope,
 * measure, operation, quantity, metrics, codes, container, and what is left (`rest`: unit names and
 * printed labels). Pure: the same question and lexicon give the same query.
 */
export function parseQuery(question: string, lexicon: Lexicon): Query {
  const { text } = normalizeQuestion(question);
  const { key, pos } = matchKey(text);
  // Text offset → key offset (the first key character at or after it).
  const toKey = new Array<number>(text.length + 1);
  for (let k = key.length, t = text.length; t >= 0; t--) {
    while (k > 0 && pos[k - 1]! >= t) k--;
    toKey[t] = k;
  }
  const textSpan = (s: number, e: number): Span => ({
    start: pos[s]!,
    end: e > s ? pos[e - 1]! + 1 : pos[s]!,
  });

  // A lexicon word that starts at a year's 年 and runs past 末 (年末结转和结余) is an item's name.
  // Segmented only when a year is followed by 底/末.
  let free: LexiconMatch[] | undefined;
  const words = patternsOf(lexicon.answering);
  const years = findYears(text, words, (at) =>
    (free ??= lexicon.segment(key)).some((m) => m.start === toKey[at] && m.end > toKey[at]! + 2),
  );
  const blockedKey: Array<[number, number]> = years.map((y) => [toKey[y.start]!, toKey[y.end]!]);
  // Codes: a first pass of the lexicon tells which numbers follow 功能科目/经济分类.
  const prefixEnds = new Set<number>();
  for (const m of lexicon.segment(key, blockedKey))
    if (m.entry.effects.codePrefix) prefixEnds.add(textSpan(m.start, m.end).end);
  const codes = findCodes(text, years, prefixEnds, words);
  for (const c of codes) blockedKey.push([toKey[c.start]!, toKey[c.end]!]);

  const tokens: Token[] = lexicon
    .segment(key, blockedKey)
    .map((m) => ({ ...m, t: textSpan(m.start, m.end), fired: true }));
  const at = (i: number): Token | undefined => tokens[i];
  const fx = (tk: Token) => tk.entry.effects;
  const isMetric = (tk: Token | undefined) => Boolean(tk?.entry.metric);

  // Positional words: only in the run of fillers and punctuation at the end (呢, 吗) or start (那).
  let tail = key.length;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const tk = tokens[i]!;
    if (tk.end !== tail) break;
    if (fx(tk).at === "end" || PUNCT.test(tk.entry.word)) tail = tk.start;
    else break;
  }
  let head = 0;
  for (const tk of tokens) {
    if (tk.start !== head) break;
    const f = fx(tk);
    if (f.at === "start" || (!tk.entry.keep && Object.keys(f).length === 0)) head = tk.end;
    else break;
  }
  for (const tk of tokens) {
    const f = fx(tk);
    if (f.at === "end" && tk.start < tail) tk.fired = false;
    if (f.at === "start" && tk.end > head) tk.fired = false;
    if (f.bracketed && !OPEN_BRACKET.test(text.slice(0, tk.t.start))) {
      // "（元）", or right after a question word: "减少了多少" + "万元".
      const prev = tokens.find((o) => o.end === tk.start);
      const p = prev ? fx(prev) : null;
      // "A和B相差多少" + "万元" closing the question: the unit wanted, not the last item's name.
      const closesOperation = !!p?.operation && tk.end >= tail;
      if (!p || !(p.ask || p.measure || p.change || closesOperation)) tk.fired = false;
    }
    if (f.scale && /\d$/.test(text.slice(0, tk.t.start))) tk.fired = false;
  }

  // Years compared against: 比2016年, 较上年(2016年), 与2017年相比.
  const tokenEndingAt = (k: number) => tokens.find((tk) => tk.end === k);
  const tokenStartingAt = (k: number, maxGap = 0) =>
    tokens.find((tk) => tk.start >= k && tk.start <= k + maxGap && tk.fired);
  for (const y of years) {
    const ks = toKey[y.start]!;
    const ke = toKey[y.end]!;
    const before = tokenEndingAt(ks);
    if (before && fx(before).compare) {
      y.compare = true;
    } else if (before && fx(before).relativeYear === -1 && OPEN_BRACKET.test(text.slice(0, y.start))) {
      y.compare = true; // 上年（2016年）: the previous year named
      y.annotation = true;
    } else if (before && fx(before).join) {
      const next = tokenStartingAt(ke, 4);
      if (next && fx(next).compare === "other") y.compare = true;
    }
  }
  const docYears = years.filter((y) => !y.compare && !y.date);
  const compYears = years.filter((y) => y.compare && !y.date);

  // A generic word (支出, 收入) right after characters no word explains is the end of a longer
  // printed label ("其他司法支出"): not a metric of its own; it stays in rest.
  for (const tk of tokens) {
    if (!tk.entry.metric || !lexicon.tails.includes(tk.entry.word) || tk.start === 0) continue;
    const covered = tokens.some((o) => o !== tk && o.end === tk.start && o.entry.metric);
    const bare = !tokens.some((o) => o.end === tk.start) && !blockedKey.some(([, e]) => e === tk.start);
    // "2080506支出": the subject the code names, not the document's total.
    const afterCode = codes.some((c) => toKey[c.end] === tk.start);
    if (((covered || bare) && /[\u4e00-\u9fff]/.test(key[tk.start - 1]!)) || afterCode)
      tk.entry = { ...tk.entry, metric: undefined };
  }

  // Metrics.
  const metricTokens = tokens.filter((tk) => isMetric(tk));
  const metrics: MetricMention[] = metricTokens.map((tk) => {
    const m = tk.entry.metric!;
    return {
      name: m.name,
      text: text.slice(tk.t.start, tk.t.end),
      start: tk.t.start,
      end: tk.t.end,
      terms: m.terms,
      quantity: m.quantity,
      answer: m.answer,
    };
  });

  // Conditional words.
  const hasAskAfter = (i: number) =>
    tokens
      .slice(i + 1)
      .some((tk) => tk.fired && (fx(tk).ask || fx(tk).quantity || fx(tk).measure === "占比"));
  let joined = false;
  for (let i = 0; i < tokens.length; i++) {
    const tk = tokens[i]!;
    const f = fx(tk);
    if (f.share) tk.fired = hasAskAfter(i);
    if (f.compare === "other") {
      const next = at(i + 1);
      const adjacentYear = years.some((y) => y.compare && toKey[y.start] === tk.end);
      const nextIsItem = next && next.start === tk.end && (isMetric(next) || fx(next).stage);
      tk.fired = adjacentYear || Boolean(nextIsItem) || tokens.some((o) => o.end === tk.start && fx(o).join);
    }
    if (f.container && f.weak) {
      const prev = at(i - 1);
      const before = key.slice(0, tk.start);
      const afterPrev = prev && prev.end === tk.start && (isMetric(prev) || fx(prev).stage || fx(prev).scope);
      tk.fired =
        tk.end < tail &&
        (Boolean(afterPrev) ||
          lexicon.containerHeads.some((h) => before.endsWith(h)) ||
          /^在/.test(key.slice(head)));
      if (tk.fired && !afterPrev && !lexicon.containerHeads.some((h) => before.endsWith(h))) {
        // 在A中: only with 在 opening the clause.
        tk.fired = tk.entry.word === "中" && /^在/.test(key.slice(head, tk.start));
      }
    }
    if (f.join && isMetric(at(i - 1)) && isMetric(at(i + 1))) joined = true;
  }
  const metricCount = new Set(metrics.map((m) => m.name)).size;
  // "A占支出总计的比重": in a share, a weak sum word (总计, 合计) is part of the whole's name.
  const shares = tokens.some((tk) => tk.fired && fx(tk).share);
  // "四个专项（科技创新、生命健康、商业创新）一共": the parts are listed in brackets.
  const listed = tokens.some(
    (tk) =>
      fx(tk).join &&
      /[(（][^()（）]*$/.test(text.slice(0, tk.t.start)) &&
      /^[^()（）]*[)）]/.test(text.slice(tk.t.end)),
  );
  for (const tk of tokens) {
    const f = fx(tk);
    if (f.operation === "sum" && f.weak && (shares || !(joined || listed || metricCount >= 2)))
      tk.fired = false;
  }
  const fired = tokens.filter((tk) => tk.fired);

  // Relative years and the previous year's figure.
  const timeTokens = fired.filter((tk) => fx(tk).relativeYear !== undefined);
  let relativeYear: number | null = null;
  let priorYearAsked = false;
  if (timeTokens.length) {
    if (docYears.length) priorYearAsked = timeTokens.some((tk) => fx(tk).relativeYear === -1);
    else relativeYear = fx(timeTokens[0]!).relativeYear!;
  }

  // Stage and scope.
  let stage: Query["stage"] = null;
  for (const tk of fired) {
    if (fx(tk).stage) {
      stage = fx(tk).stage!;
      break;
    }
  }
  if (!stage) {
    for (const tk of metricTokens) {
      const w = tk.entry.word;
      const name = tk.entry.metric!.name;
      if (/预算/.test(w) && !/预算/.test(name)) stage = "预算";
      else if (/决算/.test(w) && !/决算/.test(name)) stage = "决算";
      if (stage) break;
    }
  }
  const scope = fired.find((tk) => fx(tk).scope)?.entry.effects.scope ?? null;

  // Measure and direction.
  const asked = new Set<Measure>();
  for (const tk of fired) if (fx(tk).measure) asked.add(fx(tk).measure!);
  fired.forEach((tk, i) => {
    if (!fx(tk).change) return;
    const later = fired.slice(i + 1);
    if (later.some((o) => fx(o).ask === "percent")) asked.add("增长率");
    else if (later.some((o) => fx(o).ask === "amount" || fx(o).quantity === "money" || fx(o).countUnit))
      asked.add("增减额");
  });
  const comparesBudget = fired.some((tk) => fx(tk).compare === "budget");
  if (comparesBudget) asked.add("预算差额");
  if (priorYearAsked && !fired.some((tk) => fx(tk).compare) && compYears.every((y) => y.annotation)) {
    asked.add("上年数");
  }
  if (compYears.length && !asked.size && fired.some((tk) => fx(tk).change)) asked.add("增减额");
  let measure: Measure = MEASURE_PRIORITY.find((m) => asked.has(m)) ?? "value";
  if (measure === "value") {
    const withMeasure = metricTokens.find((tk) => tk.entry.metric!.measure);
    if (withMeasure) measure = withMeasure.entry.metric!.measure!;
  }
  const direction = fired.find((tk) => fx(tk).direction)?.entry.effects.direction ?? null;

  // Operation.
  const ops = new Set<Operation>();
  for (const tk of fired) if (fx(tk).operation) ops.add(fx(tk).operation!);
  const reason = fired.some((tk) => fx(tk).reason);
  if (fired.some((tk) => fx(tk).share)) {
    ops.add("share");
    if (!asked.has("增长率") && !asked.has("增减额")) measure = "占比";
  }
  const compareOther = fired.find((tk) => fx(tk).compare === "other");
  if (compareOther) {
    const i = tokens.indexOf(compareOther);
    if (isMetric(at(i + 1)) && metricTokens.some((m) => m.end <= compareOther.start)) ops.add("difference");
  }
  let operation: Operation = OPERATION_PRIORITY.find((o) => ops.has(o)) ?? "lookup";
  const askedAnything = fired.some((tk) => {
    const f = fx(tk);
    return f.ask || f.quantity || f.measure || f.scale || f.stage || f.change || f.operation;
  });
  if (operation === "lookup" && !metrics.length && !codes.length && !askedAnything) operation = "search";

  // Quantity, count word and scale.
  let quantity: Quantity = "any";
  let countUnit: string | null = null;
  // A word that asks ("多少资金", "几个") decides before a noun kept as the item's ("资金", "金额").
  const quantityToken =
    fired.find((tk) => fx(tk).quantity && !tk.entry.keep) ?? fired.find((tk) => fx(tk).quantity);
  if (quantityToken) {
    quantity = fx(quantityToken).quantity!;
    countUnit = fx(quantityToken).countUnit ?? null;
  } else if (measure === "增长率" || measure === "占比" || measure === "完成率") quantity = "percent";
  // The last metric is the head ("编报绩效目标的项目涉及资金": money, not the count of projects).
  else if (metricTokens.length) quantity = metricTokens[metricTokens.length - 1]!.entry.metric!.quantity;
  if (measure === "增长率" || measure === "占比") quantity = "percent";
  if (quantity === "count" && !countUnit) {
    countUnit = metricTokens.find((tk) => tk.entry.metric!.countUnit)?.entry.metric!.countUnit ?? null;
  }
  const scale = fired.find((tk) => fx(tk).scale)?.entry.effects.scale ?? null;
  // "编报绩效目标的项目涉及资金多少": money asked of what a count metric names; that metric only says
  // which projects, its words stay in rest.
  const askedMetrics = quantity === "money" ? metrics.filter((m) => m.quantity !== "count") : metrics;

  // Container: A里B, A中的B, A表里的Y, 在A中.
  let container: string | null = null;
  for (const tk of fired) {
    if (!fx(tk).container) continue;
    const i = tokens.indexOf(tk);
    const prev = at(i - 1);
    if (prev && prev.end === tk.start && isMetric(prev)) {
      container = text.slice(prev.t.start, prev.t.end);
      break;
    }
    if (prev && prev.end === tk.start && (fx(prev).stage || fx(prev).scope) && !prev.entry.keep) break;
    // Back to the previous boundary: a removed word, a year, a code or the start.
    let from = 0;
    for (const o of fired) if (o.end <= tk.start && !o.entry.keep) from = Math.max(from, o.end);
    for (const y of [...years, ...codes]) if (toKey[y.end]! <= tk.start) from = Math.max(from, toKey[y.end]!);
    let a = key.slice(from, tk.start).replace(/^在/, "");
    if (tk.entry.word === "表里" || tk.entry.word === "表中" || tk.entry.word.startsWith("表")) a += "表";
    if (a) container = a;
    break;
  }

  // Rest: the text without what was understood.
  const removed = new Uint8Array(text.length);
  const cut = (s: Span) => removed.fill(1, s.start, s.end);
  years.forEach(cut);
  for (const c of codes) {
    if (c.ambiguous) continue;
    cut(c);
  }
  for (const tk of fired) {
    if (!tk.entry.keep) cut(tk.t);
    else if (fx(tk).codePrefix && codes.some((c) => c.start === tk.t.end && !c.ambiguous)) cut(tk.t);
  }
  let rest = "";
  for (let i = 0; i < text.length; i++) if (!removed[i]) rest += text[i];
  let before: string;
  do {
    before = rest;
    rest = rest.replace(/[(（][)）]|[“"][”"]|^[?？!！。，,、~…;；:：的]+|[?？!！。，,、~…;；:：的]+$/g, "");
  } while (rest !== before);

  return {
    original: question,
    text,
    year: docYears[0]?.year ?? null,
    relativeYear,
    compareYear:
      compYears[0]?.year ?? (operation === "difference" && docYears.length > 1 ? docYears[1]!.year : null),
    years: years.filter((y) => !y.date).map((y) => y.year),
    ...(years.some((y) => y.date) ? { date: years.find((y) => y.date)!.date } : {}),
    stage,
    scope,
    measure,
    operation,
    direction,
    reason,
    quantity,
    countUnit,
    scale,
    metrics: askedMetrics,
    codes: codes.map((c) => c.code),
    container,
    rest,
  };
}

/** True when a question reads as a follow-up ("那公用经费呢", "去年呢", "2018年的呢"). */
export function looksLikeFollowUp(query: Query, lexicon: Lexicon): boolean {
  const { followUpOpen, followUpClose } = patternsOf(lexicon.answering);
  return followUpOpen.test(query.text) || followUpClose.test(query.text);
}

/**
 * Completes a follow-up question from the previous one: what it does not say (year, stage, scope,
 * measure, metrics and codes) is taken from `context`, and `assumed` names each slot taken. The
 * documents of the previous answer (`context.docs`) are assumed when the follow-up names no new
 * words (its `rest` is empty): "docs" is then in `assumed`.
 */
export function followUp(query: Query, context: QueryContext): { query: Query; assumed: string[] } {
  const q: Query = { ...query };
  const assumed: string[] = [];
  if (q.year === null && q.relativeYear === null) {
    if (context.year !== null || context.relativeYear !== null) {
      q.year = context.year;
      q.relativeYear = context.relativeYear;
      if (context.year !== null) q.years = [context.year, ...q.years];
      assumed.push("year");
    }
  }
  if (q.stage === null && context.stage !== null) {
    q.stage = context.stage;
    assumed.push("stage");
  }
  if (q.scope === null && context.scope !== null) {
    q.scope = context.scope;
    assumed.push("scope");
  }
  const asksNew = q.metrics.length > 0 || q.codes.length > 0;
  if (q.measure === "value" && context.measure !== "value") {
    q.measure = context.measure;
    assumed.push("measure");
  }
  if (!asksNew) {
    if (context.metrics.length || context.codes.length) {
      q.metrics = context.metrics;
      q.codes = context.codes;
      if (q.quantity === "any" && context.metrics[0]) q.quantity = context.metrics[0].quantity;
      assumed.push("metrics");
    }
    if (!q.rest && context.rest) {
      q.rest = context.rest;
      assumed.push("rest");
    }
  }
  // Words other than metric words: a unit or a label of its own ("福利院的呢"); none: same documents.
  let own = query.rest;
  for (const m of query.metrics) own = own.split(m.text).join("");
  if ((!own || own === context.rest) && context.docs.length) assumed.push("docs");
  if (q.operation === "search" && (q.metrics.length || q.codes.length)) q.operation = "lookup";
  return { query: q, assumed };
}
