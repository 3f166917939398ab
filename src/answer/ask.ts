import { compact, labelKey } from "../ingest/normalize.js";
import { logger } from "../config/logger.js";
import type { Query, QueryContext } from "../query/types.js";
import { resolve, sameUnits, useUnitWords, type Disclosure, type UnitMatcher } from "../resolve/index.js";
import {
  againstBudget,
  computedChange,
  converted,
  differenceOf,
  shareOf,
  sumOf,
} from "../operations/arithmetic.js";
import { definitionIn, sectionIn, withReason } from "../operations/explain.js";
import { answerMany, MAX_LISTED } from "../operations/many.js";
import { lookup, type Looked } from "../operations/lookup.js";
import { amountTargetOf, namesSomething, targetOf } from "../operations/target.js";
import { registerUnitNames, type Target } from "../operations/figures.js";
import type { Measure } from "../facts/measure.js";
import { answeringPatterns, useAnsweringWords } from "../operations/words.js";
import type { AnsweringWords, OrgRules } from "../lexicon/index.js";
import { describeDoc, renderDocItems, replies } from "../render/reply.js";
import type { LoadedDoc } from "./answer.js";
import { fulltextAnswer } from "../operations/search.js";
import type { AnswerItem, AnswerResult, AskOptions } from "./types.js";

const MAX_QUESTION_CHARS = 500;
/** Most units offered when a question fits more than a reply can list. */
const MAX_CHOICES = 30;

/** The language side the answerer needs: parsing questions and finding unit names in them. */
export interface Language {
  parse(question: string, context?: QueryContext): { query: Query; assumed: string[] };
  /** A matcher over the given documents' unit names (prepared once per collection). */
  unitMatcher(docs: LoadedDoc[]): UnitMatcher;
  /** The names staff use for a document's unit (normalised). */
  unitForms(d: LoadedDoc): string[];
  /** How documents print their total (收支总计…): read when a question names no item. */
  totalTerms: string[];
  /** Words the answering compares printed labels with (intents/lexicon/answering.yaml). */
  answering: AnsweringWords;
  /** The organisation-name rules (intents/lexicon/orgs.yaml): resolving reads unnamed units with them. */
  orgs: OrgRules;
  /** Printed names of the things counted in `unit` ("辆" → 车辆, 公务用车…). */
  countTerms(unit: string): string[];
}

/**
 * "离休费和退休费" → ["离休费", "退休费"]: split on joining words, or, when parsing took them out,
 * where each metric the question names begins. A list in brackets ("(水费、电费)") wins.
 */
function partsOf(topic: string, q: Query, splitOn: RegExp, byMetrics = true): string[] {
  const inner = /[(（]([^()（）]+)[)）]/.exec(topic)?.[1];
  const bracketed = inner !== undefined && (splitOn.test(inner) || metricsIn(inner, q).length >= 2);
  const src = bracketed ? inner! : topic.replace(/[(（][^()（）]*[)）]/g, "");
  let parts = src.split(splitOn);
  // A part naming two metrics whose joining word parsing took out ("“三公”经费会议费"): one per metric.
  if (byMetrics)
    parts = parts.flatMap((p) => {
      const starts = metricsIn(p, q).map((m) => m.at);
      return starts.length >= 2
        ? starts.map((s, i) => p.slice(i === 0 ? 0 : s, starts[i + 1] ?? p.length))
        : [p];
    });
  const closer = answeringPatterns().partCloser;
  return parts.map((p) => p.replace(closer, "")).filter((p) => namesSomething(p));
}

/** Metrics whose words appear in `s`, in order, without overlaps. */
function metricsIn(s: string, q: Query): Array<{ at: number; text: string }> {
  const out: Array<{ at: number; text: string }> = [];
  for (const m of [...q.metrics].sort((a, b) => b.text.length - a.text.length)) {
    const at = s.indexOf(m.text);
    if (at >= 0 && !out.some((o) => at < o.at + o.text.length && o.at < at + m.text.length))
      out.push({ at, text: m.text });
  }
  return out.sort((a, b) => a.at - b.at);
}

