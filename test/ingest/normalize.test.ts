import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { halfWidth, labelKey } from "../../src/ingest/normalize.js";

/** labelKey as five regular-expression replaces: the definition the one-pass version must keep. */
function labelKeyByReplaces(s: string): string {
  return s
    .replace(/[\u3000\uff01-\uff5e]/g, halfWidth)
    .replace(/\s+/g, "")
    .replace(
      /^(?:\d{1,2}[.、](?!\d)|[一二三四五六七八九十]{1,3}[、.]|[(（][一二三四五六七八九十\d]{1,3}[)）]|其中[:：]?)/,
      "",
    )
    .replace(/\((类|款|项)\)/g, "")
    .replace(/["'“”‘’「」『』《》()（）【】[\]、·•]/g, "");
}

const CORPUS = "../shared/corpus/text";

describe("labelKey", () => {
  it("keys labels as before: half-width, no spaces, no enumerator, no 类/款/项 markers or brackets", () => {
    expect(labelKey("（一）科学技术（类）支出")).toBe("科学技术支出");
    expect(labelKey("其中：办公费　（项）")).toBe("办公费");
    expect(labelKey("“三公”经费 2019年")).toBe("三公经费2019年");
    expect(labelKey("１．２０２２年，ＡＢ")).toBe("1.2022年，AB");
    expect(labelKey("((类)")).toBe("");
  });

  it("is the same as the five replaces on edge cases and every line of the seeds and corpus", () => {
    const cases = [
      "",
      " ",
      "\u3000\u3000",
      "（类）",
      "(款)(项)x",
      "((项))",
      "1.5万元",
      "12、其中：",
      "一、（二）",
      "其中:其中:",
      "\ufeff【表】·•、",
      "Ａ\u00a0Ｂ\u2028Ｃ",
      "（“类”）",
      "十一、十二、",
    ];
    const files = [
      ...readdirSync("seeds").map((f) => join("seeds", f)),
      ...(existsSync(CORPUS) ? readdirSync(CORPUS).map((f) => join(CORPUS, f)) : []),
    ].filter((f) => f.endsWith(".txt"));
    for (const f of files) cases.push(...readFileSync(f, "utf8").split("\n"));
    expect(cases.length).toBeGreaterThan(1000);
    const differing = cases.filter((c) => labelKey(c) !== labelKeyByReplaces(c));
    expect(differing).toEqual([]);
  });
});
