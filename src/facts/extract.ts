import type { DocModel } from "../ingest/index.js";
import { labelKey } from "../ingest/index.js";
import { figurePatterns, measureOfLabel, type Measure } from "./measure.js";
import { templateRowLabel } from "../ingest/table-templates.js";
import { enumeratorLevel } from "../ingest/lines.js";
import { layout } from "../ingest/layout.js";
import { TOTAL_WORD_RE } from "../ingest/table-vocab.js";
import { inOrder } from "../lexicon/pattern.js";

/** A figure printed in the document, with the words that say what it is. */
export interface Fact {
  doc: string;
  source: "text" | "table";
  /** The figure as printed ("0.37", "1.0", "11.09"). */
  value: string;
  unit: string;
  /** Local label key: text since the previous figure (text facts) or the row label (tables). */
  label: string;
  /** Key of the sentence up to the figure: the subject a local label may leave implicit. */
  context: string;
  /** Text facts: the words right after the figure up to the next punctuation ("0个 项目实行绩效目标管理"). */
  after?: string;
  /** Text facts: the subject carried over from the previous sentence when this one continues it. */
  subject?: string;
  /**
   * Text facts: the unnumbered title over the numbered headings the sentence sits under (a
   * project's explanation, "科技创新专项经费情况说明"): what a figure there is about.
   */
  project?: string;
  measure: Measure;
  /** Original-text span of the quote (sentence, or table row). */
  quote: [number, number];
  /** Section heading path or table title. */
  where: string;
  /** Table facts: subject code, column path, table title. */
  code?: string;
  column?: string | null;
  table?: string;
  /** Position in the document, to prefer the first statement. */
  order: number;
  /** Table facts: index of the figure among the row's figures (0 = the 合计/first column). */
  colIndex?: number;
  /** labelKey of `column` and of `where`, made once: every question compares them. */
  columnKey: string;
  whereKey: string;
}

const ANY_BRACKET = /[（()）]/;
const HAS_DIGIT = /\d/;

/** Removes (nested) parenthesised asides, innermost first. */
function withoutAsides(s: string): string {
  if (!ANY_BRACKET.test(s)) return s;
  let prev = "";
  while (prev !== s) {
    prev = s;
    // Short asides are part of a name ("因公出国（境）费", "（项）"): only longer ones go.
    s = s.replace(/（[^（）()]{4,}）|\([^（）()]{4,}\)/g, "");
    // A short aside inside a long one ("(其中：…维修(护)费 2 万…)"): its brackets go, its words stay.
    s = s.replace(/[（(]([^（）()]{1,3})[）)](?=[^（）()]*[）)])/g, "$1");
  }
  return s;
}

/** A figure printed in running text with its unit (intents/lexicon/answering.yaml figureUnits). */
const figureRe = () => figurePatterns().figure;

/**
 * A bracketed "(01项)": a level of a subject code printed in words, not a count of 项 — printed
 * zero-padded as codes are, or after a bracketed "(06款)".
 */
function isCodeLevel(text: string, at: number, match: string): boolean {
  const end = at + match.length;
  return (
    /^\d+\s?项$/.test(match) &&
    /[(（]$/.test(text.slice(0, at)) &&
    /^[)）]/.test(text.slice(end)) &&
    (/^0\d/.test(match) || /[(（]\d+款[)）]/.test(text.slice(0, at)))
  );
}

const cacheKey = (cache: Map<string, string>, s: string) => {
  const key = labelKey(s);
  cache.set(s, key);
  return key;
};

/**
 * What a sentence is about, for the next one that continues it: the words before its first figure
 * (nearest last: "2018年省检察院…单位预留机动经费预算数为"), or its opening words when it prints none.
 */
function subjectOf(sentence: string): string {
  const at = sentence.search(figureRe());
  return at > 0 ? labelKey(sentence.slice(0, at)).slice(-24) : labelKey(sentence).slice(0, 24);
}

