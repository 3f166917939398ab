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

export const PERCENT_UNITS = new Set(["%"]);
export const MONEY_UNITS = new Set(["万元", "万", "元", "亿元", "千元"]);

let changeWords: RegExp | null = null;

/**
 * The words of a printed label that make its figure a change (intents/lexicon/answering.yaml
 * `changeWords`), compiled once; set with the answerer's words before any figure is read.
 */
export function useChangeWords(words: string[]): void {
  changeWords = new RegExp(
    [...new Set(words)].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|") || "(?!)",
  );
}

function changeWordsPattern(): RegExp {
  if (!changeWords)
    throw new Error(
      "change words are not loaded: create the answerer with a language from loadLexicon (intents/lexicon/answering.yaml)",
    );
  return changeWords;
}

/** Measure of a printed figure from its local label (text since the previous figure) and unit. */
export function measureOfLabel(
  rawLabel: string,
  unit: string,
  year: number | null,
  previousLabel = "",
): Measure {
  // Names of budget categories are not the word 预算 ("一般公共预算财政拨款支出 3878.84" is an amount).
  const label = rawLabel.replace(
    /(一般公共|政府性基金|国有资本经营|社会保险基金|部门|单位|财政)预算|预算(单位|管理|编制|公开|绩效)/g,
    "",
  );
  // "比年初预算数 28.39 万元减少 20 万元": the comparison is printed before the previous figure.
  const comparedTo = /^[，,]?(增加|减少|增长|下降|上升|降低|节约|超支)/.test(label)
    ? previousLabel + label
    : label;
  const againstBudget = /(比|较|与)(年初|全年|调整后)?预算/.test(comparedTo);
  const change = changeWordsPattern();
  if (againstBudget && change.test(label)) return "预算差额";
  if (PERCENT_UNITS.has(unit)) {
    if (/完成|执行率|执行进度/.test(label)) return "完成率";
    if (change.test(label)) return "增长率";
    if (/占/.test(label)) return "占比";
    return "比率";
  }
  if (!MONEY_UNITS.has(unit)) return "value";
  if (change.test(label.replace(/与.{0,8}相比|比.{0,6}(年|数)/g, "")) || /(增加|减少|增长|下降)$/.test(label))
    return "增减额";
  const priorYear = year ? new RegExp(`${year - 1}年`) : /(?!)/;
  if (/上年|去年|上一年|上年度/.test(label) || priorYear.test(label)) return "上年数";
  if (/决算|实际|执行数|支出数|完成数/.test(label)) return "决算数";
  if (/预算|年初|安排|计划/.test(label)) return "预算数";
  return "value";
}
