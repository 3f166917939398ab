// engine.ask must take any string a chat can deliver: no exception, bounded time, a well-formed
// result, and never a figure that is not printed verbatim in a document.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AnswerResult } from "../../src/answer/types.js";
import { openEngine, type Engine } from "../../src/engine/index.js";
import {
  amount,
  budgetLikeText,
  everyPlaneText,
  meaninglessNoise,
  nestedBrackets,
  randomChinese,
  toFullWidth,
} from "./arbitraries.js";

const SEEDS = path.resolve("seeds");
const INTENTS = path.resolve("intents");
const compact = (s: string) => s.replace(/\s+/g, "");

// Compared without whitespace, like the answer contract ("verbatim, whitespace aside").
const docText = new Map(
  readdirSync(SEEDS)
    .filter((f) => f.endsWith(".txt"))
    .map((f) => [path.basename(f, ".txt"), compact(readFileSync(path.join(SEEDS, f), "utf8"))]),
);

let engine: Engine;
let indexDir: string;

beforeAll(async () => {
  indexDir = mkdtempSync(path.join(os.tmpdir(), "fuzz-ask-"));
  ({ engine } = await openEngine({ docsDir: SEEDS, indexDir, intentsDir: INTENTS, rebuild: true }));
});

afterAll(() => rmSync(indexDir, { recursive: true, force: true }));

/** Asks, checks the time bound and the result's shape, and that every quoted figure is real. */
function askChecked(question: string, maxMs: number, docs?: string[]): AnswerResult {
  const start = performance.now();
  const result = engine.ask(question, docs ? { docs } : undefined);
  const ms = performance.now() - start;
  expect(ms, `answer took ${ms.toFixed(0)} ms`).toBeLessThan(maxMs);
  expect(AnswerResult.safeParse(result).success).toBe(true);
  expect(result.reply.length).toBeGreaterThan(0);
  for (const a of result.answers) {
    const text = docText.get(a.doc);
    expect(text, `answer cites unknown document ${a.doc}`).toBeDefined();
    if (a.source === "computed") {
      expect(a.formula, "a computed figure shows its formula").toBeTruthy();
      continue;
    }
    expect(text!.includes(compact(a.quote)), `quote not in ${a.doc}: ${a.quote.slice(0, 80)}`).toBe(true);
    expect(compact(a.quote).includes(compact(a.value)), `figure ${a.value} not in its quote`).toBe(true);
  }
  return result;
}

const FAST = 1000; // ms per question of ordinary length (2 cores, test workers running in parallel)
const LONG = 5000; // ms for 100,000-character questions

describe("engine.ask on hostile questions", () => {
  it("random Chinese text and budget-like word salad", () => {
    fc.assert(
      fc.property(fc.oneof(randomChinese(200), budgetLikeText(40)), (q) => {
        askChecked(q, FAST);
      }),
      { numRuns: 150 },
    );
  });

  it("every Unicode plane, lone surrogates included, and random bytes read as text", () => {
    const randomBytesAsText = fc
      .tuple(fc.uint8Array({ maxLength: 600 }), fc.constantFrom<BufferEncoding>("utf8", "latin1", "utf16le"))
      .map(([bytes, enc]) => Buffer.from(bytes).toString(enc));
    fc.assert(
      fc.property(fc.oneof(everyPlaneText(200), randomBytesAsText), (q) => {
        askChecked(q, FAST);
      }),
      { numRuns: 150 },
    );
  });

  it("noise with no letters, digits or Han characters is never answered with a figure", () => {
    fc.assert(
      fc.property(meaninglessNoise, (q) => {
        expect(askChecked(q, FAST).status).not.toBe("answered");
      }),
      { numRuns: 150 },
    );
  });

  it("numbers with thousands separators and full-width digits", () => {
    const question = fc
      .tuple(
        fc.constantFrom("曾都区科经局", "焦作市城乡一体化示范区工业和信息化局", "武冈市", "", "２０２２年"),
        amount,
        fc.constantFrom("三公经费", "科学技术支出", "收入总计", "是多少", ""),
      )
      .map(([unit, figure, topic]) => `${unit}${topic}${figure}${topic ? "" : "是哪一项"}`);
    fc.assert(
      fc.property(question, (q) => {
        askChecked(q, FAST);
        askChecked(toFullWidth(q), FAST);
      }),
      { numRuns: 100 },
    );
  });

  it("deeply nested brackets", () => {
    fc.assert(
      fc.property(nestedBrackets, (q) => {
        askChecked(q, LONG);
      }),
      { numRuns: 30 },
    );
  });

  it("100,000-character questions", () => {
    const huge = [
      "三公经费".repeat(25_000),
      "曾都区科经局2023年三公经费是多少".repeat(6_000).slice(0, 100_000),
      "1,234.56".repeat(12_500),
      "２".repeat(100_000),
      "(".repeat(50_000) + ")".repeat(50_000),
      " \n\t".repeat(33_334),
      fc.sample(randomChinese(100_000), { seed: 7, numRuns: 1 })[0]!.padEnd(100_000, "支"),
      "\u{1F600}".repeat(50_000),
    ];
    for (const q of huge) askChecked(q, LONG);
  });

  it("passage() with any document id and span", () => {
    const span = fc.tuple(fc.integer({ min: -10, max: 200_000 }), fc.integer({ min: -10, max: 200_000 }));
    const id = fc.oneof(fc.constantFrom(...docText.keys()), fc.string());
    const odd = fc.constantFrom(NaN, Infinity, -Infinity, 1.5, Number.MAX_SAFE_INTEGER);
    fc.assert(
      fc.property(id, fc.oneof(span, fc.tuple(odd, odd)), (doc, [a, b]) => {
        const passage = engine.passage(doc, [a, b]);
        expect(passage === null || typeof passage === "string").toBe(true);
        if (!docText.has(doc)) expect(passage).toBeNull();
      }),
      { numRuns: 200 },
    );
  });

  it("restricting to unknown or odd document ids", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string(), fc.constantFrom(...docText.keys())), { maxLength: 4 }),
        budgetLikeText(10),
        (docs, q) => {
          askChecked(q, FAST, docs);
        },
      ),
      { numRuns: 80 },
    );
  });
});
