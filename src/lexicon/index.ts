import { existsSync, readFileSync, readdirSync } from "node:fs";
import { extname, join } from "node:path";
import { load, CORE_SCHEMA } from "js-yaml";
import type { Measure } from "../facts/measure.js";
import { loadIntents } from "../intents/index.js";
import type { Quantity } from "../query/types.js";
import { wordKey } from "../query/normalize.js";
import { WordFileSchema, type AnsweringWords, type OrgRules, type WordGroup } from "./schema.js";

/** YAML 1.2 core types only: "2023-01-01" stays a string, as in JSON. */
const parseYaml = (text: string): unknown => load(text, { schema: CORE_SCHEMA });

export type { AnsweringWords, OrgRules, WordGroup } from "./schema.js";

/** A metric of the lexicon (from the intent files `intents/*.yaml`). */
export interface LexiconMetric {
  /** Name shown in answers ("公务接待费"). */
  name: string;
  /** Question words that name it, as match keys (normalised, no brackets or quotes). */
  triggers: string[];
  /** How documents print it (normalised labels), most specific first. */
  terms: string[];
  quantity: Quantity;
  /** Measure read when the question does not say (预算执行率 → 完成率). */
  measure?: Measure;
  /** Count word of a count metric ("辆", "人", "个"). */
  countUnit?: string;
  /** figure, or a quoted definition / section. */
  answer: "figure" | "definition" | "section";
  file: string;
}

/** What a lexicon word says about a question: its group's fields without the word list. */
export type WordEffects = Omit<WordGroup, "words">;

/** One entry of the compiled matcher: a word with its metric and/or effects. */
export interface LexiconEntry {
  /** The word as matched (match key). */
  word: string;
  metric?: LexiconMetric;
  effects: WordEffects;
  /** Stays in `rest`: metric words and guarded domain words. */
  keep: boolean;
  /** A guard: a domain word that only blocks shorter words. */
  guard: boolean;
}

/** A match of a lexicon entry in a key (offsets in the key). */
export interface LexiconMatch {
  entry: LexiconEntry;
  start: number;
  end: number;
}

interface TrieNode {
  next: Map<string, TrieNode>;
  entry?: LexiconEntry;
}

/** The compiled lexicon: metrics, words and the organisation-name rules, with one matcher. */
export interface Lexicon {
  metrics: LexiconMetric[];
  entries: LexiconEntry[];
  /** Words a single-character container marker (里, 中) must follow. */
  containerHeads: string[];
  /** Generic metric words (支出, 收入) that are not a metric at the end of a longer label. */
  tails: string[];
  orgs: OrgRules;
  /** Words the answering compares printed labels with (connectors, generic words, joiners…). */
  answering: AnsweringWords;
  /** Every entry found in `key` (overlaps included), by start then length. */
  matchAll(key: string): LexiconMatch[];
  /**
   * Non-overlapping entries, longest first (ties: earlier first), returned in text order. Spans in
   * `blocked` (years, codes) are not matched.
   */
  segment(key: string, blocked?: Array<[number, number]>): LexiconMatch[];
}

/** An invalid lexicon file: the message names the file and the field. */
export class LexiconFileError extends Error {}

const EFFECT_KEYS = [
  "stage",
  "scope",
  "measure",
  "direction",
  "operation",
  "weak",
  "reason",
  "relativeYear",
  "compare",
  "change",
  "ask",
  "quantity",
  "countUnit",
  "scale",
  "share",
  "join",
  "container",
  "codePrefix",
  "at",
  "bracketed",
  "keep",
] as const;

function readData(path: string): unknown {
  try {
    const text = readFileSync(path, "utf8");
    return extname(path) === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new LexiconFileError(`lexicon file ${path}: cannot parse: ${(err as Error).message}`);
  }
}

const cache = new Map<string, Lexicon>();

/**
 * Loads and compiles the lexicon of a folder: the metrics of its intent files (`*.yaml`, read by
 * the intent loader) and the words and name rules of `lexicon/*.yaml`. Cached per folder.
 */
