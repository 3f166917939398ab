import { z } from "zod";
import { MEASURES } from "../facts/measure.js";

const measure = z.enum(MEASURES);
const quantity = z.enum(["money", "count", "percent", "score", "any"]);
const operation = z.enum(["lookup", "sum", "difference", "share", "rank", "list", "explain", "search"]);

/** One group of words of a lexicon file, with what they say about the question. */
export const WordGroupSchema = z
  .object({
    words: z.array(z.string().min(1)).min(1),
    /** 预算 / 决算 asked. */
    stage: z.enum(["预算", "决算"]).optional(),
    /** 部门 (department with its units) / 单位 (the body alone). */
    scope: z.enum(["部门", "单位"]).optional(),
    measure: measure.optional(),
    direction: z.enum(["up", "down"]).optional(),
    operation: operation.optional(),
    /** A sum word that also reads a printed total: a sum only when two items are joined; a container
     * marker (里, 中) that counts only after a metric or a head word. */
    weak: z.boolean().optional(),
    reason: z.boolean().optional(),
    relativeYear: z.number().int().min(-5).max(5).optional(),
    /** A comparison: with the previous year, with the budget, or with what follows (A比B). */
    compare: z.enum(["previous", "budget", "other"]).optional(),
    /** A change verb (增加, 减少…): with 多少 it asks 增减额, with 百分之几 增长率. */
    change: z.boolean().optional(),
    /** A question word: an amount (多少, 几) or a percent (百分之几). */
    ask: z.enum(["amount", "percent"]).optional(),
    quantity: quantity.optional(),
    countUnit: z.string().min(1).optional(),
    scale: z.enum(["万元", "元"]).optional(),
    /** 占 of "A占B的比例". */
    share: z.boolean().optional(),
    /** 和/与/、 joining two items. */
    join: z.boolean().optional(),
    /** A container marker (A里B, A中的B). */
    container: z.boolean().optional(),
    /** Words naming a code that follows (功能科目, 经济分类). */
    codePrefix: z.boolean().optional(),
    /** Only at the end of the question (呢, 吗) or at its start (那, 请按). */
    at: z.enum(["start", "end"]).optional(),
    /** Only right after an opening bracket ("（元）"). */
    bracketed: z.boolean().optional(),
    /** Stays in `rest` (domain words guarded from shorter matches; join words inside names). */
    keep: z.boolean().optional(),
  })
  .strict();

export type WordGroup = z.infer<typeof WordGroupSchema>;

/** A lexicon file of `intents/lexicon/`: word groups, or the organisation-name rules. */
export const WordFileSchema = z
  .object({
    words: z.array(WordGroupSchema).optional(),
    /** Words a single-character container marker (里, 中) must follow. */
    containerHeads: z.array(z.string().min(1)).optional(),
    /** Generic metric words that are the end of a longer printed label after unknown characters. */
    tails: z.array(z.string().min(1)).optional(),
    orgs: z.lazy(() => OrgRulesSchema).optional(),
    answering: z.lazy(() => AnsweringWordsSchema).optional(),
    layout: z.lazy(() => LayoutWordsSchema).optional(),
  })
  .strict();

