import { isFinalKind } from "../ingest/index.js";
import type { LoadedDoc } from "../answer/answer.js";
import type { Query } from "../query/types.js";
import type { OrgRules } from "../lexicon/schema.js";
import { inOrder } from "../lexicon/pattern.js";

/** A unit named in a question, as the names matcher finds it. */
export interface UnitMention {
  id: string;
  start: number;
  end: number;
  form: string;
}

/** Finds unit mentions in a normalised question (see src/names). */
export type UnitMatcher = (text: string) => UnitMention[];

/**
 * One disclosure: the documents a unit published for one year and kind. An explanation and its
 * table file ("公开表附后") are two documents of one disclosure and are answered as one. Shared
 * between questions (grouping the same documents again gives the same object): never modified.
 */
export interface Disclosure {
  readonly docs: LoadedDoc[];
  readonly unit: string | null;
  readonly year: number | null;
  readonly kind: string;
}

export type Resolution =
  | {
      ok: true;
      disclosures: Disclosure[];
      /** Whether the question named the unit (else every disclosure is a candidate). */
      named: boolean;
      /** The query's remaining words once the unit's name is taken out: the item asked for. */
      topic: string;
      /** The year the answer is for, once relative years are resolved. */
      year: number | null;
    }
  | { ok: false; problem: "unknown_unit" | "no_year"; mention: string; have: Disclosure[] };

interface UnitWords {
  /** Organisation words that end a unit's name: a question word ending so names a unit. */
  mention: RegExp;
  /** A mention that names no particular unit (本局, 各部门). */
  notMention: RegExp;
  /** The party prefix a unit's name may be printed with or without. */
  party: RegExp;
}

let unitWords: UnitWords | null = null;

/**
 * Compiles the organisation words resolving reads (intents/lexicon/orgs.yaml: mentionSuffixes,
 * notMentionOpeners, prefixes); set by the answerer from its language before any question.
 */
export function useUnitWords(orgs: OrgRules): void {
  unitWords = {
    mention: new RegExp(`^[\\u4e00-\\u9fa5]{1,10}?(?:${inOrder(orgs.mentionSuffixes)})(?=[\\u4e00-\\u9fa5])`),
    notMention: new RegExp(`^(${inOrder(orgs.notMentionOpeners)})`),
    party: new RegExp(`^(${inOrder(orgs.prefixes)})`),
  };
}

function words(): UnitWords {
  if (!unitWords)
    throw new Error("unit words are not loaded: create the answerer with a language from loadLexicon");
  return unitWords;
}
const bareNames = new WeakMap<LoadedDoc, string>();
/** The unit's name with the party prefix and 委员会 → 委 folded (made once per document). */
const bareName = (d: LoadedDoc) => {
  let name = bareNames.get(d);
  if (name === undefined)
    bareNames.set(d, (name = (d.meta.unit ?? "").replace(words().party, "").replace(/委员会/g, "委")));
  return name;
};

/**
 * The documents of the same units as `ids`: one body may print its name differently from one year
 * or file to the next (江苏省委办公厅 / 中共江苏省委办公厅 / 中国共产党江苏省委员会办公厅). Same place,
 * and one name contained in the other once the party prefix and 委员会 → 委 are folded.
 */
export function sameUnits(ids: Set<string>, docs: LoadedDoc[]): Set<string> {
  const named = docs
    .filter((d) => ids.has(d.id))
    .map((n) => ({ name: bareName(n), region: n.meta.region ?? "" }))
    .filter((n) => n.name);
  const out = new Set(ids);
  if (!named.length) return out;
  for (const d of docs) {
    if (out.has(d.id) || !d.meta.unit) continue;
    const a = bareName(d);
    const region = d.meta.region ?? "";
    if (named.some((n) => n.region === region && (a.includes(n.name) || n.name.includes(a)))) out.add(d.id);
  }
  return out;
}

const scopeOf = (d: LoadedDoc) => (d.meta.kind.startsWith("单位") ? "单位" : "部门");
const stageOf = (d: LoadedDoc) => (isFinalKind(d.meta.kind) ? "决算" : "预算");

