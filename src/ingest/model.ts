import { z } from "zod";

/** Bump when the shape or meaning of the persisted model changes: older files are then rebuilt. */
export const MODEL_VERSION = 4;

export const Span = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);
export type Span = z.infer<typeof Span>;

export const DocKind = z.enum(["部门预算", "部门决算", "单位预算", "单位决算", "整体支出绩效自评", "其他"]);
export type DocKind = z.infer<typeof DocKind>;

/** Whether a document of this kind reports what was spent (决算, 自评) rather than a budget. */
export const isFinalKind = (kind: string) => /决算|自评/.test(kind);

export const DocMeta = z.object({
  unit: z.string().nullable(),
  aliases: z.array(z.string()),
  region: z.string().nullable(),
  year: z.number().int().nullable(),
  kind: DocKind,
  title: z.string().nullable(),
});
export type DocMeta = z.infer<typeof DocMeta>;

export const Section = z.object({
  title: z.string(),
  level: z.number().int(),
  span: Span,
  /** Titles of the enclosing headings, outermost first, then this one. */
  path: z.array(z.string()),
});
export type Section = z.infer<typeof Section>;

export const Sentence = z.object({
  /** Normalised text (see normalize.ts); quote the original with `span`. */
  text: z.string(),
  span: Span,
  /** Index into `sections` of the innermost heading above the sentence, or -1. */
  section: z.number().int(),
});
export type Sentence = z.infer<typeof Sentence>;

export const Cell = z.object({
  /** The string as printed ("" for a blank cell: a blank is not zero). */
  text: z.string(),
  /** Exact decimal as a string, or null when the cell is not a number. */
  value: z.string().nullable(),
  span: Span,
  /** Column header path such as "决算数 › 公务用车购置及运行费 › 小计", when known. */
  column: z.string().nullable(),
});
export type Cell = z.infer<typeof Cell>;

export const Row = z.object({
  /** 功能分类 / 经济分类 subject code (3, 5 or 7 digits), when the row has one. */
  code: z.string().nullable(),
  label: z.string(),
  cells: z.array(Cell),
  span: Span,
});
export type Row = z.infer<typeof Row>;

/** Arithmetic checks of a table against its own totals (合计 vs parts, 类 = Σ款, …). */
export const TableChecks = z.object({
  run: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** One line per failed check: what was compared and the two figures. */
  failures: z.array(z.string()),
});
export type TableChecks = z.infer<typeof TableChecks>;

export const DocFormat = z.enum(["txt", "pdf", "html"]);
export type DocFormat = z.infer<typeof DocFormat>;

export const Table = z.object({
  title: z.string(),
  /** "公开01表" style number when printed. */
  number: z.string().nullable(),
  unit: z.string().nullable(),
  /** False for a table the text names but whose content is missing (an image in the PDF). */
  present: z.boolean(),
  /** The document says the table is empty / the unit has no such spending ("无…", "本表无数据"). */
  statedEmpty: z.boolean(),
  note: z.string().nullable(),
  /** Pages (1-based) the table is printed on; [] when the source has no pages. */
  pages: z.array(z.number().int()).default([]),
  /** What the table's own totals say about how it was read (see checks.ts). */
  checks: TableChecks.default({ run: 0, failed: 0, failures: [] }),
  columns: z.array(z.string()),
  rows: z.array(Row),
  span: Span,
});
export type Table = z.infer<typeof Table>;

export const DocModel = z.object({
  version: z.literal(MODEL_VERSION),
  id: z.string(),
  file: z.string(),
  hash: z.string(),
  encoding: z.string(),
  /** What the file was: plain text, a PDF read with pdf.js, or a saved web page. */
  format: DocFormat.default("txt"),
  /** Offset in `text` where each page starts (page n starts at pages[n-1]); [] without pages. */
  pages: z.array(z.number().int().nonnegative()).default([]),
  text: z.string(),
  meta: DocMeta,
  sections: z.array(Section),
  sentences: z.array(Sentence),
  tables: z.array(Table),
  warnings: z.array(z.string()),
});
export type DocModel = z.infer<typeof DocModel>;

/** Optional `<id>.meta.json` beside a document: extra aliases or overridden fields. */
export const MetaSidecar = z
  .object({
    unit: z.string().min(1),
    aliases: z.array(z.string().min(1)),
    region: z.string().min(1),
    year: z.number().int().min(1990).max(2100),
    kind: DocKind,
    title: z.string().min(1),
  })
  .partial()
  .strict();
export type MetaSidecar = z.infer<typeof MetaSidecar>;

/** What ingestion made of one document: listed by `npm run ingest` and kept in the index catalog. */
export const DocReport = z.object({
  doc: z.string(),
  unit: z.string().nullable(),
  aliases: z.array(z.string()),
  region: z.string().nullable(),
  year: z.number().int().nullable(),
  kind: DocKind,
  format: DocFormat.default("txt"),
  pageCount: z.number().int().default(0),
  tables: z.array(
    z.object({
      title: z.string(),
      number: z.string().nullable().default(null),
      unit: z.string().nullable(),
      rows: z.number().int(),
      columns: z.number().int(),
      present: z.boolean(),
      /** Printed without figures (本表无数据, headers only): empty, not an image. */
      empty: z.boolean().default(false),
      pages: z.array(z.number().int()).default([]),
      checks: z.object({ run: z.number().int(), failed: z.number().int() }).default({ run: 0, failed: 0 }),
    }),
  ),
  sections: z.number().int(),
  sentences: z.number().int(),
  warnings: z.array(z.string()),
});
export type DocReport = z.infer<typeof DocReport>;

export function reportOf(model: DocModel): DocReport {
  return {
    doc: model.id,
    unit: model.meta.unit,
    aliases: model.meta.aliases,
    region: model.meta.region,
    year: model.meta.year,
    kind: model.meta.kind,
    format: model.format,
    pageCount: model.pages.length,
    sections: model.sections.length,
    sentences: model.sentences.length,
    tables: model.tables.map((t) => ({
      title: t.number ? `${t.number} ${t.title}` : t.title,
      number: t.number,
      unit: t.unit,
      rows: t.rows.length,
      columns: t.columns.length,
      present: t.present,
      empty: t.statedEmpty,
      pages: t.pages,
      checks: { run: t.checks.run, failed: t.checks.failed },
    })),
    warnings: model.warnings,
  };
}