export function loadLexicon(dir = "intents"): Lexicon {
  const hit = cache.get(dir);
  if (hit) return hit;
  const metrics: LexiconMetric[] = loadIntents(dir)
    .filter((i) => i.answer !== "reason")
    .map((i) => ({
      name: i.name,
      triggers: [...new Set(i.triggers.map(wordKey))].filter(Boolean),
      terms: i.terms,
      quantity: i.unit,
      measure: i.measure,
      countUnit: i.count,
      answer: i.answer === "reason" ? "figure" : i.answer,
      file: i.file,
    }));
  const lexDir = join(dir, "lexicon");
  if (!existsSync(lexDir)) throw new LexiconFileError(`lexicon folder ${lexDir} is missing`);
  const groups: Array<{ group: WordGroup; file: string }> = [];
  const heads: string[] = [];
  const tails: string[] = [];
  let orgs: OrgRules | null = null;
  let answering: AnsweringWords | null = null;
  for (const f of readdirSync(lexDir)
    .filter((n) => [".yaml", ".yml", ".json"].includes(extname(n)))
    .sort()) {
    const path = join(lexDir, f);
    const parsed = WordFileSchema.safeParse(readData(path));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new LexiconFileError(`lexicon file ${path}: field "${issue.path.join(".")}": ${issue.message}`);
    }
    for (const g of parsed.data.words ?? []) groups.push({ group: g, file: f });
    heads.push(...(parsed.data.containerHeads ?? []));
    tails.push(...(parsed.data.tails ?? []));
    if (parsed.data.answering) {
      if (answering) throw new LexiconFileError(`lexicon file ${path}: field "answering": defined twice`);
      answering = parsed.data.answering;
    }
    if (parsed.data.orgs) {
      if (orgs) throw new LexiconFileError(`lexicon file ${path}: field "orgs": defined twice`);
      orgs = parsed.data.orgs;
    }
  }
  if (!orgs) throw new LexiconFileError(`lexicon folder ${lexDir}: no file defines "orgs"`);
  if (!answering) throw new LexiconFileError(`lexicon folder ${lexDir}: no file defines "answering"`);
  const lexicon = compileLexicon(metrics, groups, heads.map(wordKey), orgs, tails.map(wordKey), answering);
  cache.set(dir, lexicon);
  return lexicon;
}

/** No answering words: a lexicon compiled for the parser alone. */
const NO_ANSWERING_WORDS: AnsweringWords = {
  moneyUnits: { 元: 1, 万元: 10_000 },
  percentUnits: ["%"],
  numberUnits: [],
  numberUnitGuards: [],
  yearSpanOpeners: [],
  followUpOpeners: [],
  followUpClosers: [],
  connectors: [],
  generic: [],
  particles: [],
  joiners: [],
  reasons: [],
  itemOpeners: [],
  itemClosers: [],
  itemDropped: [],
  itemLinks: [],
  statedNone: { words: [], notWords: [], asking: [] },
  countUnits: [],
  sameCount: {},
  changeWords: [],
  downWords: [],
  budgetNames: [],
  budgetComparisons: [],
  subjectContinuations: [],
  changeOpeners: [],
  changeEndings: [],
  completionWords: [],
  priorYearWords: [],
  actualWords: [],
  budgetWords: [],
  columns: { rate: [], change: [], actual: [], actualStarts: [], budget: [], budgetStarts: [] },
  totalEndings: [],
  itemEndings: [],
  containerEndings: [],
  containerMarkers: [],
  differenceSplitters: [],
  shareClosers: [],
  partClosers: [],
  countedParts: [],
  definitionOpeners: [],
  definitionClosers: [],
  figureUnits: [],
  figureUnitsAlone: [],
  partsOpeners: [],
  notTopic: [],
  definitionVerbs: [],
};

