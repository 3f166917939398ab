import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Issue 10: domain words are data (intents/lexicon/*.yaml), not code. A regex literal, or a string
 * or template a pattern is built from, alternating three or more Chinese words is a word list; the
 * ones still here are listed below, each with why it stays. A new one fails this test: put its words
 * in the lexicon (answering.yaml and src/operations/words.ts for the answering, layout.yaml and
 * src/ingest/layout.ts for the ingestion) or, when it is structure rather than vocabulary, add it here
 * with a reason.
 */
const FOLDERS = [
  "src/operations",
  "src/answer",
  "src/facts",
  "src/query",
  "src/ingest",
  "src/resolve",
  "src/search",
];

const ALLOWED: Record<string, string> = {
  "src/facts/extract.ts /(支出)?(预算|决算)?(情况)?(明细)?表$/":
    "layout: the tail of a table title, optional parts in their print order (a shape, not a list)",
  // The document kinds are the values of DocKind (src/ingest/model.ts), a schema enum: the
  // patterns read which of them a document is.
  "src/ingest/metadata.ts /(部门|单位)(预算|决算)/g": "schema: the DocKind values (部门/单位 × 预算/决算)",
  "src/ingest/metadata.ts /单位(?:预算|决算)/": "schema: the DocKind values of a unit (单位预算/单位决算)",
  "src/ingest/metadata.ts /部门(?:预算|决算)/": "schema: the DocKind values of a department",
  "src/ingest/metadata.ts /(预|决)算|自评/": "schema: a title naming one of the DocKind values",
  "src/ingest/normalize.ts /\\((?:类|款|项)\\)|[\"'“”‘’「」『』《》()（）【】[\\]、·•]/g":
    "structural: the three levels of the national subject code (类/款/项), printed after a name, and brackets",
};

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });

/**
 * Patterns of a source file (found by the TypeScript parser, not by a regex): regex literals as
 * written, and the text of string and template literals (a pattern built as a string), quoted.
 */
function patternsOf(path: string, text = readFileSync(path, "utf8")): string[] {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) out.push(node.getText(source));
    else if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    )
      out.push(JSON.stringify(node.text));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The alternatives of a pattern that are Chinese words ("(增加|减少)" → 增加, 减少). */
function chineseAlternatives(pattern: string): string[] {
  const body = pattern.startsWith("/")
    ? pattern.slice(1, pattern.lastIndexOf("/"))
    : (JSON.parse(pattern) as string);
  if (!body.includes("|")) return [];
  return body
    .split(/[|()]/)
    .map((p) => p.replace(/^(\?:|\?<?[=!])|[\^$+*?]+$|^\^/g, ""))
    .filter((p) => /^[\u4e00-\u9fa5]+$/.test(p));
}

/** The word lists of a file: its patterns alternating three or more Chinese words. */
const wordLists = (path: string, text?: string) =>
  patternsOf(path, text)
    .filter((r) => chineseAlternatives(r).length >= 3)
    .map((r) => `${path} ${r}`);

describe("no domain word list in code", () => {
  const found = FOLDERS.flatMap(files).flatMap((f) => wordLists(f));

  it("finds word alternations (the scan works)", () => {
    expect(chineseAlternatives("/(增加|减少|下降)$/")).toEqual(["增加", "减少", "下降"]);
    expect(chineseAlternatives("/[\\u4e00-\\u9fa5]+/")).toEqual([]);
    expect(chineseAlternatives(JSON.stringify("(?:局|委|办)$"))).toEqual(["局", "委", "办"]);
    expect(found.length).toBeGreaterThan(0);
  });

  it("catches a list planted in a source file, as a regex or built as a string", () => {
    const planted = [
      "const A = /(合计|总计|小计)$/;",
      'const UNITS = "万元|亿元|千元";',
      "const B = new RegExp(`^(?:局|委员会|办公室)${x}`);",
      "const C = /(预算|决算)$/; // two words: not a list",
    ].join("\n");
    expect(wordLists("src/ingest/planted.ts", planted)).toEqual([
      "src/ingest/planted.ts /(合计|总计|小计)$/",
      'src/ingest/planted.ts "万元|亿元|千元"',
      'src/ingest/planted.ts "^(?:局|委员会|办公室)"',
    ]);
    // A file of each folder the guard covers is read: a planted list there would be found.
    for (const dir of FOLDERS) expect(files(dir).length, dir).toBeGreaterThan(0);
  });

  it("has no Chinese word alternation outside the lexicon but the listed ones", () => {
    const unlisted = found.filter((k) => !(k in ALLOWED));
    expect(
      unlisted,
      "move these words to intents/lexicon/*.yaml, or list a layout pattern in ALLOWED with a reason",
    ).toEqual([]);
  });

  it("lists no pattern that is gone (the allow-list shrinks as words move)", () => {
    expect(Object.keys(ALLOWED).filter((k) => !found.includes(k))).toEqual([]);
  });

  it("keeps the issue-10 lists out of code (particles, 无/没有, count units, change and down words)", () => {
    const all = found.join("\n");
    for (const gone of ["呢|吗|啊", "没有|未发生", "压减|压缩|缩减", "调减|调增"])
      expect(all).not.toContain(gone);
  });

  it("keeps the layout, unit, figure-unit and search lists out of code (now in the lexicon)", () => {
    const all = found.join("\n");
    for (const gone of [
      "万元|亿元|千元", // figure units (answering.yaml figureUnits)
      "局|委员会|委", // unit-name endings (orgs.yaml mentionSuffixes, layout.yaml orgSuffixes)
      "说明|情况|概况", // heading endings (layout.yaml)
      "怎么|怎样|如何", // search stop-words (answering.yaml notTopic)
      "注|说明|备注", // note openers (layout.yaml)
    ])
      expect(all).not.toContain(gone);
  });
});
