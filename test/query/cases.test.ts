import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { loadLexicon } from "../../src/lexicon/index.js";
import { followUp, parseQuery, type Query, type QueryContext } from "../../src/query/index.js";

const Expect = z
  .object({
    text: z.string(),
    year: z.number().nullable(),
    relativeYear: z.number().nullable(),
    compareYear: z.number().nullable(),
    /** A date inside a document ("截至2024年8月底" → 2024年8月). */
    date: z.string(),
    years: z.array(z.number()),
    stage: z.enum(["预算", "决算"]).nullable(),
    scope: z.enum(["部门", "单位"]).nullable(),
    measure: z.string(),
    operation: z.string(),
    direction: z.enum(["up", "down"]).nullable(),
    reason: z.boolean(),
    quantity: z.string(),
    countUnit: z.string().nullable(),
    scale: z.enum(["万元", "元"]).nullable(),
    /** Metric names in order. */
    metrics: z.array(z.string()),
    codes: z.array(z.string()),
    container: z.string().nullable(),
    rest: z.string(),
    /** Substrings `rest` must contain / must not contain. */
    restHas: z.array(z.string()),
    restLacks: z.array(z.string()),
    /** Follow-ups: slots assumed from the previous question. */
    assumed: z.array(z.string()),
  })
  .partial()
  .strict();

const Case = z
  .object({
    q: z.string(),
    /** A follow-up: the previous question (its parse is the context). */
    after: z.string().optional(),
    expect: Expect,
  })
  .strict();

const dir = join(import.meta.dirname, "cases");
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
const lexicon = loadLexicon("intents");

function contextOf(q: Query): QueryContext {
  const { year, relativeYear, stage, scope, measure, metrics, codes, rest } = q;
  return { year, relativeYear, stage, scope, measure, metrics, codes, rest, docs: ["prev-doc"] };
}

let total = 0;
for (const f of files) {
  const cases = z
    .array(Case)
    .parse((parseYaml(readFileSync(join(dir, f), "utf8")) as { cases: unknown }).cases);
  total += cases.length;
  describe(f, () => {
    for (const c of cases) {
      it(c.after ? `${c.after} → ${c.q}` : c.q, () => {
        let q = parseQuery(c.q, lexicon);
        let assumed: string[] = [];
        if (c.after) ({ query: q, assumed } = followUp(q, contextOf(parseQuery(c.after, lexicon))));
        const { metrics, restHas, restLacks, assumed: wantAssumed, ...fields } = c.expect;
        const got: Record<string, unknown> = {};
        for (const k of Object.keys(fields)) got[k] = (q as unknown as Record<string, unknown>)[k];
        expect(got).toEqual(fields);
        if (metrics) expect(q.metrics.map((m) => m.name)).toEqual(metrics);
        for (const s of restHas ?? []) expect(q.rest).toContain(s);
        for (const s of restLacks ?? []) expect(q.rest).not.toContain(s);
        if (wantAssumed) expect([...assumed].sort()).toEqual([...wantAssumed].sort());
      });
    }
  });
}

describe("case files", () => {
  it("hold at least 300 cases", () => expect(total).toBeGreaterThanOrEqual(300));
});