/** "A中B": the question prints only a container marker between A's last metric and B's first. */
function wholeFirst(q: Query, a: string, b: string): boolean {
  const inA = metricsIn(a, q).at(-1);
  const inB = metricsIn(b, q)[0];
  const ma = inA && q.metrics.find((m) => m.text === inA.text);
  const mb = inB && q.metrics.find((m) => m.text === inB.text && m.start >= (ma?.end ?? 0));
  return !!ma && !!mb && answeringPatterns().containerBetween.test(q.text.slice(ma.end, mb.start));
}

/** Short label of an item for replies: the metric's name when one was found, else the words. */
function labelFor(q: Query, words: string): string {
  const k = labelKey(words);
  const m = q.metrics.find((x) => k.includes(labelKey(x.text)));
  if (m && labelKey(m.text).length >= k.length - 1) return m.name;
  return k || (m?.name ?? "");
}

/** A date as compared with the printed one: no spaces, months without a leading zero (2024年08月). */
const dateKey = (s: string) =>
  compact(s)
    .replace(/年0(\d)月/g, "年$1月")
    .replace(/(\d{4})年[底末]/g, "$1年12月");
/** A date as dateKey prints it: a sentence stating its own "as of". */
const DATED = /\d{4}年\d{1,2}月/;

const isTotalMeasure = (m: Query["measure"]) => m === "增减额" || m === "增长率" || m === "上年数";

/**
 * Answers one question over the collection: parse → resolve → operation → render.
 * Never throws for any input; the reply says what was understood when nothing is found.
 */
