/**
 * Table reading quality over the real corpus (../shared/corpus), both pdftotext shapes:
 *  1. table-cell recall: each `table-cell` gold question has a row in its document's model with a
 *     cell equal to the gold figure, whose row span quotes the figure, and whose label/code (or a
 *     specific column header) the question names;
 *  2. check pass rate: arithmetic checks passed / run over all tables;
 *  3. tables reported absent although their rows are printed, and table-of-contents entries taken for tables.
 *
 *   npx tsx src/bench/tables-quality.ts [--corpus ../shared/corpus] [--gold ../shared/eval/real.jsonl] [--verbose]
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Decimal } from "decimal.js";
import { ingestBytes, labelKey, type DocModel } from "../ingest/index.js";
import { templateRowLabel } from "../ingest/table-templates.js";

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : def;
};
const corpus = opt("--corpus", "../shared/corpus");
const goldPath = opt("--gold", "../shared/eval/real.jsonl");
const verbose = args.includes("--verbose");

interface Gold {
  id: string;
  doc: string;
  question: string;
  answer: string;
  kind: string;
}
const gold: Gold[] = readFileSync(goldPath, "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Gold)
  .filter((g) => g.kind === "table-cell");

/** The shape of each text/ file, from the corpus README table ("| stem | … | plain |"). */
function shapes(): Map<string, "plain" | "layout"> {
  const out = new Map<string, "plain" | "layout">();
  for (const line of readFileSync(join(corpus, "README.md"), "utf8").split("\n")) {
    const cols = line.split("|").map((c) => c.trim());
    const shape = cols.find((c) => c === "plain" || c === "layout");
    if (cols[1] && /^\d{3}_/.test(cols[1]) && shape) out.set(cols[1], shape);
  }
  return out;
}

const dec = (s: string): Decimal | null => {
  const t = s.replace(/[,，\s]/g, "").replace(/%$/, "");
  return /^[-−]?\d+(\.\d+)?$/.test(t) ? new Decimal(t.replace("−", "-")) : null;
};
const GENERIC = new Set(["合计", "小计", "总计", "金额", "预算数", "决算数", "本年预算", "项目", "其中"]);

function found(model: DocModel, g: Gold): boolean {
  const want = dec(g.answer);
  if (!want) return false;
  const q = labelKey(g.question);
  const figure = g.answer.replace(/\s/g, "");
  for (const t of model.tables)
    for (const r of t.rows) {
      const spanText = model.text.slice(r.span[0], r.span[1]).replace(/\s/g, "");
      if (!spanText.includes(figure)) continue;
      const label = labelKey(r.label);
      const rowNamed = (label.length >= 2 && q.includes(label)) || (r.code !== null && q.includes(r.code));
      for (const c of r.cells) {
        const v = dec(c.text);
        if (!v || !v.eq(want)) continue;
        const colNamed = (c.column ?? "")
          .split("›")
          .map((s) => labelKey(s))
          .some((s) => s.length >= 2 && !GENERIC.has(s) && q.includes(s));
        // An unlabelled row of a known form is named by the form and the column ("三公经费" + "合计").
        const formNamed =
          !r.label &&
          labelKey((templateRowLabel(t.title) ?? "") + (c.column ?? "").split(" › ").slice(1).join(""))
            .length > 2 &&
          q.includes(
            labelKey((templateRowLabel(t.title) ?? "") + (c.column ?? "").split(" › ").slice(1).join("")),
          );
        if (rowNamed || colNamed || formNamed) return true;
      }
    }
  return false;
}

function build(path: string): DocModel {
  const o = ingestBytes(path, readFileSync(path));
  if (!o.ok) throw new Error(`${path}: ${o.reason}`);
  return o.model;
}

const shapeOf = shapes();
const stats = {
  plain: { hit: 0, n: 0, run: 0, failed: 0, tables: 0, absent: 0, absentPrinted: 0, toc: 0 },
  layout: { hit: 0, n: 0, run: 0, failed: 0, tables: 0, absent: 0, absentPrinted: 0, toc: 0 },
};
const misses: string[] = [];
const absentNotes: string[] = [];
const docs = readdirSync(join(corpus, "text"))
  .filter((f) => f.endsWith(".txt"))
  .sort();
for (const f of docs) {
  const stem = f.replace(/\.txt$/, "");
  const mainShape = shapeOf.get(stem) ?? "plain";
  for (const [dir, shape] of [
    ["text", mainShape],
    ["text-alt", mainShape === "plain" ? "layout" : "plain"],
  ] as const) {
    const model = build(join(corpus, dir, f));
    const s = stats[shape];
    for (const t of model.tables) {
      s.tables++;
      s.run += t.checks.run;
      s.failed += t.checks.failed;
      if (!t.present && !t.statedEmpty) {
        s.absent++;
        // A table reported absent although figures follow its title within the next lines.
        const after = model.text.slice(t.span[1], t.span[1] + 600);
        const figures = (after.match(/\d[\d,]*\.\d{2}/g) ?? []).length;
        const firstLine = model.text.slice(t.span[0], t.span[1]).split("\n")[0] ?? "";
        // A title line at the start of a contents list ("一、收支预算总表") is a TOC entry.
        const tocLike = /^\s*[一二三四五六七八九十]+、/.test(firstLine) && figures === 0;
        if (tocLike) s.toc++;
        else if (figures >= 4) {
          s.absentPrinted++;
          absentNotes.push(`${shape} ${stem}: "${t.title}" absent, ${figures} figures follow`);
        }
      }
    }
    for (const g of gold.filter((x) => x.doc === stem)) {
      s.n++;
      if (found(model, g)) s.hit++;
      else misses.push(`${shape} ${g.id} ${g.answer} ${g.question}`);
    }
  }
}
const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) + "%" : "-");
for (const [shape, s] of Object.entries(stats)) {
  console.log(
    `${shape.padEnd(6)} recall ${pct(s.hit, s.n)} (${s.hit}/${s.n})  checks passed ${pct(s.run - s.failed, s.run)} (${s.run - s.failed}/${s.run}) over ${s.tables} tables  absent ${s.absent} (printed ${s.absentPrinted}, toc-like ${s.toc})`,
  );
}
const all = { hit: stats.plain.hit + stats.layout.hit, n: stats.plain.n + stats.layout.n };
const run = stats.plain.run + stats.layout.run;
const failed = stats.plain.failed + stats.layout.failed;
console.log(
  `all    recall ${pct(all.hit, all.n)} (${all.hit}/${all.n})  checks passed ${pct(run - failed, run)} (${run - failed}/${run})`,
);
if (verbose) {
  console.log("\nmisses:\n" + misses.join("\n"));
  console.log("\nabsent with printed figures:\n" + absentNotes.join("\n"));
}
console.log(JSON.stringify({ stats, recall: all }));
