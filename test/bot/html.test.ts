import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeHtml, htmlToPlainText, splitHtml } from "../../src/bot/html.js";
import { parseTelegramHtml } from "../helpers/telegram-server.js";

const noSpace = (s: string) => s.replace(/\s+/g, "");

describe("escapeHtml", () => {
  it("escapes the characters Telegram's HTML mode reserves, and nothing else", () => {
    expect(escapeHtml(`<b>"预算" & 决算</b> 100%`)).toBe(
      "&lt;b&gt;&quot;预算&quot; &amp; 决算&lt;/b&gt; 100%",
    );
    expect(parseTelegramHtml(escapeHtml("a<b>&amp;</b>")).text).toBe("a<b>&amp;</b>");
  });
});

describe("splitHtml", () => {
  it("keeps a short message whole and drops a blank one", () => {
    expect(splitHtml("<b>1</b>\n2")).toEqual(["<b>1</b>\n2"]);
    expect(splitHtml("<b> </b>\n")).toEqual([]);
  });

  it("cuts between lines, closing and reopening a blockquote that spans the cut", () => {
    const html = `<b>标题</b>\n<blockquote>第一行内容\n第二行内容\n第三行内容</blockquote>\n<i>来源</i>`;
    const pieces = splitHtml(html, 40);
    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(40);
      expect(() => parseTelegramHtml(p)).not.toThrow();
    }
    // Lines are never cut in the middle.
    const lines = pieces.flatMap((p) => htmlToPlainText(p).split("\n"));
    expect(lines).toEqual(["标题", "第一行内容", "第二行内容", "第三行内容", "来源"]);
    expect(pieces.filter((p) => p.includes("<blockquote>")).length).toBeGreaterThan(1);
  });

  it("cuts an over-long single line between characters, never inside an entity or a surrogate pair", () => {
    const line = `<b>${"&amp;😀字".repeat(40)}</b>`;
    const pieces = splitHtml(line, 50);
    for (const p of pieces) {
      expect(p.length).toBeLessThanOrEqual(50);
      expect(() => parseTelegramHtml(p)).not.toThrow();
      expect(p).toMatch(/^<b>.*<\/b>$/s);
    }
    expect(pieces.map((p) => htmlToPlainText(p)).join("")).toBe("&😀字".repeat(40));
  });

  it("always yields well-formed pieces within the limit that keep all the text (property)", () => {
    const text = fc.string({
      unit: fc.constantFrom("a", "预", "算", " ", "<", ">", "&", '"', "😀", "\n"),
      maxLength: 120,
    });
    const block = fc.oneof(
      text.map(escapeHtml),
      text.map((t) => `<b>${escapeHtml(t)}</b>`),
      text.map((t) => `<blockquote>${escapeHtml(t)}</blockquote>`),
      fc.tuple(text, text).map(([a, b]) => `<i>${escapeHtml(a)}<code>${escapeHtml(b)}</code></i>`),
    );
    fc.assert(
      fc.property(fc.array(block, { maxLength: 30 }), fc.integer({ min: 40, max: 400 }), (blocks, limit) => {
        const html = blocks.join("\n");
        const pieces = splitHtml(html, limit);
        for (const p of pieces) {
          expect(p.length).toBeLessThanOrEqual(limit);
          expect(noSpace(parseTelegramHtml(p).text)).not.toBe("");
        }
        expect(noSpace(pieces.map((p) => parseTelegramHtml(p).text).join(""))).toBe(
          noSpace(htmlToPlainText(html)),
        );
      }),
      { numRuns: 300 },
    );
  });
});
