import { escapeWord, inOrder } from "../lexicon/pattern.js";
import type { AnsweringWords } from "../lexicon/schema.js";
/**
 * What a figure measures, read from the words printed next to it (or asked for in a question):
 * "value" is the amount itself (budget or actual depending on the document); 预算差额 is the
 * actual against the budget ("比年初预算数 28.39 万元减少 20 万元").
 */
export const MEASURES = [
  "value",
  "预算数",
  "决算数",
  "上年数",
  "增减额",
  "增长率",
  "占比",
  "完成率",
  "预算差额",
  "比率",
] as const;
export type Measure = (typeof MEASURES)[number];

/** The words a printed figure's measure is read with (intents/lexicon/answering.yaml). */
export type FigureWords = Pick<
  AnsweringWords,
  | "changeWords"
  | "budgetNames"
  | "budgetComparisons"
  | "changeOpeners"
  | "subjectContinuations"
  | "changeEndings"
  | "completionWords"
  | "priorYearWords"
  | "actualWords"
  | "budgetWords"
  | "columns"
  | "figureUnits"
  | "figureUnitsAlone"
  | "moneyUnits"
  | "percentUnits"
>;

export interface FigurePatterns {
  /** Money units (answering.yaml moneyUnits). */
  moneyUnits: ReadonlySet<string>;
  /** Units of a percentage (answering.yaml percentUnits). */
  percentUnits: ReadonlySet<string>;
  /** A figure printed in running text with its unit (global): the figure, then the unit. */
  figure: RegExp;
  /** Names holding 预算 that are not the stage (global, tried in the order written). */
  budgetNames: RegExp;
  /** A comparison with the budget ("比年初预算"): the change is against the budget. */
  budgetComparison: RegExp;
  /** A change verb opening a label (after a comma). */
  changeOpener: RegExp;
  /** A sentence opening that continues the previous sentence's subject. */
  subjectContinues: RegExp;
  /** A change word anywhere in a label. */
  change: RegExp;
  /** A change verb ending a label. */
  changeEnding: RegExp;
  completion: RegExp;
  priorYear: RegExp;
  actual: RegExp;
  budget: RegExp;
  /** Table column headers: a growth rate, a change, an actual, a budgeted figure. */
  rateColumn: RegExp;
  changeColumn: RegExp;
  actualColumn: RegExp;
  budgetColumn: RegExp;
}

let patterns: FigurePatterns | null = null;

/**
 * Compiles the words a printed figure's measure is read with, once; set with the answerer's words
 * before any figure is read.
 */
export function useFigureWords(words: FigureWords): void {
  // A unit that counts only alone ("5万", not "5万人") is not followed by a Chinese character.
  const units = [...new Set(words.figureUnits)].map(
    (u) => escapeWord(u) + (words.figureUnitsAlone.includes(u) ? "(?![\u4e00-\u9fa5])" : ""),
  );
  patterns = {
    moneyUnits: new Set(Object.keys(words.moneyUnits)),
    percentUnits: new Set(words.percentUnits),
    figure: new RegExp(
      `(?<![\\d.])(-?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?|-?\\d+(?:\\.\\d+)?)\\s?(${units.join("|") || "(?!)"})`,
      "g",
    ),
    budgetNames: new RegExp(inOrder(words.budgetNames), "g"),
    budgetComparison: new RegExp(inOrder(words.budgetComparisons)),
    changeOpener: new RegExp(`^[，,]?(${inOrder(words.changeOpeners)})`),
    // `{year}` (escaped by inOrder) is a printed year.
    subjectContinues: new RegExp(
      `^(${inOrder(words.subjectContinuations).replaceAll("\\{year\\}", "\\d{4}年")})`,
    ),
    change: new RegExp(inOrder(words.changeWords)),
    changeEnding: new RegExp(`(${inOrder(words.changeEndings)})$`),
    completion: new RegExp(inOrder(words.completionWords)),
    priorYear: new RegExp(inOrder(words.priorYearWords)),
    actual: new RegExp(inOrder(words.actualWords)),
    budget: new RegExp(inOrder(words.budgetWords)),
    rateColumn: new RegExp(inOrder(words.columns.rate)),
    changeColumn: new RegExp(inOrder(words.columns.change)),
    actualColumn: new RegExp(`${inOrder(words.columns.actual)}|^(?:${inOrder(words.columns.actualStarts)})`),
    budgetColumn: new RegExp(`${inOrder(words.columns.budget)}|^(?:${inOrder(words.columns.budgetStarts)})`),
  };
}

/** The compiled figure words; a clear error when no lexicon was given to the answerer. */
export function figurePatterns(): FigurePatterns {
  if (!patterns)
    throw new Error(
      "figure words are not loaded: create the answerer with a language from loadLexicon (intents/lexicon/answering.yaml)",
    );
  return patterns;
}

/** Measure of a printed figure from its local label (text since the previous figure) and unit. */
export function measureOfLabel(
  rawLabel: string,
  unit: string,
  year: number | null,
  previousLabel = "",
): Measure {
  const w = figurePatterns();
  const change = w.change;
  // Names of budget categories are not the word 预算 ("一般公共预算财政拨款支出 3878.84" is an amount).
  const label = rawLabel.replace(w.budgetNames, "");
  // "比年初预算数 28.39 万元减少 20 万元": the comparison is printed before the previous figure.
  const comparedTo = w.changeOpener.test(label) ? previousLabel + label : label;
  const againstBudget = w.budgetComparison.test(comparedTo);
  if (againstBudget && change.test(label)) return "预算差额";
  if (w.percentUnits.has(unit)) {
    if (w.completion.test(label)) return "完成率";
    if (change.test(label)) return "增长率";
    if (/占/.test(label)) return "占比";
    return "比率";
  }
  if (!w.moneyUnits.has(unit)) return "value";
  if (change.test(label.replace(/与.{0,8}相比|比.{0,6}(年|数)/g, "")) || w.changeEnding.test(label))
    return "增减额";
  // "截止2022年12月31日，本部门流动资产": a date the figure is as of, not the previous year's figure.
  const priorYear = year ? new RegExp(`${year - 1}年(?!\\d{1,2}月)`) : /(?!)/;
  if (w.priorYear.test(label) || priorYear.test(label)) return "上年数";
  if (w.actual.test(label)) return "决算数";
  if (w.budget.test(label)) return "预算数";
  return "value";
}
