import type { Measure } from "../facts/measure.js";

/** What kind of number the question asks for. */
export type Quantity = "money" | "count" | "percent" | "score" | "any";

/** What to do with the figures found. */
export type Operation =
  | "lookup" // one figure
  | "sum" // A 加 B / A和B一共
  | "difference" // A和B相差多少 / A比B多多少
  | "share" // A占B的比例
  | "rank" // 哪个单位…最多/最少
  | "list" // 各单位… / 哪些单位…
  | "explain" // 为什么… / 原因 (a figure may be asked too: "为什么增加？增加了多少")
  | "search"; // nothing structured: full text

/** A metric of the lexicon found in the question. */
export interface MetricMention {
  /** Lexicon name ("公务接待费"). */
  name: string;
  /** The words as written in the (normalised) question ("招待费"). */
  text: string;
  /** Offsets in `Query.text`. */
  start: number;
  end: number;
  /** How documents print it (normalised labels), most specific first. */
  terms: string[];
  quantity: Quantity;
  /** figure, or a quoted definition / section (名词解释, 部门职责): from the lexicon. */
  answer: "figure" | "definition" | "section";
}

/** A question, parsed without looking at any document (pure: see parse.ts). */
export interface Query {
  /** The question as asked. */
  original: string;
  /** Normalised: half width, simplified, no zero-width/control characters, no spaces. */
  text: string;
  /** Fiscal year of the document asked about ("2017年", "17年", "二〇一七年"), absolute. */
  year: number | null;
  /** 今年 = 0, 去年/上年 = -1, 前年 = -2, when no absolute year is given; resolved per unit. */
  relativeYear: number | null;
  /** A year the figure is compared with ("比2016年增加多少"): never the document's year. */
  compareYear: number | null;
  /** Every absolute year written in the question, in order (document and comparison years). */
  years: number[];
  /**
   * A date inside a document ("截至2024年8月底" → "2024年8月"): the figure is the one printed as of
   * that date, in whichever year's document prints it.
   */
  date?: string;
  /** 预算 / 决算 asked explicitly (执行数, 实际 → 决算). */
  stage: "预算" | "决算" | null;
  /** 部门预算 (the department with its units) vs 单位预算 / 本级 (the body alone). */
  scope: "部门" | "单位" | null;
  /** The measure asked: the amount itself, its change, growth rate, share, … */
  measure: Measure;
  operation: Operation;
  /** 增加/多 vs 减少/少, when the question says which way. */
  direction: "up" | "down" | null;
  /** The question asks for a reason as well (为什么/原因/主要用于). */
  reason: boolean;
  /** Kind of number asked: 几辆/多少人 → count; 多少钱/万元 → money; 百分之几/比例 → percent. */
  quantity: Quantity;
  /** Count word asked ("辆", "人", "个"), when quantity is count. */
  countUnit: string | null;
  /** The unit the asker wants money in ("多少万元", "折合多少元"), when said. */
  scale: "万元" | "元" | null;
  /** Metrics of the lexicon, in order of appearance. */
  metrics: MetricMention[];
  /** Subject codes named (3, 5 or 7 digits; "201 06 01" joined). */
  codes: string[];
  /** "X表里的Y" / "X中Y": the container words X (a table or a parent item), when said. */
  container: string | null;
  /**
   * The normalised text with what parsing understood removed (years, fillers, stage, measure and
   * operation words, scale). Unit names are still in it: resolving consumes them.
   */
  rest: string;
}

/** What a follow-up question inherits from the previous one ("那公用经费呢", "去年呢"). */
export type QueryContext = Pick<
  Query,
  "year" | "relativeYear" | "stage" | "scope" | "measure" | "metrics" | "codes" | "rest"
> & { docs: string[] };