/** Words the answering compares labels with (intents/lexicon/answering.yaml). */
export const AnsweringWordsSchema = z
  .object({
    /** How or where a figure is stated, not what it is: taken out of labels before comparing. */
    connectors: z.array(z.string().min(1)).min(1),
    /** Words that name no item on their own. */
    generic: z.array(z.string().min(1)).min(1),
    /** Particles that may follow a generic word. */
    particles: z.array(z.string().min(1)),
    /** Words joining the parts of a sum or a comparison. */
    joiners: z.array(z.string().min(1)).min(1),
    /** How a document introduces the reason for a change. */
    reasons: z.array(z.string().min(1)).min(1),
    /** Words taken from the start of a question's item ("里的…", "关于…"), tried in the order written. */
    itemOpeners: z.array(z.string().min(1)).min(1),
    /** Question particles and linking words taken from the end of an item ("…呢", "…情况"). */
    itemClosers: z.array(z.string().min(1)).min(1),
    /** Particles taken out anywhere in an item (了). */
    itemDropped: z.array(z.string().min(1)),
    /** Words linking a level to the item inside it ("城乡社区管理事务的行政运行"): also read without them. */
    itemLinks: z.array(z.string().min(1)).default([]),
    /** Words after a number in a question that make it an amount or a count, not a year or a code ("3个", "20万"). */
    numberUnits: z.array(z.string().min(1)).min(1),
    /** Words starting with a number unit that are not one ("2018人大": 人大 is a name, not 人). */
    numberUnitGuards: z.array(z.string().min(1)).default([]),
    /** Words before a short year that make it a span of years, not a year ("近3年", "这两年"). */
    yearSpanOpeners: z.array(z.string().min(1)).min(1),
    /** How a follow-up question opens ("那公用经费呢", "还有培训费"). */
    followUpOpeners: z.array(z.string().min(1)).min(1),
    /** How a follow-up question closes ("去年呢"). */
    followUpClosers: z.array(z.string().min(1)).min(1),
    /** How a sentence states that the document has none of an item ("本单位无公务接待费"). */
    statedNone: z
      .object({
        words: z.array(z.string().min(1)).min(1),
        /** Longer words starting with a cue that say no such thing (无效, 无偿, 无形). */
        notWords: z.array(z.string().min(1)),
        /** Words ending with a cue that ask whether when they open a clause (有无). */
        asking: z.array(z.string().min(1)),
      })
      .strict(),
    /** Units of printed counts ("5 个项目", "274 名"). */
    countUnits: z.array(z.string().min(1)).min(1),
    /** Count words that answer one another: the asked count word → the printed units that answer it. */
    sameCount: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)),
    /** Words of a printed label that say the figure is a change (document side: 增加, 同比, 调减…). */
    changeWords: z.array(z.string().min(1)).min(1),
    /** Words of a printed change that say it is a decrease (减少, 下降, 低于…). */
    downWords: z.array(z.string().min(1)).min(1),
    /** Names holding 预算 that are not the stage (一般公共预算, 预算单位), in the order tried. */
    budgetNames: z.array(z.string().min(1)).min(1),
    /** Words of a printed label comparing its figure with the budget ("比年初预算"): 预算差额. */
    budgetComparisons: z.array(z.string().min(1)).min(1),
    /**
     * Openings of a sentence that continues the previous one's subject ("与上年相比增加480万元").
     * `{year}` stands for a year as printed (2024年).
     */
    subjectContinuations: z.array(z.string().min(1)).min(1),
    /** Change verbs that, opening a label, compare with the figure printed before it. */
    changeOpeners: z.array(z.string().min(1)).min(1),
    /** Change verbs that, ending a label, make its figure the change. */
    changeEndings: z.array(z.string().min(1)).min(1),
    /** Words of a printed percentage that make it a completion rate. */
    completionWords: z.array(z.string().min(1)).min(1),
    /** Words of a printed label that make its figure the previous year's. */
    priorYearWords: z.array(z.string().min(1)).min(1),
    /** Words of a printed label that make its figure an actual (决算) one. */
    actualWords: z.array(z.string().min(1)).min(1),
    /** Words of a printed label that make its figure a budgeted one. */
    budgetWords: z.array(z.string().min(1)).min(1),
    /** A table column's header words: a growth rate, a change, an actual or a budgeted figure
     * (`…Starts`: only at the start of the header). The previous year's column: priorYearWords. */
    columns: z
      .object({
        rate: z.array(z.string().min(1)).min(1),
        change: z.array(z.string().min(1)).min(1),
        actual: z.array(z.string().min(1)).min(1),
        actualStarts: z.array(z.string().min(1)),
        budget: z.array(z.string().min(1)).min(1),
        budgetStarts: z.array(z.string().min(1)),
      })
      .strict(),
    /** Endings of an item asking for its total, printed as its 合计 (总额, 总数). */
    totalEndings: z.array(z.string().min(1)).min(1),
    /** Generic endings an item may be printed without ("行政运行支出" → 行政运行). */
    itemEndings: z.array(z.string().min(1)).min(1),
    /** A container's own tail, dropped to find its printed name: the stage (预算) then the marker (表, 里). */
    containerEndings: z.array(z.string().min(1)).min(1),
    containerMarkers: z.array(z.string().min(1)).min(1),
    /** Words splitting the two sides of a difference ("A比B"). */
    differenceSplitters: z.array(z.string().min(1)).min(1),
    /** Words closing each part of a share ("…的比例"). */
    shareClosers: z.array(z.string().min(1)).min(1),
    /** Words closing each part of a sum or a difference ("…加起来", "…分别"). */
    partClosers: z.array(z.string().min(1)).min(1),
    /** Count words after a numeral closing a part ("三项"). */
    countedParts: z.array(z.string().min(1)).min(1),
    /** Particles before and after the term a definition is asked of ("的…", "…是什么"). */
    definitionOpeners: z.array(z.string().min(1)),
    definitionClosers: z.array(z.string().min(1)),
    /** Units a figure is printed with in running text, in the order tried (万元 before 万). */
    figureUnits: z.array(z.string().min(1)).min(1),
    /** Figure units that count only when no Chinese character follows ("5万", not "5万人"). */
    figureUnitsAlone: z.array(z.string().min(1)),
    /** Money units and how many 元 each is: amounts in different ones are converted exactly. */
    moneyUnits: z.record(z.string().min(1), z.number().positive()),
    /** Units of a percentage. */
    percentUnits: z.array(z.string().min(1)).min(1),
    /** Words opening the parts of a total printed before them ("其中："); spaces may split them. */
    partsOpeners: z.array(z.string().min(1)).min(1),
    /** Question words that name no topic: a passage holding only these is not offered as related. */
    notTopic: z.array(z.string().min(1)),
    /** Verbs after a term that open the document's definition of it ("机关运行经费是指…"), in order. */
    definitionVerbs: z.array(z.string().min(1)),
  })
  .strict()
  .superRefine((w, ctx) => {
    // Amounts of mixed units are converted to 万元; 元 is what each unit is counted in.
    for (const unit of ["元", "万元"])
      if (w.moneyUnits[unit] === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["moneyUnits"],
          message: `"${unit}" must be one of moneyUnits`,
        });
    for (const [i, u] of w.figureUnitsAlone.entries())
      if (!w.figureUnits.includes(u))
        ctx.addIssue({
          code: "custom",
          path: ["figureUnitsAlone", i],
          message: `"${u}" is not one of figureUnits`,
        });
    for (const [asked, units] of Object.entries(w.sameCount))
      for (const [i, u] of units.entries())
        if (!w.countUnits.includes(u))
          ctx.addIssue({
            code: "custom",
            path: ["sameCount", asked, i],
            message: `"${u}" is not one of countUnits`,
          });
    for (const [key, list] of [
      ["notWords", w.statedNone.notWords],
      ["asking", w.statedNone.asking],
    ] as const)
      for (const [i, x] of list.entries())
        if (
          !w.statedNone.words.some((c) => (key === "notWords" ? x.startsWith(c) : x.endsWith(c)) && x !== c)
        )
          ctx.addIssue({
            code: "custom",
            path: ["statedNone", key, i],
            message: `"${x}" must ${key === "notWords" ? "start" : "end"} with one of statedNone.words and be longer`,
          });
  });

