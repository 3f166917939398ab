/**
 * The words of disclosure tables in one place: how titles, units, headers, totals and parts are
 * printed in the national templates (部门预算/决算公开表). Table reading and the checks use only these.
 */

/** A table title: "…表", optionally "(续)" or a parenthetical qualifier "（经济科目）", "(按功能分类)". */
export const TITLE_RE =
  /^(?:[一二三四五六七八九十\d]{1,3}[、.．]\s?)?[^，。；：:！？]{2,45}(?:表|情况表)(?:[(（](?:续|[^()（）]{1,10})[)）])?$/;

/** "公开01表", "附表3", "表五", "表 1". */
export const TABLE_NUMBER_RE = /^(?:公开|附)表?\d{1,2}表?$|^表[\d一二三四五六七八九十]{1,3}$/;

/** Titles that name a collection of tables (a cover page or part heading), never one table. */
export const COLLECTION_TITLE_RE =
  /(?:部门|单位)(?:预|决)算(?:公开)?(?:报)?表格?$|(?:预|决)算公开(?:报)?表格?$|公开报表$|^第.{1,3}部分/;

/** A table of contents heading ("目录", "目 录"). */
export const TOC_HEADING_RE = /^目录$/;

/** Unit of the figures: "单位：万元", "金额单位：元". */
export const UNIT_RE = /(?:金额)?单位[:：]\s*(万元|元|千元|亿元)/;

/** A note under a table. */
export const NOTE_RE = /^(注|说明|备注)\d?[:：]/;

/** The document says the table has no content. */
export const STATED_EMPTY_RE =
  /本表无数据|无数据|空表|不涉及|未发生|没有|^无$|无.{0,20}(收入|支出|经费|情况|数据|预算)/;

/** Header cells that structure a table but do not name a column of figures. */
export const STRUCTURAL_HEADERS = new Set([
  "序号",
  "项目",
  "行次",
  "栏次",
  "科目编码",
  "科目名称",
  "功能分类科目",
  "功能分类",
  "经济分类科目",
  "支出部门经济分类科目",
  "部门经济分类科目",
  "金额",
  "收入",
  "支出",
  "资金性质",
  "类",
  "款",
  "项",
  "单位",
  "科目",
  "编码",
  "名称",
  "项目(按功能分类)",
  "项目(按经济分类)",
]);

/** Row labels that total the rows under them. */
export const TOTAL_LABEL_RE =
  /^(?:[一二三四五六七八九十]+、)?(?:(?:收入|支出|收支)?(?:合计|总计)|小计|本年(?:收入|支出)合计)$/;
/** Grand totals of the two sides of a 收支总表. */
export const INCOME_TOTAL_RE = /^收入总计$|^收入合计$/;
export const EXPENSE_TOTAL_RE = /^支出总计$|^支出合计$/;

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
export const PROCUREMENT_FORM_RE =
  /^(?:分散(?:自行)?(?:组织?|采购)?|(?:政府|部门)?集中采购|委托(?:代理)?采购|自行采购|公开招标|邀请招标|询价|单一来源|竞争性(?:谈判|磋商))$/;
/** A 经济科目 name printed in its own column (会议费, 办公设备购置, 其他商品和服务支出). */
export const ECONOMIC_ITEM_RE = /^[^\d、]{2,12}(?:费|购置|支出)$/;

/** The end of a unit's name ("…检察院", "…办公厅", "…街道办事处"): printed in a table's preamble or header, never a column. */
export const UNIT_NAME_END_RE = /(局|部门|部|中心|委员会|委|院|厅|办公室|室|办|政府|办事处|街道)$/;

/** Headers of columns that print codes or names, never figures. */
export const TEXT_COLUMN_RE = /(编码|代码|名称|科目|项目|序号|行次|栏次)$/;
