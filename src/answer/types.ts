import { z } from "zod";
import type { DocKind } from "../ingest/model.js";
import type { QueryContext } from "../query/types.js";

/** One figure given in an answer, with everything a reader needs to check it. */
export const AnswerItem = z.object({
  /** Document id: file name without extension. */
  doc: z.string(),
  /** The figure exactly as printed (for a computed answer: the exact decimal result). */
  value: z.string(),
  /** Unit as printed: 万元, 元, %, 分, 人, 辆, 个… */
  unit: z.string(),
  /** Verbatim passage of the document (whitespace aside) that contains the figure. */
  quote: z.string(),
  /** What the figure is: "三公经费 › 决算数", "功能分类 2210201 住房公积金 › 合计"… */
  label: z.string(),
  department: z.string().nullable(),
  year: z.number().int().nullable(),
  docKind: z.string(),
  /** Heading path of the passage, or the table title. */
  section: z.string().nullable(),
  source: z.enum(["text", "table", "computed"]),
  /** For computed answers: the formula with each input. */
  formula: z.string().optional(),
  /** Original-text span of the quote, used by "查看原文" to show the surrounding passage. */
  span: z.tuple([z.number(), z.number()]).optional(),
  /** Page (1-based) of the quote in the original PDF, when the document has pages. */
  page: z.number().int().optional(),
  /** The document's own explanation of a change ("主要原因是…"), verbatim, when asked why. */
  reason: z.string().optional(),
  /** Inputs of a computed answer, each a printed figure with its source. */
  inputs: z
    .array(
      z.object({
        label: z.string(),
        value: z.string(),
        unit: z.string(),
        quote: z.string(),
        doc: z.string(),
      }),
    )
    .optional(),
});
export type AnswerItem = z.infer<typeof AnswerItem>;

export const Choice = z.object({ doc: z.string(), label: z.string() });
export type Choice = z.infer<typeof Choice>;

export const AnswerStatus = z.enum(["answered", "ambiguous", "not_found"]);
export type AnswerStatus = z.infer<typeof AnswerStatus>;

export const AnswerResult = z.object({
  status: AnswerStatus,
  answers: z.array(AnswerItem),
  /** Plain text a person would see (channels add their own formatting). */
  reply: z.string(),
  /** For `ambiguous`: the documents to pick from. */
  choices: z.array(Choice).optional(),
  /** For `not_found`: the document states there is none, its table is an unreadable image, or it is silent. */
  reason: z.enum(["stated_none", "table_unreadable", "not_disclosed"]).optional(),
  /** Full-text fallback: the passages most related to the question, verbatim (no figure claimed). */
  related: z.array(z.object({ doc: z.string(), quote: z.string() })).optional(),
  /** How the question was understood: intent name, or "fulltext". */
  via: z.string().optional(),
  /** What a follow-up question ("那公用经费呢") inherits: pass it back as `AskOptions.context`. */
  context: z.custom<QueryContext>().optional(),
});
export type AnswerResult = z.infer<typeof AnswerResult>;

export interface AskOptions {
  /** Restrict the answer to these document ids (e.g. after the user picked one). */
  docs?: string[];
  /** The previous question's context, for a follow-up ("去年呢", "福利院的呢"). */
  context?: QueryContext;
}

/** A loaded document as listed by /docs and the ingest report. */
export interface DocSummary {
  doc: string;
  unit: string | null;
  aliases: string[];
  region: string | null;
  year: number | null;
  kind: DocKind;
}