/** Builds the matcher from metrics and word groups (exported for tests with small lexicons). */
export function compileLexicon(
  metrics: LexiconMetric[],
  groups: Array<{ group: WordGroup; file: string }>,
  containerHeads: string[],
  orgs: OrgRules,
  tails: string[] = [],
  answering: AnsweringWords = NO_ANSWERING_WORDS,
): Lexicon {
  const byWord = new Map<string, LexiconEntry>();
  const entryOf = (word: string): LexiconEntry => {
    let e = byWord.get(word);
    if (!e) {
      e = { word, effects: {}, keep: false, guard: false };
      byWord.set(word, e);
    }
    return e;
  };
  const firstFile = new Map<string, string>();
  for (const { group, file } of groups) {
    for (const raw of group.words) {
      const word = wordKey(raw);
      if (!word) continue;
      if (!firstFile.has(word)) firstFile.set(word, file);
      const e = entryOf(word);
      const effects = e.effects as Record<string, unknown>;
      for (const k of EFFECT_KEYS) {
        const v = group[k];
        if (v === undefined) continue;
        if (effects[k] !== undefined && effects[k] !== v && k !== "keep") {
          throw new LexiconFileError(
            `lexicon file ${file}: word "${raw}": field "${k}" is ${String(v)} here but ${String(effects[k])} in ${firstFile.get(word)}`,
          );
        }
        effects[k] = v;
      }
    }
  }
  for (const e of byWord.values()) {
    const keys = Object.keys(e.effects).filter((k) => k !== "keep");
    e.guard = keys.length === 0 && e.effects.keep === true;
    e.keep = e.effects.keep === true;
  }
  for (const m of metrics) {
    for (const t of m.triggers) {
      const e = entryOf(t);
      // Two metrics with one trigger: the first file (sorted) keeps it.
      if (!e.metric) e.metric = m;
      e.keep = true;
      e.guard = false;
    }
  }
  const root: TrieNode = { next: new Map() };
  for (const e of byWord.values()) {
    let node = root;
    for (const ch of e.word) {
      let n = node.next.get(ch);
      if (!n) {
        n = { next: new Map() };
        node.next.set(ch, n);
      }
      node = n;
    }
    node.entry = e;
  }
  const matchAll = (key: string): LexiconMatch[] => {
    const out: LexiconMatch[] = [];
    for (let i = 0; i < key.length; i++) {
      let node: TrieNode | undefined = root;
      for (let j = i; j < key.length && node; j++) {
        node = node.next.get(key[j]!);
        if (node?.entry) out.push({ entry: node.entry, start: i, end: j + 1 });
      }
    }
    return out;
  };
  // Ties: a metric, then a word that says something, then a filler.
  const weight = (e: LexiconEntry) =>
    e.metric ? 2 : Object.keys(e.effects).some((k) => k !== "keep" && k !== "at") ? 1 : 0;
  const segment = (key: string, blocked: Array<[number, number]> = []): LexiconMatch[] => {
    const taken = new Uint8Array(key.length);
    for (const [s, e] of blocked) for (let i = Math.max(0, s); i < Math.min(e, key.length); i++) taken[i] = 1;
    const all = matchAll(key).sort(
      (a, b) =>
        b.end - b.start - (a.end - a.start) ||
        Number(weight(a.entry) === 0) - Number(weight(b.entry) === 0) ||
        a.start - b.start ||
        weight(b.entry) - weight(a.entry),
    );
    const chosen: LexiconMatch[] = [];
    for (const m of all) {
      let free = true;
      for (let i = m.start; i < m.end; i++) if (taken[i]) free = false;
      if (!free) continue;
      for (let i = m.start; i < m.end; i++) taken[i] = 1;
      chosen.push(m);
    }
    return chosen.sort((a, b) => a.start - b.start);
  };
  return {
    metrics,
    entries: [...byWord.values()],
    containerHeads,
    tails,
    orgs,
    answering,
    matchAll,
    segment,
  };
}

/**
 * Words for jieba's user dictionary from the lexicon: metric names, triggers and printed terms
 * (two characters or more), without duplicates.
 */
export function jiebaUserWords(lexicon: Lexicon): string[] {
  const words = new Set<string>();
  for (const m of lexicon.metrics) {
    for (const w of [wordKey(m.name), ...m.triggers, ...m.terms]) if ([...w].length >= 2) words.add(w);
  }
  for (const e of lexicon.entries) if (e.guard && [...e.word].length >= 2) words.add(e.word);
  return [...words];
}