/** Year and kind of a document, as a grouping key (made once per document). */
const yearKinds = new WeakMap<LoadedDoc, string>();
const yearKindOf = (d: LoadedDoc) => {
  let k = yearKinds.get(d);
  if (k === undefined) yearKinds.set(d, (k = `${d.meta.year}|${d.meta.kind}`));
  return k;
};

/**
 * The disclosures grouped last by each key: a question over every unit groups the same documents
 * again, and the same disclosure object lets answers memoised for it be found again.
 */
const grouped = new Map<string, Disclosure>();
const MAX_GROUPED = 20_000;
const sameDocs = (a: LoadedDoc[], b: LoadedDoc[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Groups documents of one unit (or of one unit's mention) by year and kind. */
function group(docs: LoadedDoc[], key: (d: LoadedDoc) => string): Disclosure[] {
  const by = new Map<string, LoadedDoc[]>();
  for (const d of docs) {
    const k = `${key(d)}|${yearKindOf(d)}`;
    const list = by.get(k);
    if (list) list.push(d);
    else by.set(k, [d]);
  }
  return [...by].map(([k, ds]) => {
    const known = grouped.get(k);
    if (known && sameDocs(known.docs, ds)) return known;
    const disclosure: Disclosure = {
      docs: ds,
      unit: ds.find((d) => d.meta.unit)?.meta.unit ?? null,
      year: ds[0]!.meta.year,
      kind: ds[0]!.meta.kind,
    };
    if (grouped.size >= MAX_GROUPED) grouped.clear();
    grouped.set(k, disclosure);
    return disclosure;
  });
}

/**
 * Which documents a query is about: the units it names (or all), the year (absolute, or relative
 * to that unit's newest document), 部门 vs 单位 (本级), budget vs final account. The unit's name is
 * consumed: it is never searched for as the item.
 */
export function resolve(q: Query, docs: LoadedDoc[], match: UnitMatcher, chosen = false): Resolution {
  const mentions = match(q.text);
  let topic = q.rest;
  let named = chosen;
  let pool = docs;
  if (mentions.length) {
    named = true;
    const ids = sameUnits(new Set(mentions.map((m) => m.id)), docs);
    // Documents already chosen (a button, a follow-up) stay chosen; the name is still consumed.
    if (!chosen) pool = docs.filter((d) => ids.has(d.id));
    for (const m of [...mentions].sort((a, b) => b.end - b.start - (a.end - a.start))) {
      const written = q.text.slice(m.start, m.end);
      topic = topic.split(written).join("");
    }
  } else if (!chosen) {
    const unknown = words().mention.exec(q.rest);
    if (unknown && !words().notMention.test(unknown[0])) {
      return { ok: false, problem: "unknown_unit", mention: unknown[0], have: group(docs, () => "") };
    }
  }

  let year = q.year;
  if (year === null && q.relativeYear !== null) {
    // 今年/去年 are read against the unit's own newest document, not the whole collection's.
    const years = pool.map((d) => d.meta.year).filter((y): y is number => y !== null);
    if (years.length) year = Math.max(...years) + q.relativeYear;
  }
  if (year !== null) {
    const same = pool.filter((d) => d.meta.year === year);
    if (!same.length) {
      return {
        ok: false,
        problem: "no_year",
        mention: `${year}年`,
        have: group(pool, (d) => d.meta.unit ?? d.id),
      };
    }
    pool = same;
  }
  if (q.scope) {
    const scoped = pool.filter((d) => scopeOf(d) === q.scope);
    if (scoped.length) pool = scoped;
  }
  if (q.stage && q.measure !== "预算差额") {
    const staged = pool.filter((d) => stageOf(d) === q.stage);
    if (staged.length) pool = staged;
  }
  // Named: the documents one mention found are one unit; unnamed: each unit on its own.
  const disclosures = group(pool, (d) => (named ? "" : (d.meta.unit ?? d.id)));
  return { ok: true, disclosures, named, topic, year };
}
