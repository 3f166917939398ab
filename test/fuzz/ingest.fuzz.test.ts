// Ingestion must survive anything a docs folder can contain: no exception, bounded time, and no
// figure in a table that is not printed at the cell's place in the original text.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { decodeDocument } from "../../src/ingest/decode.js";
import { ingestBytes, type DocModel } from "../../src/ingest/index.js";
import { halfWidth } from "../../src/ingest/normalize.js";
import {
  budgetLikeText,
  everyPlaneText,
  nestedBrackets,
  randomChinese,
  tableLikeText,
} from "./arbitraries.js";

const SEEDS = path.resolve("seeds");
const seedTexts = readdirSync(SEEDS)
  .filter((f) => f.endsWith(".txt"))
  .map((f) => readFileSync(path.join(SEEDS, f), "utf8"));

const timed = <T>(fn: () => T): { result: T; ms: number } => {
  const start = performance.now();
  const result = fn();
  return { result, ms: performance.now() - start };
};

/** Spans inside the text, and every numeric cell's value printed verbatim at its span. */
function checkModel(model: DocModel): void {
  const text = model.text;
  const inBounds = ([s, e]: [number, number]) => 0 <= s && s <= e && e <= text.length;
  for (const s of model.sections) expect(inBounds(s.span), `section span ${s.span}`).toBe(true);
  for (const s of model.sentences) expect(inBounds(s.span), `sentence span ${s.span}`).toBe(true);
  for (const table of model.tables) {
    expect(inBounds(table.span)).toBe(true);
    for (const row of table.rows) {
      expect(inBounds(row.span)).toBe(true);
      for (const cell of row.cells) {
        expect(inBounds(cell.span)).toBe(true);
        if (cell.value === null) continue;
        const printed = [...text.slice(cell.span[0], cell.span[1])]
          .map(halfWidth)
          .join("")
          .replace(/[\s,%]/g, "")
          .replace("−", "-");
        expect(printed, `cell "${cell.text}" value ${cell.value}`).toBe(cell.value);
      }
    }
  }
}

function ingestChecked(bytes: Uint8Array, maxMs: number): void {
  const { result, ms } = timed(() => ingestBytes("fuzz.txt", bytes));
  expect(ms).toBeLessThan(maxMs);
  if (result.ok) checkModel(result.model);
  else expect(result.reason.length).toBeGreaterThan(0);
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));

describe("decodeDocument on arbitrary bytes", () => {
  it("never throws, and accepts only text with content", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        const decoded = decodeDocument(bytes);
        if (decoded.ok) expect(decoded.text.trim().length).toBeGreaterThan(0);
        else expect(decoded.reason).toMatch(/\S/);
      }),
      { numRuns: 300 },
    );
  });

  it("round-trips real disclosure text in every supported encoding", () => {
    const encoders: Array<[string, (s: string) => Uint8Array]> = [
      ["utf8", utf8],
      ["utf8+bom", (s) => utf8(`\ufeff${s}`)],
      [
        "utf16le+bom",
        (s) => new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(s, "utf16le")])),
      ],
      [
        "utf16be+bom",
        (s) => new Uint8Array(Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(s, "utf16be")])),
      ],
      ["gb18030", (s) => new Uint8Array(iconv.encode(s, "gb18030"))],
    ];
    const excerpt = fc
      .record({
        doc: fc.integer({ min: 0, max: seedTexts.length - 1 }),
        at: fc.nat(),
        len: fc.integer({ min: 300, max: 3000 }),
      })
      .map(({ doc, at, len }) => {
        const text = seedTexts[doc]!;
        const start = at % Math.max(1, text.length - len);
        return text.slice(start, start + len);
      })
      .filter((s) => s.trim().length > 0);
    fc.assert(
      fc.property(excerpt, fc.constantFrom(...encoders), (text, [name, encode]) => {
        const decoded = decodeDocument(encode(text));
        expect(decoded.ok, name).toBe(true);
        if (decoded.ok) expect(decoded.text).toBe(text);
      }),
      { numRuns: 100 },
    );
  });

  it("never decodes a truncated UTF-8 file as another encoding", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: seedTexts.length - 1 }),
        fc.integer({ min: 50, max: 20000 }),
        (doc, cut) => {
          const bytes = utf8(seedTexts[doc]!).subarray(0, cut);
          const decoded = decodeDocument(bytes);
          expect(decoded.ok).toBe(true);
          if (decoded.ok) expect(decoded.encoding).toMatch(/^UTF-8/);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("handles text from every Unicode plane, lone surrogates included", () => {
    fc.assert(
      fc.property(everyPlaneText(500), fc.constantFrom("utf8", "utf16le"), (text, enc) => {
        const bytes =
          enc === "utf8"
            ? utf8(text)
            : new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, "utf16le")]));
        decodeDocument(bytes); // must not throw
      }),
      { numRuns: 200 },
    );
  });
});

describe("ingestBytes on hostile documents", () => {
  it("random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8192 }), (bytes) => ingestChecked(bytes, 2000)),
      { numRuns: 200 },
    );
  });

  it("random Chinese text and every Unicode plane", () => {
    fc.assert(
      fc.property(fc.oneof(randomChinese(2000), everyPlaneText(1000)), (text) =>
        ingestChecked(utf8(text), 2000),
      ),
      { numRuns: 150 },
    );
  });

  it("budget-like text with tables, thousands separators and full-width digits", () => {
    const doc = fc
      .array(fc.oneof(tableLikeText, budgetLikeText(200)), { minLength: 1, maxLength: 6 })
      .map((parts) => parts.join("\n"));
    fc.assert(
      fc.property(doc, (text) => ingestChecked(utf8(text), 2000)),
      { numRuns: 200 },
    );
  });

  it("deep brackets and very long lines", () => {
    const doc = fc.oneof(
      nestedBrackets,
      fc.constantFrom(
        "科学技术支出 1,234.56 ".repeat(20000),
        "（".repeat(100000),
        "1".repeat(200000),
        `表\n${"\t1\n".repeat(30000)}`,
      ),
    );
    fc.assert(
      fc.property(doc, (text) => ingestChecked(utf8(text), 10000)),
      { numRuns: 12 },
    );
  });

  it("mutated seed documents (bytes flipped, cut, duplicated)", () => {
    const mutated = fc
      .record({
        doc: fc.integer({ min: 0, max: seedTexts.length - 1 }),
        flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 50 }),
        cut: fc.option(fc.nat(), { nil: undefined }),
      })
      .map(({ doc, flips, cut }) => {
        const bytes = Buffer.from(seedTexts[doc]!, "utf8");
        for (const [at, byte] of flips) bytes[at % bytes.length] = byte;
        return new Uint8Array(cut === undefined ? bytes : bytes.subarray(0, cut % bytes.length));
      });
    fc.assert(
      fc.property(mutated, (bytes) => ingestChecked(bytes, 5000)),
      { numRuns: 25 },
    );
  });
});
