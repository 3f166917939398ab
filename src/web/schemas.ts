// The HTTP API's data, as zod schemas: requests are validated with them, and the OpenAPI document
// (openapi.ts) is generated from them, so the two cannot drift apart.
import { z } from "zod";
import { AnswerResult } from "../answer/types.js";
import { MEASURES } from "../facts/measure.js";
import { DocReport } from "../ingest/index.js";
import type { JournalStats } from "../journal/index.js";
import type { QueryContext } from "../query/types.js";

/** The schemas named in the OpenAPI document (components.schemas), by id. */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

const MetricMention = z.object({
  name: z.string().max(100),
  text: z.string().max(500),
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  terms: z.array(z.string().max(200)).max(100),
  quantity: z.enum(["money", "count", "percent", "score", "any"]),
  answer: z.enum(["figure", "definition", "section"]),
});

/** What a follow-up inherits from the previous answer: sent back by the page as it was received. */
export const QueryContextSchema = z
  .object({
    year: z.number().int().nullable(),
    relativeYear: z.number().int().nullable(),
    stage: z.enum(["预算", "决算"]).nullable(),
    scope: z.enum(["部门", "单位"]).nullable(),
    measure: z.enum(MEASURES),
    metrics: z.array(MetricMention).max(50),
    codes: z.array(z.string().max(20)).max(50),
    rest: z.string().max(500),
    docs: z.array(z.string().max(300)).max(5000),
  })
  .register(apiSchemas, {
    id: "QueryContext",
    description: "Pass back unchanged with the next question for a follow-up.",
  });

// A context the schema accepts is one the engine accepts (a compile-time check that they agree).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const contextsAgree: Same<z.infer<typeof QueryContextSchema>, QueryContext> = true;
void contextsAgree;

export const AskRequest = z
  .object({
    question: z.string().max(500, "问题不超过 500 字"),
    /** The `context` of the previous answer, for a follow-up ("那项目支出呢"). */
    context: QueryContextSchema.optional(),
    /** Restrict to these documents: the `doc` of a choice picked after an `ambiguous` answer. */
    docs: z.array(z.string().min(1).max(300)).min(1).max(50).optional(),
  })
  .strict()
  .register(apiSchemas, { id: "AskRequest" });
export type AskRequest = z.infer<typeof AskRequest>;

/** The `npm run ask -- --jsonl` answer (without `id`), with the context for a follow-up. */
export const AskResponse = AnswerResult.extend({ context: QueryContextSchema.optional() }).register(
  apiSchemas,
  { id: "AskResponse" },
);

export const ApiError = z
  .object({
    code: z.string().meta({ description: "Stable machine-readable error code" }),
    message: z.string().meta({ description: "What went wrong and what to do (Chinese)" }),
  })
  .register(apiSchemas, { id: "Error" });
export type ApiError = z.infer<typeof ApiError>;

export const DocEntry = z
  .object({
    doc: z.string(),
    unit: z.string().nullable(),
    aliases: z.array(z.string()),
    region: z.string().nullable(),
    year: z.number().int().nullable(),
    kind: z.string(),
    format: z.string(),
    pageCount: z.number().int(),
    tables: z.number().int(),
    checksFailed: z.number().int(),
    warnings: z.number().int(),
    file: z.string().nullable(),
  })
  .register(apiSchemas, { id: "DocEntry" });
export type DocEntry = z.infer<typeof DocEntry>;

export const DocsResponse = z
  .object({
    generation: z.string(),
    documents: z.array(DocEntry),
    failed: z.array(z.object({ file: z.string(), reason: z.string() })),
  })
  .register(apiSchemas, { id: "DocsResponse" });
export type DocsResponse = z.infer<typeof DocsResponse>;

export const DocReportResponse = DocReport.extend({ file: z.string().nullable() }).register(apiSchemas, {
  id: "DocReport",
});

export const PassageQuery = z.object({
  start: z.coerce.number().int().min(0),
  end: z.coerce.number().int().min(0),
});

export const PassageResponse = z
  .object({
    doc: z.string(),
    format: z.string(),
    page: z.number().int().nullable(),
    /** The text around the quote, verbatim; the quote is `text.slice(mark[0], mark[1])`. */
    text: z.string(),
    mark: z.tuple([z.number().int(), z.number().int()]),
    /** The original lines the quote is printed on (for finding them on the PDF page). */
    lines: z.array(z.string()),
  })
  .register(apiSchemas, { id: "Passage" });
export type PassageResponse = z.infer<typeof PassageResponse>;

export const UploadResponse = z
  .object({
    doc: z.string(),
    file: z.string(),
    replaced: z.boolean(),
    report: DocReport,
    generation: z.string(),
    documents: z.number().int(),
  })
  .register(apiSchemas, { id: "UploadResponse" });
export type UploadResponse = z.infer<typeof UploadResponse>;

export const DocIdParams = z.object({ id: z.string().min(1).max(300) });

const outcomeCounts = {
  questions: z.number().int(),
  answered: z.number().int(),
  notFound: z.number().int(),
  ambiguous: z.number().int().meta({ description: "Asked back: the question fits several documents" }),
  errors: z.number().int(),
};

/** GET /api/stats: the questions log of the journal (the bot's /stats), every channel. */
export const StatsResponse = z
  .object({
    days: z
      .array(
        z.object({
          day: z.string().meta({ description: "YYYY-MM-DD, server local time" }),
          ...outcomeCounts,
        }),
      )
      .meta({ description: "Every channel together, one entry per day with questions (last 7 days)" }),
    channels: z
      .array(z.object({ channel: z.enum(["telegram", "web"]), ...outcomeCounts }))
      .meta({ description: "The same 7 days per channel: the Telegram bot, the help desk (page and API)" }),
    unanswered: z
      .array(z.object({ question: z.string(), count: z.number().int() }))
      .meta({ description: "Questions the documents did not answer, most frequent first (at most 10)" }),
    pendingReplies: z.number().int().meta({ description: "Bot replies waiting to be sent" }),
  })
  .register(apiSchemas, { id: "StatsResponse" });

// The schema documents exactly what the journal returns (a compile-time check that they agree).
const statsAgree: Same<z.infer<typeof StatsResponse>, JournalStats> = true;
void statsAgree;