export type AnsweringWords = z.infer<typeof AnsweringWordsSchema>;

/** Rules for the short names of organisations (intents/lexicon/orgs.yaml). */
export const OrgRulesSchema = z
  .object({
    prefixes: z.array(z.string().min(1)),
    wraps: z.array(
      z.object({ prefix: z.string().min(1), core: z.string().min(1), to: z.string().min(1) }).strict(),
    ),
    places: z.array(z.object({ suffix: z.string().min(1), level: z.string().min(1) }).strict()).min(1),
    placeLength: z.object({ min: z.number().int().min(1), max: z.number().int().min(1) }).strict(),
    /** Characters of organisation words that a place name never holds (人民政府… is not a place). */
    notInPlaces: z.array(z.string().length(1)).default([]),
    drop: z.array(z.string().min(1)),
    own: z.array(z.object({ suffix: z.string().min(1), forms: z.array(z.string().min(1)).min(1) }).strict()),
    abbreviations: z.array(z.object({ from: z.string().min(1), to: z.array(z.string()).min(1) }).strict()),
    joiners: z.array(z.string().min(1)),
    words: z.record(z.string().min(1), z.string().min(1)),
    suffixes: z.array(z.string().min(1)).min(1),
    needsPlace: z.array(z.string().min(1)),
    minBare: z.number().int().min(1),
    /** Endings that make a question word a unit's name (each ends with one of `suffixes`). */
    mentionSuffixes: z.array(z.string().min(1)).min(1),
    /** Openings of a mention that names no particular unit (本, 各, 所有). */
    notMentionOpeners: z.array(z.string().min(1)),
  })
  .strict()
  .superRefine((o, ctx) => {
    for (const [i, m] of o.mentionSuffixes.entries())
      if (!o.suffixes.some((s) => m.endsWith(s)))
        ctx.addIssue({
          code: "custom",
          path: ["mentionSuffixes", i],
          message: `"${m}" does not end with one of suffixes`,
        });
  });

/** Rules for unit-name forms and matching (from intents/lexicon/orgs.yaml). */
export type OrgRules = z.infer<typeof OrgRulesSchema>;

