import { inOrder } from "../lexicon/pattern.js";
import { layout } from "./layout.js";
import type { SplitColumnWords } from "../lexicon/schema.js";

/**
 * The words of disclosure tables in one place: how titles, units, headers, totals and parts are
 * printed in the national templates (部门预算/决算公开表). Table reading and the checks use only these.
 * The words are data (intents/lexicon/layout.yaml); these are the patterns made of them, once.
 */

/** A table title: "…表", optionally "(续)" or a parenthetical qualifier "（经济科目）", "(按功能分类)". */
export const TITLE_RE = new RegExp(
  `^(?:[一二三四五六七八九十\\d]{1,3}[、.．]\\s?)?[^，。；：:！？]{2,45}(?:${inOrder(layout.titleEndings)})(?:[(（](?:续|[^()（）]{1,10})[)）])?$`,
);

/** "公开01表", "附表3", "表五", "表 1". */
export const TABLE_NUMBER_RE = /^(?:公开|附)表?\d{1,2}表?$|^表[\d一二三四五六七八九十]{1,3}$/;

/** Titles that name a collection of tables (a cover page or part heading), never one table. */
export const COLLECTION_TITLE_RE = new RegExp(`(?:${inOrder(layout.collectionTitleEndings)})$|^第.{1,3}部分`);

/** A table of contents heading ("目录", "目 录"). */
export const TOC_HEADING_RE = new RegExp(`^(?:${inOrder(layout.tocHeadings)})$`);

/** Unit of the figures: "单位：万元", "金额单位：元". */
export const UNIT_RE = new RegExp(
  `(?:${inOrder(layout.figureUnitLabels)})[:：]\\s*(${inOrder(layout.tableUnits)})`,
);

/** A note under a table. */
export const NOTE_RE = new RegExp(`^(${inOrder(layout.noteOpeners)})\\d?[:：]`);
/** A line opening with a note word ("注", "说明…"), and one opening with it and a colon ("注："). */
export const NOTE_OPENING_RE = new RegExp(`^(${inOrder(layout.noteOpeners)})`);
export const NOTE_LABEL_RE = new RegExp(`^(${inOrder(layout.noteOpeners)})[:：]`);
/** A reference to a table ("详见…表"), not its title. */
export const TABLE_REFERENCE_RE = new RegExp(
  `^(?:${inOrder(layout.tableReferences.opening)})|${inOrder(layout.tableReferences.anywhere)}`,
);

/** A table's note saying it is empty; its lines saying it has none of something. */
const { emptyNote } = layout;
export const EMPTY_NOTE_RE = new RegExp(inOrder(emptyNote.words));
export const EMPTY_LINES_RE = new RegExp(`${inOrder([emptyNote.cue])}.{0,20}(${inOrder(emptyNote.of)})`);

/** Header cells that structure a table but do not name a column of figures. */
export const STRUCTURAL_HEADERS: ReadonlySet<string> = new Set(layout.structuralHeaders);

/** Row labels that total the rows under them. */
export const TOTAL_LABEL_RE = new RegExp(
  `^(?:[一二三四五六七八九十]+、)?(?:${inOrder(layout.totalLabels)})$`,
);
/** A bare total word, the whole label. */
export const TOTAL_WORD_RE = new RegExp(`^(${inOrder(layout.totals)})$`);
/** Column headers of figure columns that are never a row's label on their own: the split's parts. */
const splitParts = (c: SplitColumnWords): string[] =>
  (c.parts ?? []).flatMap((p) => [p.name, ...splitParts(p)]);
export const LATE_HEADER_RE = new RegExp(`^(?:${inOrder(splitParts(layout.expenseSplit))})$`);
/** Header names after a trailing total column that are no figure's column. */
export const NOT_TRAILING_FIGURE_RE = new RegExp(inOrder(layout.notTrailingFigureNames));
/** The header of a first column that is clearly the amount. */
export const AMOUNT_COLUMN_RE = new RegExp(inOrder(layout.amountColumns));
/** Grand totals of the two sides of a 收支总表. */
export const INCOME_TOTAL_RE = /^收入总计$|^收入合计$/;
export const EXPENSE_TOTAL_RE = /^支出总计$|^支出合计$/;

/**
 * An expense total's columns in their print order (national templates): 合计 = 基本支出 + 项目支出,
 * 基本支出 = 人员经费 + 公用经费. A column whose parts are printed is a group header over them.
 */
export type SplitColumn = SplitColumnWords;
export const EXPENSE_SPLIT: SplitColumn = layout.expenseSplit;

/** Column headers of a 基本支出 split. */
export const BASIC_TOTAL_COL = /基本支出(?:›合计)?$|^基本支出$/;
export const PERSONNEL_COL = /人员经费/;
export const PUBLIC_COL = /公用经费/;

/**
 * The 三公 table's columns (national template), in print order. `key` is what its header says;
 * `path` the flattened column path; `optional` columns are missing from some templates.
 */
export interface SangongColumn {
  key: RegExp;
  path: string;
}
export const SANGONG_TITLE_RE = /三公/;
export const SANGONG_COLUMNS: SangongColumn[] = [
  { key: /合计/, path: "合计" },
  { key: /“?三公”?经费/, path: "“三公”经费 › 小计" },
  { key: /因公出国/, path: "因公出国（境）费" },
  { key: /公务用车购置及运行/, path: "公务用车购置及运行费 › 小计" },
  { key: /购置费?$|公务用车购置费/, path: "公务用车购置及运行费 › 公务用车购置费" },
  { key: /运行(维护)?费/, path: "公务用车购置及运行费 › 公务用车运行费" },
  { key: /公务接待费?/, path: "公务接待费" },
  { key: /会议费/, path: "会议费" },
  { key: /培训费/, path: "培训费" },
];

/** Characters of the 三公 form's header words, which one-cell-per-line text may cut anywhere. */
export const FORM_HEADER_RE =
  /^[三公经费合计小因出国境务用车购置运行维护接待会议培训及数预算决机关支当年单位万元其他\d一二三四五六七八九十、()（）]+$/;

/** Printed leaders and page numbers in a table of contents ("……… 3"). */
export const LEADER_RE = /[…．.·-]{3,}\s*\d*$/;

/** A 政府采购 table: its rows name an item and, apart, its 经济科目 and 采购组织形式. */
export const PROCUREMENT_TITLE_RE = /政府采购/;
/** How a purchase is organised (the 采购组织形式 column). */
export const PROCUREMENT_FORM_RE = new RegExp(`^(?:${inOrder(layout.procurementForms)})$`);
/** A 经济科目 name printed in its own column (会议费, 办公设备购置, 其他商品和服务支出). */
export const ECONOMIC_ITEM_RE = new RegExp(`^[^\\d、]{2,12}(?:${inOrder(layout.economicItemEndings)})$`);

/** The end of a unit's name ("…检察院", "…办公厅", "…街道办事处"): printed in a table's preamble or header, never a column. */
export const UNIT_NAME_END_RE = new RegExp(`(${inOrder(layout.unitNameEndings)})$`);

/** Headers of columns that print codes or names, never figures. */
export const TEXT_COLUMN_RE = new RegExp(`(${inOrder(layout.textColumnEndings)})$`);
