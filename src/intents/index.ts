import { readFileSync, readdirSync } from "node:fs";
import { extname, join } from "node:path";
import { load, CORE_SCHEMA } from "js-yaml";
import { z } from "zod";
import { labelKey } from "../ingest/index.js";

/** YAML 1.2 core types only: "2023-01-01" stays a string, as in JSON. */
const parseYaml = (text: string): unknown => load(text, { schema: CORE_SCHEMA });

const IntentSchema = z
  .object({
    name: z.string().min(1),
    triggers: z.array(z.string().min(1)).min(1),
    terms: z.array(z.string().min(1)).min(1).optional(),
    unit: z.enum(["money", "percent", "score", "count", "any"]),
    measure: z.enum(["预算数", "决算数", "上年数", "增减额", "增长率", "占比", "完成率"]).optional(),
    /** Count word of a count metric ("辆", "人", "个"): what 几/多少 counts. */
    count: z.string().min(1).optional(),
    answer: z.enum(["figure", "reason", "definition", "section"]).default("figure"),
    /** Read when a question names no metric ("预算比上年增加多少"): the document's total. */
    fallback: z.boolean().default(false),
  })
  .strict();

const IntentFileSchema = z.object({ intents: z.array(IntentSchema).min(1) }).strict();

export type IntentUnit = z.infer<typeof IntentSchema>["unit"];

export interface Intent {
  name: string;
  /** Normalised question words that select the intent. */
  triggers: string[];
  /** Normalised document labels that print the metric. */
  terms: string[];
  unit: IntentUnit;
  measure?: z.infer<typeof IntentSchema>["measure"];
  /** Count word of a count metric. */
  count?: string;
  answer: "figure" | "reason" | "definition" | "section";
  fallback: boolean;
  file: string;
}

export class IntentFileError extends Error {}

/** Loads every intent file (.yaml, .yml, .json) of a folder; any invalid file is a clear error. */
export function loadIntents(dir: string): Intent[] {
  const files = readdirSync(dir)
    .filter((f) => [".yaml", ".yml", ".json"].includes(extname(f)))
    .sort();
  const intents: Intent[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const path = join(dir, f);
    let data: unknown;
    try {
      const text = readFileSync(path, "utf8");
      data = extname(f) === ".json" ? JSON.parse(text) : parseYaml(text);
    } catch (err) {
      throw new IntentFileError(`intent file ${path}: cannot parse: ${(err as Error).message}`);
    }
    const parsed = IntentFileSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new IntentFileError(`intent file ${path}: field "${issue.path.join(".")}": ${issue.message}`);
    }
    for (const raw of parsed.data.intents) {
      if (seen.has(raw.name)) {
        throw new IntentFileError(
          `intent file ${path}: intent "${raw.name}" is already defined in ${seen.get(raw.name)}`,
        );
      }
      seen.set(raw.name, path);
      intents.push({
        name: raw.name,
        triggers: [...new Set(raw.triggers.map(labelKey))],
        terms: [...new Set((raw.terms ?? raw.triggers).map(labelKey))],
        unit: raw.unit,
        measure: raw.measure,
        count: raw.count,
        answer: raw.answer,
        fallback: raw.fallback,
        file: f,
      });
    }
  }
  if (!intents.length) throw new IntentFileError(`no intents found in ${dir}`);
  return intents;
}

/** Every trigger found in the question, longest first, each with its intent and position. */
export function findIntents(
  question: string,
  intents: Intent[],
): Array<{ intent: Intent; trigger: string; at: number }> {
  const hits: Array<{ intent: Intent; trigger: string; at: number }> = [];
  for (const intent of intents) {
    let best: { trigger: string; at: number } | null = null;
    for (const t of intent.triggers) {
      const at = question.indexOf(t);
      if (at >= 0 && (!best || t.length > best.trigger.length)) best = { trigger: t, at };
    }
    if (best) hits.push({ intent, ...best });
  }
  // A trigger inside a longer trigger of another intent ("三公" inside "三公经费控制率") loses.
  return hits
    .sort((a, b) => b.trigger.length - a.trigger.length)
    .filter(
      (h, i, all) =>
        !all
          .slice(0, i)
          .some(
            (o) =>
              o.at <= h.at &&
              o.at + o.trigger.length >= h.at + h.trigger.length &&
              o.trigger.length > h.trigger.length,
          ),
    );
}