const words = z.array(z.string().min(1)).min(1);

/** A column of a split total, with the columns it is the sum of, in print order. */
export interface SplitColumnWords {
  name: string;
  parts?: SplitColumnWords[] | undefined;
}
const splitColumn: z.ZodType<SplitColumnWords> = z.lazy(() =>
  z.object({ name: z.string().min(1), parts: z.array(splitColumn).min(1).optional() }).strict(),
);

/**
 * How disclosures lay out their tables and headings (intents/lexicon/layout.yaml): the words the
 * ingestion reads titles, notes, units, headers, totals and unit names with. Read by the ingestion
 * itself (src/ingest/layout.ts), so the built index is keyed by this file too.
 */
export const LayoutWordsSchema = z
  .object({
    /** Endings of a table's title ("…表", "…情况表"), before an optional "(续)" or short qualifier. */
    titleEndings: words,
    /** Endings of a title naming a collection of tables (a cover page), never one table. */
    collectionTitleEndings: words,
    /** A table of contents heading (目录; letter-spaced over two lines, each of its characters). */
    tocHeadings: words,
    /** Labels of the unit of a table's figures ("单位：万元", "金额单位：元") and the units they give. */
    figureUnitLabels: words,
    tableUnits: words,
    /** Openings of a note under a table ("注：", "说明1："). */
    noteOpeners: words,
    /**
     * A table's own note saying it is empty (one of `words` anywhere), or its lines printing `cue`
     * followed within 20 characters by one of `of` ("无一般公共预算“三公”经费支出").
     */
    emptyNote: z.object({ words, cue: z.string().min(1), of: words }).strict(),
    /** Header cells that structure a table but do not name a column of figures. */
    structuralHeaders: words,
    /** Row labels that total the rows under them (whole label, after an optional "一、"). */
    totalLabels: words,
    /** The bare total words of a column or a row (合计, 小计, 总计). */
    totals: words,
    /** Header levels that say which measure a column is, not what it counts (预算数, 上年数). */
    measureLevels: words,
    /**
     * An expense total's columns in print order, each with the columns it sums (合计 = 基本支出 +
     * 项目支出, 基本支出 = 人员经费 + 公用经费); its parts' headers are never a row's label alone.
     */
    expenseSplit: splitColumn,
    /** Header names that are no figure's column at the end of a header (totals, names, codes). */
    notTrailingFigureNames: words,
    /** Headers of a first column that is clearly the amount. */
    amountColumns: words,
    /** How a purchase is organised (the 采购组织形式 column of a 政府采购 table), whole. */
    procurementForms: words,
    /** Endings of a 经济科目 name printed in its own column (会议费, 办公设备购置). */
    economicItemEndings: words,
    /** Endings of a unit's name printed in a table's preamble or header, never a column. */
    unitNameEndings: words,
    /** Endings of the headers of columns that print codes or names, never figures. */
    textColumnEndings: words,
    /** A reference to a table ("详见…表"), not its title: at the start, or anywhere. */
    tableReferences: z.object({ opening: words, anywhere: words }).strict(),
    /** Words a heading ends with (a section's name), unlike a line wrapped mid-sentence. */
    headingEndings: words,
    /** The ending of an unnumbered title over numbered headings (a project's 情况说明). */
    projectTitleEndings: words,
    /** Units that may open a line after a wrapped figure ("万元，与上年…"). */
    lineUnits: words,
    /** Money units of a figure early in a line (a percent also opens a wrapped sentence). */
    moneyUnits: words,
    /** Endings of an organisation's name, in the order tried (the first that fits is taken). */
    orgSuffixes: words,
    /** Endings of a place name, in the order tried. */
    regionSuffixes: words,
    /** Words before 区/市/县… that are not places (全区, 本市, 示范区). */
    notRegions: words,
    /**
     * Labels of a name in a document's preamble, in the order tried: the unit's own ("预算单位：X")
     * and its department's ("部门：X", taken when no own label is printed).
     */
    unitNameLabels: words,
    departmentNameLabels: words,
    /** What may follow a labelled name on its line. */
    afterLabelledName: words,
    /** What follows the unit's name in a title ("X部门预算"). */
    afterTitleName: words,
    /** Openings of a sentence, not of a unit's name (根据, 按照, 本). */
    notNameOpeners: words,
    /** The words of a title after its year that name the document ("2017年部门预算", "绩效自评"). */
    documentTitles: words,
  })
  .strict();

export type LayoutWords = z.infer<typeof LayoutWordsSchema>;