export function sentenceFacts(model: DocModel): Fact[] {
  const facts: Fact[] = [];
  const year = model.meta.year;
  const whereKeys = new Map<string, string>();
  /**
   * A sentence that opens with a comparison ("与上年相比增加480万元") continues the subject of the
   * previous one, which that sentence names first ("项目支出预算数为6333.96万元。").
   */
  const opensWithComparison = figurePatterns().subjectContinues;
  const figure = figureRe();
  // Where a section's sentences sit and the project they are about: made once per section.
  const sectionInfo = new Map<number, { where: string; whereKey: string; project: string }>();
  const infoOf = (section: number) => {
    let info = sectionInfo.get(section);
    if (!info) {
      const path = section >= 0 ? (model.sections[section]?.path ?? []) : [];
      const where = path.join(" › ");
      // Every heading is numbered or a part, but the title of a project's explanation.
      const root = path[0] ?? "";
      const project = root && enumeratorLevel(root) < 0 && !/^第.{1,3}部分/.test(root) ? labelKey(root) : "";
      info = { where, whereKey: whereKeys.get(where) ?? cacheKey(whereKeys, where), project };
      sectionInfo.set(section, info);
    }
    return info;
  };
  /**
   * The subject a continuing sentence carries: the previous sentence's; when that one prints no
   * figure ("…普法宣传（05项）124.29万元。主要用于：法制宣传工作支出。2025年当年预算执行数为…"),
   * also the subject of the one before it under the same heading, which named the item (its
   * last level: "公共安全支出（204类）司法（06款）普法宣传（05项）" names 普法宣传, not every 公共安全支出).
   */
  const subjectBefore = (si: number) => {
    const prev = model.sentences[si - 1];
    if (!prev) return "";
    const own = subjectOf(prev.text);
    const earlier = model.sentences[si - 2];
    return prev.text.search(figure) < 0 &&
      earlier &&
      earlier.section === prev.section &&
      earlier.text.search(figure) >= 0
      ? subjectOf(earlier.text.replace(/^.*[类款][)）]/, "")) + own
      : own;
  };
  model.sentences.forEach((s, si) => {
    // Every figure has a digit: a sentence without one has nothing to read (most headings and prose).
    if (!HAS_DIGIT.test(s.text)) return;
    let before: string | null = null;
    let prevEnd = 0;
    let previousLabel = "";
    for (const m of s.text.matchAll(figure)) {
      const at = m.index ?? 0;
      const value = m[1]!;
      const unit = m[2]!;
      // "公共安全支出（204类）司法（06款）行政运行（01项）": the 项 level of a subject code, not a count.
      if (isCodeLevel(s.text, at, m[0])) continue;
      before ??= opensWithComparison.test(labelKey(s.text)) ? subjectBefore(si) : "";
      const { where, whereKey, project } = infoOf(s.section);
      // "2022年" is a date, "1." an enumerator: neither is a figure (the unit list has no 年).
      const rawLabel = s.text.slice(prevEnd, at);
      const end = at + m[0].length;
      prevEnd = end;
      // "比2022年（上一年度，下同）预算增加": an aside holding a comma would cut the clause at its comma.
      const label = labelKey(
        rawLabel.replace(/^[，,；;。、：:）)\s]+/, "").replace(/[（(][^（）()]*[，,][^（）()]*[）)]/g, ""),
      );
      facts.push({
        doc: model.id,
        source: "text",
        value,
        unit,
        label,
        // Parenthesised asides ("（其中：办公费 6 万…）") do not move the subject away.
        context: before + labelKey(withoutAsides(s.text.slice(0, at))),
        ...(before ? { subject: before } : {}),
        ...(project ? { project } : {}),
        measure: measureOfLabel(label, unit, year, previousLabel),
        quote: s.span,
        where,
        order: si,
        columnKey: "",
        // The words after the figure up to the next punctuation, at most 24 characters.
        after: labelKey(s.text.slice(end, end + 24).split(/[，,；;。：:（(、\d]/)[0]!),
        whereKey,
      });
      previousLabel = label;
    }
  });
  return facts;
}

