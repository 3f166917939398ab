import type { AnsweringWords } from "../lexicon/index.js";

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
}

const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** Longest first, so "预算数" is taken before "预算". */
const alternation = (words: string[]) =>
  [...new Set(words)]
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join("|");

let current: AnsweringPatterns | null = null;

/** Compiles the answering words; called once per answerer (the same words give the same patterns). */
export function useAnsweringWords(words: AnsweringWords): void {
  current = {
    // A year ("2017年", "2017年度") says when, not what: a number pattern beside the words.
    connectors: new RegExp(`\\d+年度?|${alternation(words.connectors)}`, "g"),
    bare: new RegExp(`^(${alternation(words.generic)})?(${alternation(words.particles) || "(?!)"})?$`),
    joiners: new RegExp(alternation(words.joiners)),
    reasons: new RegExp(alternation(words.reasons)),
  };
}

/** The compiled answering patterns; a clear error when no lexicon was given to the answerer. */
export function answeringPatterns(): AnsweringPatterns {
  if (!current)
    throw new Error(
      "answering words are not loaded: create the answerer with a language from loadLexicon (intents/lexicon/answering.yaml)",
    );
  return current;
}
