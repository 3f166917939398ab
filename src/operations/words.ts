import { useFigureWords } from "../facts/measure.js";
import type { AnsweringWords } from "../lexicon/index.js";
import { escapeWord, inOrder, longestFirst } from "../lexicon/pattern.js";

/**
 * The lexicon's answering words (intents/lexicon/answering.yaml), compiled once into the patterns
 * the operations compare labels with. Set by the answerer from its language before any question.
 */
export interface AnsweringPatterns {
  /** How or where a figure is stated (global: every occurrence is taken out). */
  connectors: RegExp;
  /** Words (with particles) that name no item on their own, whole. */
  bare: RegExp;
  /** Words joining the parts of a sum or a comparison. */
  joiners: RegExp;
  /** How a document introduces the reason for a change. */
  reasons: RegExp;
  /** Words at the start of an item (one or more, tried in the order written). */
  itemOpeners: RegExp;
  /** Question particles and linking words at the end of an item. */
  itemClosers: RegExp;
  /** Particles taken out anywhere in an item (global). */
  itemDropped: RegExp;
  /** Words linking a level to the item inside it, between two names (global). */
  itemLinks: RegExp;
  /** A sentence stating the document has none of something ("无", "未发生"). */
  statedNone: RegExp;
  /** Units of printed counts. */
  countUnits: ReadonlySet<string>;
  /** The printed units that answer an asked count word (the word itself when not listed). */
  sameCount: (countUnit: string) => readonly string[];
  /** A printed change that says a decrease. */
  down: RegExp;
  /** An item's ending asking for its total (printed as its 合计). */
  totalEnding: RegExp;
  /** A generic ending an item may be printed without. */
  itemEnding: RegExp;
  /** A container's own tail (预算表, 里): its stage word, then its marker, both optional. */
  containerTail: RegExp;
  /** Only a container marker ("中", "里的"): the words between a whole and its part ("政府采购中服务类"). */
  containerBetween: RegExp;
  /** The words splitting the two sides of a difference. */
  differenceSplit: RegExp;
  /** The words closing each part of a share (after an optional 的). */
  shareCloser: RegExp;
  /** The words (or a counted "三项") closing each part of a sum or a difference. */
  partCloser: RegExp;
  /** The particles around the term a definition is asked of (global). */
  definitionParticles: RegExp;
  /** "其中：" opening the parts of a total printed before it (global; spaces may split its characters). */
  partsOpen: RegExp;
  /** Question words that name no topic (a passage holding only these is not related). */
  notTopic: ReadonlySet<string>;
  /** How many 元 each money unit is (moneyUnits). */
  moneyScale: ReadonlyMap<string, number>;
  /** The verbs after a term that open its definition ("…是指"), as an alternation. */
  definitionVerbs: string;
}

/**
 * The stated-"none" cues: a cue inside a longer word that is not a "none" (无效) is not read; one
 * that ends a word asking whether (有无) is not read when that word opens a clause (after anything
 * but a Chinese character).
 */
function statedNonePattern(none: AnsweringWords["statedNone"]): RegExp {
  const cues = [...new Set(none.words)].map((c) => {
    const after = none.notWords.filter((w) => w.startsWith(c) && w !== c).map((w) => w.slice(c.length));
    const before = none.asking.filter((w) => w.endsWith(c) && w !== c).map((w) => w.slice(0, -c.length));
    return (
      (before.length ? `(?<![^\u4e00-\u9fa5](?:${inOrder(before)}))` : "") +
      escapeWord(c) +
      (after.length ? `(?!${inOrder(after)})` : "")
    );
  });
  return new RegExp(cues.join("|") || "(?!)");
}

let current: AnsweringPatterns | null = null;

/** Compiles the answering words; called once per answerer (the same words give the same patterns). */
export function useAnsweringWords(words: AnsweringWords): void {
  const same = new Map(Object.entries(words.sameCount));
  current = {
    // A year ("2017年", "2017年度") says when, not what: a number pattern beside the words.
    connectors: new RegExp(`\\d+年度?|${longestFirst(words.connectors)}`, "g"),
    bare: new RegExp(`^(${longestFirst(words.generic)})?(${longestFirst(words.particles) || "(?!)"})?$`),
    joiners: new RegExp(longestFirst(words.joiners)),
    reasons: new RegExp(longestFirst(words.reasons)),
    itemOpeners: new RegExp(`^(${inOrder(words.itemOpeners)})+`),
    itemClosers: new RegExp(`(${inOrder(words.itemClosers)})+$`),
    itemDropped: new RegExp(inOrder(words.itemDropped), "g"),
    itemLinks: new RegExp(
      `(?<=[\u4e00-\u9fa5]{2})(${inOrder(words.itemLinks) || "(?!)"})(?=[\u4e00-\u9fa5]{2})`,
      "g",
    ),
    statedNone: statedNonePattern(words.statedNone),
    countUnits: new Set(words.countUnits),
    sameCount: (unit) => same.get(unit) ?? [unit],
    down: new RegExp(longestFirst(words.downWords)),
    totalEnding: new RegExp(`(${inOrder(words.totalEndings)})$`),
    itemEnding: new RegExp(`(${inOrder(words.itemEndings)})$`),
    containerTail: new RegExp(`(${inOrder(words.containerEndings)})?(${inOrder(words.containerMarkers)})?$`),
    containerBetween: new RegExp(`^(${inOrder(words.containerMarkers)})的?$`),
    differenceSplit: new RegExp(inOrder(words.differenceSplitters)),
    shareCloser: new RegExp(`(的)?(${inOrder(words.shareClosers)})+$`),
    partCloser: new RegExp(
      `(${inOrder(words.partClosers)}|[一二两三四五六七八九十\\d]+(${inOrder(words.countedParts)}))+$`,
    ),
    definitionParticles: new RegExp(
      `^(?:${inOrder(words.definitionOpeners)})|(?:${inOrder(words.definitionClosers)})$`,
      "g",
    ),
    partsOpen: new RegExp(
      `(?:${[...new Set(words.partsOpeners)].map((w) => [...w].map(escapeWord).join("\\s*")).join("|") || "(?!)"})\\s*[：:，,]\\s*`,
      "g",
    ),
    notTopic: new Set(words.notTopic),
    moneyScale: new Map(Object.entries(words.moneyUnits)),
    definitionVerbs: inOrder(words.definitionVerbs),
  };
  useFigureWords(words);
}

/** The compiled answering patterns; a clear error when no lexicon was given to the answerer. */
export function answeringPatterns(): AnsweringPatterns {
  if (!current)
    throw new Error(
      "answering words are not loaded: create the answerer with a language from loadLexicon (intents/lexicon/answering.yaml)",
    );
  return current;
}