export function createAnswerer(docs: LoadedDoc[], lang: Language) {
  useAnsweringWords(lang.answering);
  useUnitWords(lang.orgs);
  const matcher = lang.unitMatcher(docs);
  registerUnitNames(docs, (d) => lang.unitForms(d));
  const byId = new Map(docs.map((d) => [d.id, d]));

  function priorOf(disc: Disclosure, q: Query): Disclosure | null {
    const year = disc.year;
    if (year === null) return null;
    // "比2023年执行数": a budget of that year is not what was spent.
    if (q.stage === "决算" && !/决算/.test(disc.kind)) return null;
    const ids = new Set(disc.docs.map((d) => d.id));
    const unitForms = disc.docs.map((d) => d.meta.unit).filter(Boolean) as string[];
    const prior = docs.filter(
      (d) =>
        !ids.has(d.id) &&
        d.meta.year === year - 1 &&
        d.meta.kind === disc.kind &&
        !!d.meta.unit &&
        unitForms.includes(d.meta.unit),
    );
    return prior.length ? { docs: prior, unit: disc.unit, year: year - 1, kind: disc.kind } : null;
  }

  // What a question asks is the same for every disclosure it is put to (a ranking puts it to every
  // unit): targets and labels are made once per question, and a target object's identity is its
  // memo key in the figures' per-document memo.
  const perQuestion = new WeakMap<Query, Map<string, unknown>>();
  function once<T>(q: Query, key: string, make: () => T): T {
    let memo = perQuestion.get(q);
    if (!memo) perQuestion.set(q, (memo = new Map()));
    if (!memo.has(key)) memo.set(key, make());
    return memo.get(key) as T;
  }
  const targetOnce = (q: Query, words: string, measure: Measure = q.measure): Target =>
    once(q, `t\u0000${words}\u0000${measure}`, () => targetOf(q, words, measure));
  const labelOnce = (q: Query, words: string): string => once(q, `l\u0000${words}`, () => labelFor(q, words));

  /** The answer of one disclosure, or null when it does not print what is asked. */
  function answerOne(
    q: Query,
    disc: Disclosure,
    topic: string,
  ): { items: AnswerItem[]; got?: Looked } | null {
    const label = labelOnce(q, topic);
    // "A和B相差多少万元" over figures printed in 元: the result in the unit asked.
    const inScale = (it: AnswerItem) => (q.scale && it.unit !== q.scale && converted(it, q.scale)) || it;
    if (q.operation === "sum") {
      // A sum needs its parts joined (和/加/、) or listed in brackets: "基本支出中公用经费合计" is one item.
      const joiners = answeringPatterns().joiners;
      const parts = partsOf(topic, q, joiners, joiners.test(q.text));
      if (parts.length >= 2) {
        const it = sumOf(
          disc,
          parts.map((p) => ({ t: targetOnce(q, p), label: labelOnce(q, p) })),
        );
        return it ? { items: [inScale(it)] } : null;
      }
    }
    if (q.operation === "difference") {
      const parts = partsOf(topic, q, answeringPatterns().differenceSplit);
      if (parts.length === 2) {
        const [a, b] = parts as [string, string];
        const it = differenceOf(
          disc,
          { t: targetOnce(q, a, "value"), label: labelOnce(q, a) },
          { t: targetOnce(q, b, "value"), label: labelOnce(q, b) },
        );
        if (it) return { items: [inScale(it)] };
      }
    }
    if (q.operation === "share" || q.measure === "占比") {
      const split = topic.includes("占") ? topic.split(/占/) : partsOf(topic, q, /占/);
      const closer = answeringPatterns().shareCloser;
      let [a, b] = split.map((s) => s.replace(closer, ""));
      // "政府采购中服务类占比": without 占, a whole named first and its part after a container
      // marker; the share asked is the part's.
      if (!topic.includes("占") && a && b && wholeFirst(q, a, b)) [a, b] = [b, a];
      if (a && namesSomething(a)) {
        const printed = lookup(disc, targetOnce(q, a, "占比"), labelOnce(q, a), null);
        if (printed) return { items: printed.items, got: printed };
        if (b && namesSomething(b)) {
          const it = shareOf(
            disc,
            { t: targetOnce(q, a, "value"), label: labelOnce(q, a) },
            { t: targetOnce(q, b, "value"), label: labelOnce(q, b) },
          );
          if (it) return { items: [it] };
        }
        return null;
      }
    }
    let measure = q.measure;
    // "为什么增加" asks for the change and its reason.
    if (q.reason && measure === "value" && q.direction) measure = "增减额";
    // "按2017年预算说明，2016年的…": a year before the document's asks for its prior-year figure.
    if (measure === "value" && q.year !== null && q.years.some((y) => y < q.year!)) measure = "上年数";
    const t = once(q, `m\u0000${topic}\u0000${measure}`, () => {
      const t = targetOf(q, topic, measure);
      // "购置几辆车": the counted thing is printed after the item's words ("购置车辆1辆").
      if (q.quantity === "count" && q.countUnit && t.names.length && t.names.length <= 3) {
        const counted = lang.countTerms(q.countUnit).slice(0, 3);
        t.names = [...t.names, ...t.names.flatMap((n) => counted.map((c) => n + labelKey(c)))];
      }
      if (!t.names.length && !t.codes.length) {
        // Nothing named: a count word names what is counted ("几辆" → 车辆); a question about the
        // budget as a whole ("预算比上年增加多少") reads the document's total.
        if (q.quantity === "count" && q.countUnit) t.names = lang.countTerms(q.countUnit);
        else if (measure !== "value" || q.stage) t.names = lang.totalTerms.filter(namesSomething);
      }
      return t;
    });
    const got = lookup(disc, t, label, q.scale);
    if (got) {
      let items = got.items;
      if (q.reason || measure === "增减额") items = items.map((it) => withReason(got.best.d, it));
      if (q.scale && items[0]!.unit !== q.scale) {
        const c = converted(items[0]!, q.scale);
        if (c) items = [c, ...items.slice(1)];
      }
      return { items, got };
    }
    if (measure === "预算差额" || measure === "完成率") {
      const it = againstBudget(
        disc,
        once(q, `a\u0000${topic}\u0000${measure}`, () => amountTargetOf(q, topic, measure)),
        labelOnce(q, topic),
        measure,
      );
      if (it) return { items: [it] };
    }
    if (isTotalMeasure(measure)) {
      const it = computedChange(disc, t, label, measure, priorOf(disc, q));
      if (it) return { items: [it] };
    }
    return null;
  }

  function notFound(reply: string, extra: Partial<AnswerResult> = {}): AnswerResult {
    return { status: "not_found", answers: [], reply, ...extra };
  }

  /** Why nothing was found: the document says none, its tables are images, or it is silent. */
  function missing(discs: Disclosure[], q: Query, topic: string): AnswerResult {
    const label = labelFor(q, topic) || topic;
    const key = labelKey(label);
    const statesNone = answeringPatterns().statedNone;
    const parts: string[] = [];
    let reason: AnswerResult["reason"] = "not_disclosed";
    for (const disc of discs.slice(0, 8)) {
      const d = disc.docs[0]!;
      const none = disc.docs
        .flatMap((x) => x.model.sentences.map((s) => ({ x, s })))
        .find(({ s }) => {
          const k = labelKey(s.text);
          return key.length >= 2 && k.includes(key) && statesNone.test(k);
        });
      if (none) {
        reason = "stated_none";
        parts.push(
          replies.statedNone(describeDoc(d), none.x.model.text.slice(none.s.span[0], none.s.span[1])),
        );
        continue;
      }
      const images = disc.docs.flatMap((x) => x.model.tables.filter((t) => !t.present && !t.statedEmpty));
      if (images.length) {
        reason = "table_unreadable";
        parts.push(
          replies.unreadable(
            describeDoc(d),
            label,
            images.map((t) => t.title),
          ),
        );
        continue;
      }
      parts.push(replies.notDisclosed(describeDoc(d), label));
    }
    if (discs.length > 8) parts.push(replies.othersSilent(discs.length - 8, label));
    return notFound(parts.join("\n") || replies.notDisclosed("所选文件", label), { reason, via: "lookup" });
  }

  return function ask(question: string, options: AskOptions = {}): AnswerResult {
    const trimmed = (question ?? "").trim();
    if (!trimmed) return notFound(replies.empty());
    if (trimmed.length > MAX_QUESTION_CHARS * 4)
      return notFound(replies.tooLong(trimmed.length, MAX_QUESTION_CHARS));
    let pool = options.docs?.length ? docs.filter((d) => options.docs!.includes(d.id)) : docs;
    if (!pool.length) return notFound(replies.noDocs());
    const { query: q, assumed } = lang.parse(trimmed.slice(0, MAX_QUESTION_CHARS), options.context);
    let chosen = !!options.docs?.length;
    // A follow-up naming no unit ("机关运行经费呢", "去年呢") stays with the previous answer's unit(s).
    if (!chosen && assumed.includes("docs") && options.context?.docs.length) {
      const units = sameUnits(new Set(options.context.docs), pool);
      const same = pool.filter((d) => units.has(d.id));
      if (same.length) {
        pool = same;
        chosen = true;
      }
    }
    const res = resolve(q, pool, matcher, chosen);
    if (!res.ok) {
      const have = res.have.map((x) => describeDoc(x.docs[0]!));
      return notFound(
        res.problem === "unknown_unit"
          ? replies.unknownUnit(res.mention, have)
          : replies.noYear(res.mention, have),
      );
    }
    const topic = res.topic;
    if (logger.isLevelEnabled("debug"))
      logger.debug(
        { query: q, topic, disclosures: res.disclosures.map((x) => x.docs.map((d) => d.id)) },
        "question parsed",
      );
    const context: QueryContext = {
      year: res.year,
      relativeYear: q.relativeYear,
      stage: q.stage,
      scope: q.scope,
      measure: q.measure,
      metrics: q.metrics,
      codes: q.codes,
      rest: topic,
      docs: res.named ? res.disclosures.flatMap((x) => x.docs.map((d) => d.id)) : [],
    };
    const note = assumed.length ? `\n${replies.assumed(assumed)}` : "";
    if (
      !namesSomething(topic) &&
      !q.codes.length &&
      q.measure === "value" &&
      !q.stage &&
      q.quantity !== "count"
    ) {
      const ft = fulltextAnswer(
        res.disclosures.flatMap((x) => x.docs),
        topic || q.text,
        q.text,
      );
      return { ...ft, context };
    }
    // 名词解释 / 部门职责 / 机构设置: the document's own words are the answer.
    const quoted =
      q.metrics.find((m) => m.answer === "section") ?? q.metrics.find((m) => m.answer === "definition");
    if (quoted) {
      const subjects = q.metrics.filter((m) => m.answer === "figure").flatMap((m) => m.terms);
      const own = labelKey(topic)
        .replace(labelKey(quoted.text), "")
        .replace(answeringPatterns().definitionParticles, "");
      const terms = quoted.answer === "section" ? quoted.terms : [...subjects, own];
      const items = res.disclosures
        .slice(0, MAX_LISTED)
        .map((disc) =>
          disc.docs
            .map((d) =>
              quoted.answer === "section"
                ? sectionIn(d, terms, quoted.name)
                : definitionIn(d, terms, quoted.name),
            )
            .find((x) => x !== null),
        )
        .filter((x): x is AnswerItem => !!x);
      if (items.length) {
        const reply = items
          .map((it) => replies.passage(describeDoc(byId.get(it.doc)!), it.label, it.quote))
          .join("\n\n");
        return { status: "answered", answers: items, reply, via: quoted.name, context };
      }
    }
    const results = res.disclosures.map((disc) => ({ disc, got: answerOne(q, disc, topic) }));
    // "截至2024年8月底": only a figure printed as of that date answers, in whichever document.
    if (q.date) {
      const date = dateKey(q.date);
      // The whole sentence counts: a quote trimmed to the figure's clause may leave its date out.
      // A date printed once for a run of sentences ("截止2022年12月31日，本部门流动资产…。固定资产
      // 3149.52万元"): a sentence printing no date of its own is as of the nearest one before it
      // under the same heading.
      const printedWith = (it: AnswerItem) => {
        const d = byId.get(it.doc);
        const span = it.span ?? [0, 0];
        const sentences = d?.model.sentences ?? [];
        const i = sentences.findIndex((x) => x.span[0] <= span[0] && span[1] <= x.span[1]);
        if (i < 0) return dateKey(it.quote).includes(date);
        for (let j = i; j >= 0 && sentences[j]!.section === sentences[i]!.section; j--) {
          const printed = dateKey(d!.model.text.slice(sentences[j]!.span[0], sentences[j]!.span[1]));
          if (printed.includes(date)) return true;
          if (DATED.test(printed)) return false;
        }
        return false;
      };
      for (const r of results) if (r.got) r.got = { ...r.got, items: r.got.items.filter(printedWith) };
    }
    const hits = results.filter((r) => r.got && r.got.items.length);
    if (!hits.length) {
      // Words that name no metric and match no figure ("万人助万企活动"): the passages that hold them.
      if (
        !q.metrics.length &&
        !q.codes.length &&
        q.measure === "value" &&
        (q.operation === "lookup" || q.operation === "search")
      ) {
        const ft = fulltextAnswer(
          res.disclosures.flatMap((x) => x.docs),
          topic,
          q.text,
        );
        if (ft.related?.length) return { ...ft, context };
      }
      return { ...missing(res.disclosures, q, topic), context };
    }
    const label = labelFor(q, topic);
    if (q.operation === "rank" || q.operation === "list" || (!res.named && hits.length > 1)) {
      const rows = hits.filter((h) => h.got!.got).map((h) => ({ disc: h.disc, got: h.got!.got! }));
      if (rows.length) {
        const order = q.operation === "rank" ? (q.direction === "down" ? "min" : "max") : "list";
        return { ...answerMany(rows, label, order), context };
      }
    }
    // More units print it than one reply shows: ask which one (the bot offers them as buttons).
    if (!res.named && hits.length > MAX_LISTED) {
      const choices = hits
        .slice(0, MAX_CHOICES)
        .map((h) => ({ doc: h.disc.docs[0]!.id, label: describeDoc(h.disc.docs[0]!) }));
      return {
        status: "ambiguous",
        answers: [],
        choices,
        reply: replies.askWhich(label, hits.length),
        via: q.operation,
        context,
      };
    }
    const shown = hits.slice(0, MAX_LISTED);
    const answers = shown.flatMap((h) => h.got!.items);
    const reply = shown
      .map((h) => renderDocItems(byId.get(h.got!.items[0]!.doc) ?? h.disc.docs[0]!, h.got!.items))
      .join("\n\n");
    return { status: "answered", answers, reply: reply + note, via: q.operation, context };
  };
}
