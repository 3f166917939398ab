// How faithful our PDF text is to pdftotext's: answers quote slices of our text, and a quote is
// accepted only when found (all whitespace removed) in pdftotext output of the same PDF.
//
//   npx tsx src/bench/pdf-fidelity.ts [--corpus ../shared/corpus] [--gold ../shared/eval/real.jsonl] [--json]
//                                     [--show-missing] [--only stem,stem]
//
// For each PDF: the share of gold quote parts (quotes split on "…") found in our text, and the share
// of whitespace-free 20-character windows of the `pdftotext -layout` text that occur in ours.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { readPdf, pdfText } from "../ingest/pdf.js";

export const squeeze = (s: string) => s.replace(/\s+/g, "");

export interface GoldQuote {
  doc: string;
  id: string;
  quote: string;
}

/** Whitespace-free parts of gold quotes ("…" separates the pieces of one quote). */
export function quoteParts(gold: GoldQuote[]): Array<{ doc: string; id: string; part: string }> {
  const out: Array<{ doc: string; id: string; part: string }> = [];
  for (const g of gold) {
    if (!g.quote) continue;
    for (const piece of g.quote.split("…")) {
      const part = squeeze(piece);
      if (part) out.push({ doc: g.doc, id: g.id, part });
    }
  }
  return out;
}

export function readGold(path: string): GoldQuote[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as GoldQuote);
}

/** Share of whitespace-free `size`-character windows of `reference` that occur in `ours`. */
export function windowRecall(reference: string, ours: string, size = 20): number {
  const ref = squeeze(reference);
  const mine = squeeze(ours);
  if (ref.length < size) return mine.includes(ref) ? 1 : 0;
  let hit = 0;
  let total = 0;
  for (let i = 0; i + size <= ref.length; i += size) {
    total++;
    if (mine.includes(ref.slice(i, i + size))) hit++;
  }
  return total ? hit / total : 1;
}

/** Both pdftotext shapes of a document (whichever exist), whitespace removed. */
export function referenceTexts(corpus: string, stem: string): string[] {
  return ["text", "text-alt"]
    .map((dir) => join(corpus, dir, `${stem}.txt`))
    .filter((p) => existsSync(p))
    .map((p) => squeeze(readFileSync(p, "utf8")));
}

/**
 * Share of whitespace-free `size`-character windows of our text found in one of the references:
 * how much of our text an answer could quote and have accepted.
 */
export function windowPrecision(ours: string, references: string[], size = 20): number {
  const mine = squeeze(ours);
  let hit = 0;
  let total = 0;
  for (let i = 0; i + size <= mine.length; i += size) {
    total++;
    const w = mine.slice(i, i + size);
    if (references.some((r) => r.includes(w))) hit++;
  }
  return total ? hit / total : 1;
}

/** Which of a folder's two pdftotext shapes is the -layout one (more runs of 3+ spaces). */
export function layoutText(corpus: string, stem: string): string | null {
  let best: string | null = null;
  let bestRuns = -1;
  for (const dir of ["text", "text-alt"]) {
    const p = join(corpus, dir, `${stem}.txt`);
    if (!existsSync(p)) continue;
    const t = readFileSync(p, "utf8");
    const runs = (t.match(/\S {3,}\S/g) ?? []).length;
    if (runs > bestRuns) [best, bestRuns] = [t, runs];
  }
  return best;
}

export interface FidelityRow {
  doc: string;
  pages: number;
  parts: number;
  found: number;
  windows: number;
  /** Share of our 20-character windows found in either pdftotext shape. */
  precision: number;
  ms: number;
  missing: string[];
}

export async function measure(corpus: string, goldPath: string, only?: string[]): Promise<FidelityRow[]> {
  const parts = existsSync(goldPath) ? quoteParts(readGold(goldPath)) : [];
  const rows: FidelityRow[] = [];
  const files = readdirSync(join(corpus, "pdf"))
    .filter((f) => f.toLowerCase().endsWith(".pdf"))
    .sort();
  for (const f of files) {
    const stem = basename(f, ".pdf");
    if (only && !only.includes(stem)) continue;
    const t0 = performance.now();
    const read = await readPdf(readFileSync(join(corpus, "pdf", f)), { rules: true });
    const ms = performance.now() - t0;
    const ours = read.ok ? pdfText(read.pages).text : "";
    const mine = squeeze(ours);
    const mineParts = parts.filter((p) => p.doc === stem);
    const missing = mineParts.filter((p) => !mine.includes(p.part)).map((p) => `${p.id}: ${p.part}`);
    const ref = layoutText(corpus, stem);
    rows.push({
      doc: stem,
      pages: read.ok ? read.pages.length : 0,
      parts: mineParts.length,
      found: mineParts.length - missing.length,
      windows: ref ? windowRecall(ref, ours) : NaN,
      precision: windowPrecision(ours, referenceTexts(corpus, stem)),
      ms,
      missing,
    });
  }
  return rows;
}

async function main() {
  const { values } = parseArgs({
    options: {
      corpus: { type: "string", default: "../shared/corpus" },
      gold: { type: "string", default: "../shared/eval/real.jsonl" },
      json: { type: "boolean", default: false },
      "show-missing": { type: "boolean", default: false },
      only: { type: "string" },
    },
  });
  const rows = await measure(values.corpus, values.gold, values.only?.split(","));
  const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(1) : "—");
  const parts = rows.reduce((s, r) => s + r.parts, 0);
  const found = rows.reduce((s, r) => s + r.found, 0);
  const pages = rows.reduce((s, r) => s + r.pages, 0);
  const ms = rows.reduce((s, r) => s + r.ms, 0);
  const meanWindows = rows.reduce((s, r) => s + r.windows, 0) / (rows.length || 1);
  const meanPrecision = rows.reduce((s, r) => s + r.precision, 0) / (rows.length || 1);
  if (values.json) {
    process.stdout.write(JSON.stringify({ rows, parts, found, pages, ms }) + "\n");
    return;
  }
  console.log(
    "doc                                   pages  quote parts found    layout windows  our windows   ms",
  );
  for (const r of rows) {
    console.log(
      `${r.doc.padEnd(38)}${String(r.pages).padStart(5)}  ${`${r.found}/${r.parts}`.padStart(7)} ${pct(r.found, r.parts).padStart(6)}%   ${(100 * r.windows).toFixed(1).padStart(6)}%      ${(100 * r.precision).toFixed(1).padStart(6)}%   ${Math.round(r.ms)}`,
    );
    if (values["show-missing"]) for (const m of r.missing) console.log(`      ✗ ${m}`);
  }
  console.log(
    `overall: quote parts ${found}/${parts} = ${pct(found, parts)}%; -layout 20-char windows in ours ${(100 * meanWindows).toFixed(1)}%; our windows in pdftotext ${(100 * meanPrecision).toFixed(1)}%; ${pages} pages in ${(ms / 1000).toFixed(1)} s = ${((pages * 1000) / ms).toFixed(1)} pages/s (text and rulings, as ingest reads them; one core)`,
  );
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