/**
 * What a table column measures, from its header path: a prior year's column ("2016年预算数",
 * "上年预算数") is 上年数, a change column 增减额/增长率, else 决算数/预算数 by its words.
 */
export function columnMeasure(column: string, year: number | null): Measure {
  // The header words: intents/lexicon/answering.yaml (priorYearWords, columns).
  const w = figurePatterns();
  const years = [...column.matchAll(/(20\d\d)年/g)].map((m) => Number(m[1]));
  if (w.priorYear.test(column) || (year !== null && years.length && years.every((y) => y < year)))
    return "上年数";
  if (w.rateColumn.test(column)) return "增长率";
  if (w.changeColumn.test(column)) return "增减额";
  if (w.actualColumn.test(column)) return "决算数";
  if (w.budgetColumn.test(column)) return "预算数";
  return "value";
}

/** Header levels that say which measure a column is, not what it counts (layout.yaml measureLevels). */
const MEASURE_LEVEL = new RegExp(`^(20\\d\\d年度?)?(${inOrder(layout.measureLevels)})$`);

/**
 * The label of a figure in a row that prints none (the one-row 三公 form): its column path without
 * the measure level ("预算数 › “三公”经费 › 小计" → 三公经费小计). A bare total column is the total of
 * what the table covers ("合计" of the 三公经费、会议费、培训费 table), not of its first item.
 */
function unlabelledRowLabel(title: string, column: string | null): string {
  const path = (column ?? "")
    .split(" › ")
    .map(labelKey)
    .filter((p) => p && !MEASURE_LEVEL.test(p))
    .join("");
  if (path && !TOTAL_WORD_RE.test(path)) return path;
  const subject = labelKey(title)
    .replace(/^(公开)?\d{1,2}表|^表[一二三四五六七八九十\d]+/, "")
    .replace(/(支出)?(预算|决算)?(情况)?(明细)?表$/, "")
    .replace(/^一般公共预算/, "");
  return labelKey(subject || (templateRowLabel(title) ?? "")) + path;
}

export function tableFacts(model: DocModel): Fact[] {
  const facts: Fact[] = [];
  let order = 100_000;
  for (const t of model.tables) {
    if (!t.present) continue;
    const unit = t.unit ?? "万元";
    // What every cell of the table shares, and each column's key and measure, made once.
    const where = [t.number, t.title].filter(Boolean).join(" ");
    const whereKey = labelKey(where);
    const context = labelKey(t.title);
    const columns = new Map<string, { key: string; measure: Measure }>();
    const columnOf = (name: string | null) => {
      let c = columns.get(name ?? "");
      if (!c) {
        c = { key: name ? labelKey(name) : "", measure: columnMeasure(name ?? "", model.meta.year) };
        columns.set(name ?? "", c);
      }
      return c;
    };
    for (const row of t.rows) {
      order++;
      const figures = row.cells.filter((c) => c.column !== "行次");
      const rowLabel = row.label ? labelKey(row.label) : "";
      figures.forEach((cell, i) => {
        // Blank cells are kept (value "") so an answer can say the cell is blank rather than 0.
        if (cell.value === null && cell.text !== "") return;
        // An unlabelled row's figure under no known column says nothing of what it is.
        if (!row.label && !row.code && !cell.column) return;
        // An unlabelled row under a known template: the column path names the figure.
        const label = row.label ? rowLabel : unlabelledRowLabel(t.title, cell.column);
        const column = cell.column ?? (i === 0 ? null : `第${i + 1}列`);
        const colMeasure = columnOf(cell.column).measure;
        facts.push({
          doc: model.id,
          source: "table",
          value: cell.text,
          unit,
          label,
          context,
          measure: colMeasure,
          quote: row.label ? [row.span[0], cell.span[1]] : row.span,
          where,
          code: row.code ?? undefined,
          column,
          columnKey: column === cell.column ? columnOf(column).key : column ? labelKey(column) : "",
          whereKey,
          table: t.title,
          order: order + i / 100,
          colIndex: i,
        });
      });
    }
  }
  return facts;
}
