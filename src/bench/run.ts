// `npm run bench [-- --sizes 10,100,1000] [--cpu-prof]`: builds synthetic corpora and measures
// ingest/index build, cold start, memory and answer latency (intent path vs full-text fallback)
// against a plain substring-scan baseline. Readable table on stdout, then one JSON line with every
// figure (last line). Logs go to stderr. With a folder of PDFs (`--pdfs DIR`, default
// ../shared/corpus/pdf, skipped when absent; `--pdf-only` for that part alone): pages read per second
// on one core, the folder built into the index with the worker pool, and one ~30-page PDF from file
// to first answer in a fresh process.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cut } from "nodejs-jieba";
import { logger } from "../config/logger.js";
import { ingestDocument } from "../ingest/index.js";
import { pdfText, readPdf } from "../ingest/pdf.js";
import { loaderArgs, siblingModule } from "../engine/build.js";
import { generateCorpus, type Corpus } from "./corpus.js";
import type { BuildProbe, ColdProbe, ProbeMode, ServeProbe } from "./probe.js";
import { benchQuestions, type BenchQuestion } from "./questions.js";
import { summarize, type LatencySummary } from "./stats.js";

const BENCH_DIR = ".bench";
const SEEDS_DIR = "seeds";
const INTENTS_DIR = "intents";
/** The probe beside this file: compiled (dist/) or TypeScript run through tsx. */
const PROBE_URL = siblingModule("probe", import.meta.url);
const PROBE = fileURLToPath(PROBE_URL);
const COLD_RUNS = 3;
const MB = 1e6; // throughput in MB of UTF-8 text per second

/** Targets at the largest corpus (1,000 documents, 2 cores). */
const TARGETS = {
  intent_p99_ms: 10,
  fulltext_p99_ms: 50,
  cold_start_ms: 3000,
  build_mb_per_s: 2,
  rss_mb: 1536,
};

/** One corpus size's figures: the serve probe's own, plus build, cold-open and baseline figures. */
type SizeResult = Pick<
  ServeProbe,
  | "cold_start_ms"
  | "first_answer_ms"
  | "first_fulltext_ms"
  | "docs_loaded"
  | "rss_mb"
  | "heap_mb"
  | "serving_rss_mb"
  | "serving_heap_mb"
  | "intent"
  | "fulltext"
  | "other"
  | "statuses"
  | "target_hit_rate"
> & {
  docs: number;
  corpus_mb: number;
  questions: number;
  build_ms: number;
  build_mb_per_s: number;
  build_peak_rss_mb: number;
  docs_failed: number;
  cold_open_ms: number;
  baseline_p50_ms: number | null;
  baseline_p99_ms: number | null;
  jieba_mb_per_s: number;
};

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** Probes still running: stopped with the benchmark, so an interrupted run leaves nothing behind. */
const running = new Set<ChildProcess>();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    for (const child of running) child.kill();
    process.exit(130);
  });
}

function runProbe<T>(mode: ProbeMode, args: string[], cpuProfDir: string | null): Promise<T> {
  const nodeArgs = [...loaderArgs(PROBE_URL), "--expose-gc"];
  if (cpuProfDir)
    nodeArgs.push(
      "--cpu-prof",
      "--cpu-prof-dir",
      cpuProfDir,
      "--cpu-prof-name",
      `${mode}-${Date.now()}.cpuprofile`,
    );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, PROBE, mode, ...args], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" },
    });
    running.add(child);
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      running.delete(child);
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0) return reject(new Error(`probe ${mode} exited with ${code}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`probe ${mode} printed no result: ${last.slice(0, 200)}`));
      }
    });
  });
}

async function loadTexts(corpus: Corpus): Promise<string[]> {
  return Promise.all(corpus.docs.map((d) => readFile(path.join(corpus.docsDir, d.file), "utf8")));
}

/** What a grep over every document costs: count all occurrences of the keyword. */
function baselineScan(texts: string[], questions: BenchQuestion[]): LatencySummary & { matches: number } {
  const samples: number[] = [];
  let found = 0;
  for (let round = 0; round < 3; round++) {
    for (const q of questions) {
      const t = performance.now();
      for (const text of texts) {
        for (let i = text.indexOf(q.keyword); i !== -1; i = text.indexOf(q.keyword, i + q.keyword.length))
          found++;
      }
      samples.push(performance.now() - t);
    }
  }
  // Returning the count keeps the scan observable, so it cannot be optimised away.
  return { ...summarize(samples), matches: found / 3 };
}

/** nodejs-jieba precise mode (`cut(text, true)`) over up to ~16 MB of the corpus. */
function jiebaThroughput(texts: string[]): number {
  cut("预热分词词典", true); // the dictionary loads on first use; keep that out of the figure
  let bytes = 0;
  const start = performance.now();
  for (const text of texts) {
    cut(text, true);
    bytes += Buffer.byteLength(text, "utf8");
    if (bytes > 16 * MB) break;
  }
  return round(bytes / MB / ((performance.now() - start) / 1000));
}

async function measureSize(size: number, cpuProfDir: string | null): Promise<SizeResult> {
  const corpus = await generateCorpus({
    size,
    seedsDir: SEEDS_DIR,
    outDir: path.join(BENCH_DIR, `corpus-${size}`),
  });
  const indexDir = path.join(BENCH_DIR, `index-${size}`);
  await rm(indexDir, { recursive: true, force: true });
  await mkdir(indexDir, { recursive: true });
  const questions = benchQuestions(corpus.docs);
  const questionsFile = path.join(BENCH_DIR, `questions-${size}.json`);
  await writeFile(questionsFile, JSON.stringify(questions, null, 1));
  const dirs = [corpus.docsDir, indexDir, INTENTS_DIR];

  logger.info({ size, mb: round(corpus.bytes / MB) }, "bench: building index");
  const build = await runProbe<BuildProbe>("build", dirs, cpuProfDir);
  logger.info({ size, build_ms: build.build_ms }, "bench: cold starts");
  const colds: ColdProbe[] = [];
  for (let i = 0; i < COLD_RUNS; i++) colds.push(await runProbe<ColdProbe>("cold", dirs, null));
  const medianCold = [...colds].sort((a, b) => a.cold_start_ms - b.cold_start_ms)[Math.floor(COLD_RUNS / 2)]!;
  logger.info({ size, questions: questions.length }, "bench: answering");
  const serve = await runProbe<ServeProbe>("serve", [...dirs, questionsFile], cpuProfDir);

  logger.info({ size }, "bench: baseline and jieba");
  const texts = await loadTexts(corpus);
  const baseline = baselineScan(texts, questions);
  const jieba = jiebaThroughput(texts);

  return {
    docs: size,
    corpus_mb: round(corpus.bytes / MB),
    questions: questions.length,
    build_ms: build.build_ms,
    build_mb_per_s: round(corpus.bytes / MB / (build.build_ms / 1000)),
    build_peak_rss_mb: build.peak_rss_mb,
    docs_loaded: build.docs_loaded,
    docs_failed: build.failed,
    cold_start_ms: medianCold.cold_start_ms,
    cold_open_ms: medianCold.open_ms,
    first_answer_ms: medianCold.first_answer_ms,
    first_fulltext_ms: medianCold.first_fulltext_ms,
    rss_mb: medianCold.rss_mb,
    heap_mb: medianCold.heap_mb,
    serving_rss_mb: serve.serving_rss_mb,
    serving_heap_mb: serve.serving_heap_mb,
    intent: serve.intent,
    fulltext: serve.fulltext,
    other: serve.other,
    statuses: serve.statuses,
    target_hit_rate: serve.target_hit_rate,
    baseline_p50_ms: baseline.p50_ms,
    baseline_p99_ms: baseline.p99_ms,
    jieba_mb_per_s: jieba,
  };
}

/** PDF reading: one core, the pooled build of the folder, and one ~30-page file to first answer. */
interface PdfResult {
  files: number;
  pages: number;
  /** pdf.js text items to layout text, in this thread. */
  read_pages_per_s: number;
  /** The same with the page rulings (operator lists) read too. */
  read_rules_pages_per_s: number;
  /** Whole ingestion (text, structure, tables, metadata), in this thread. */
  ingest_pages_per_s: number;
  /** `openEngine` over the folder from nothing (worker pool), in a fresh process. */
  build_ms: number;
  build_failed: number;
  one_file: string;
  one_pages: number;
  /** Fresh process, empty index, that one PDF: process start to the first answer. */
  one_first_answer_ms: number;
}

async function measurePdfs(dir: string): Promise<PdfResult> {
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith(".pdf"))
    .sort();
  const bytes = await Promise.all(files.map((f) => readFile(path.join(dir, f))));
  await readPdf(bytes[0]!, { rules: false }); // load pdf.js once, outside the figures
  const pagesOf: number[] = [];
  let start = performance.now();
  for (const b of bytes) {
    const read = await readPdf(b, { rules: false });
    if (read.ok) pdfText(read.pages);
    pagesOf.push(read.ok ? read.pages.length : 0);
  }
  const readMs = performance.now() - start;
  start = performance.now();
  for (const b of bytes) await readPdf(b, { rules: true });
  const rulesMs = performance.now() - start;
  start = performance.now();
  for (let i = 0; i < files.length; i++) await ingestDocument(files[i]!, bytes[i]!);
  const ingestMs = performance.now() - start;
  const pages = pagesOf.reduce((a, b) => a + b, 0);

  logger.info({ files: files.length, pages }, "bench: building the PDF folder's index");
  const indexDir = path.join(BENCH_DIR, "index-pdf");
  await rm(indexDir, { recursive: true, force: true });
  const build = await runProbe<BuildProbe>("build", [dir, indexDir, INTENTS_DIR], null);

  // The file nearest 30 pages, alone in a folder, built and asked in a fresh process.
  const one = pagesOf.reduce(
    (best, n, i) => (Math.abs(n - 30) < Math.abs(pagesOf[best]! - 30) ? i : best),
    0,
  );
  const oneDir = path.join(BENCH_DIR, "pdf-one");
  const oneIndex = path.join(BENCH_DIR, "index-pdf-one");
  await rm(oneDir, { recursive: true, force: true });
  await rm(oneIndex, { recursive: true, force: true });
  await mkdir(oneDir, { recursive: true });
  await copyFile(path.join(dir, files[one]!), path.join(oneDir, files[one]!));
  logger.info({ file: files[one] }, "bench: one PDF to first answer");
  const cold = await runProbe<ColdProbe>("cold", [oneDir, oneIndex, INTENTS_DIR], null);

  return {
    files: files.length,
    pages,
    read_pages_per_s: round((pages * 1000) / readMs, 1),
    read_rules_pages_per_s: round((pages * 1000) / rulesMs, 1),
    ingest_pages_per_s: round((pages * 1000) / ingestMs, 1),
    build_ms: build.build_ms,
    build_failed: build.failed,
    one_file: files[one]!,
    one_pages: pagesOf[one]!,
    one_first_answer_ms: cold.cold_start_ms,
  };
}

function formatPdf(r: PdfResult): string {
  return [
    `PDF reading (${r.files} files, ${r.pages} pages)`,
    `  one core: text ${r.read_pages_per_s} pages/s; with rulings ${r.read_rules_pages_per_s} pages/s; whole ingestion ${r.ingest_pages_per_s} pages/s   (target ≥ 15)`,
    `  folder built into the index (worker pool, fresh process): ${(r.build_ms / 1000).toFixed(1)} s${r.build_failed ? `, ${r.build_failed} unreadable` : ""}   (target ≤ 60 s)`,
    `  one ${r.one_pages}-page PDF, fresh process and index, start to first answer: ${(r.one_first_answer_ms / 1000).toFixed(1)} s`,
  ].join("\n");
}

function fmt(v: number | null | undefined, digits = 2): string {
  return v === null || v === undefined ? "–" : v.toFixed(digits);
}

/** Metrics as rows, sizes as columns, with the target (checked at the largest size). */
function formatTable(results: SizeResult[]): string {
  const rows: Array<[string, (r: SizeResult) => string, string]> = [
    ["documents", (r) => String(r.docs), ""],
    ["corpus text (MB)", (r) => fmt(r.corpus_mb, 1), ""],
    ["ingest + index build (s)", (r) => fmt(r.build_ms / 1000, 2), ""],
    ["build throughput (MB/s)", (r) => fmt(r.build_mb_per_s, 2), `≥ ${TARGETS.build_mb_per_s}`],
    ["build peak RSS (MB)", (r) => fmt(r.build_peak_rss_mb, 0), ""],
    ["cold start, fresh process (ms)", (r) => fmt(r.cold_start_ms, 0), `≤ ${TARGETS.cold_start_ms}`],
    ["  of which openEngine (ms)", (r) => fmt(r.cold_open_ms, 0), ""],
    ["first answer after start (ms)", (r) => fmt(r.first_answer_ms, 0), ""],
    ["first full-text answer after start (ms)", (r) => fmt(r.first_fulltext_ms, 0), ""],
    ["RSS after load (MB)", (r) => fmt(r.rss_mb, 0), `≤ ${TARGETS.rss_mb}`],
    ["heap after load (MB)", (r) => fmt(r.heap_mb, 0), ""],
    ["RSS after question set (MB)", (r) => fmt(r.serving_rss_mb, 0), ""],
    ["intent answers (n)", (r) => String(r.intent.count), ""],
    ["intent p50 (ms)", (r) => fmt(r.intent.p50_ms), ""],
    ["intent p95 (ms)", (r) => fmt(r.intent.p95_ms), ""],
    ["intent p99 (ms)", (r) => fmt(r.intent.p99_ms), `≤ ${TARGETS.intent_p99_ms}`],
    ["full-text answers (n)", (r) => String(r.fulltext.count), ""],
    ["full-text p50 (ms)", (r) => fmt(r.fulltext.p50_ms), ""],
    ["full-text p95 (ms)", (r) => fmt(r.fulltext.p95_ms), ""],
    ["full-text p99 (ms)", (r) => fmt(r.fulltext.p99_ms), `≤ ${TARGETS.fulltext_p99_ms}`],
    ["no via (n)", (r) => String(r.other.count), ""],
    ["no via p99 (ms)", (r) => fmt(r.other.p99_ms), ""],
    ["baseline substring scan p50 (ms)", (r) => fmt(r.baseline_p50_ms), ""],
    [
      "answered / ambiguous / not found",
      (r) => `${r.statuses.answered ?? 0}/${r.statuses.ambiguous ?? 0}/${r.statuses.not_found ?? 0}`,
      "",
    ],
    ["first answer cites the asked doc", (r) => `${Math.round(r.target_hit_rate * 100)}%`, ""],
    ["jieba cut(text, true) (MB/s)", (r) => fmt(r.jieba_mb_per_s, 2), ""],
  ];
  const header = ["metric", ...results.map((r) => `${r.docs} docs`), "target"];
  const body = rows.map(([name, get, target]) => [name, ...results.map(get), target]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(header), rule, ...body.map(line)].join("\n");
}

/** Targets met at the largest size; null when a figure is missing (e.g. no intent answers). */
function checkTargets(r: SizeResult): Record<keyof typeof TARGETS, boolean | null> {
  const le = (v: number | null, max: number) => (v === null ? null : v <= max);
  return {
    intent_p99_ms: le(r.intent.p99_ms, TARGETS.intent_p99_ms),
    fulltext_p99_ms: le(r.fulltext.p99_ms, TARGETS.fulltext_p99_ms),
    cold_start_ms: le(r.cold_start_ms, TARGETS.cold_start_ms),
    build_mb_per_s: r.build_mb_per_s >= TARGETS.build_mb_per_s,
    rss_mb: le(Math.max(r.rss_mb, r.serving_rss_mb), TARGETS.rss_mb),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: "string", default: "10,100,1000" },
      "cpu-prof": { type: "boolean", default: false },
      /** Folder of PDFs to measure reading on (skipped when absent). */
      pdfs: { type: "string", default: "../shared/corpus/pdf" },
      "pdf-only": { type: "boolean", default: false },
    },
  });
  if (values["pdf-only"]) {
    if (!existsSync(values.pdfs)) throw new Error(`no PDF folder ${values.pdfs}`);
    const pdf = await measurePdfs(values.pdfs);
    process.stdout.write(`${formatPdf(pdf)}\n${JSON.stringify({ date: new Date().toISOString(), pdf })}\n`);
    return;
  }
  const sizes = values.sizes.split(",").map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error(`--sizes must be positive integers: ${values.sizes}`);
  const cpuProfDir = values["cpu-prof"] ? path.resolve(BENCH_DIR, "prof") : null;

  const results: SizeResult[] = [];
  for (const size of sizes) results.push(await measureSize(size, cpuProfDir));
  const pdf = existsSync(values.pdfs) ? await measurePdfs(values.pdfs) : null;
  const largest = results.reduce((a, b) => (b.docs > a.docs ? b : a));
  const targets = checkTargets(largest);

  const machine = {
    cpus: os.cpus().length,
    mem_gib: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
  process.stdout.write(
    `\nBenchmark ${new Date().toISOString().slice(0, 10)} — ${machine.cpus} cores, ${machine.mem_gib} GiB, Node ${machine.node}\n\n`,
  );
  process.stdout.write(`${formatTable(results)}\n\n`);
  const misses = Object.entries(targets)
    .filter(([, ok]) => ok === false)
    .map(([k]) => k);
  process.stdout.write(
    misses.length
      ? `Targets missed at ${largest.docs} docs: ${misses.join(", ")}\n`
      : `All targets met at ${largest.docs} docs.\n`,
  );
  if (pdf) process.stdout.write(`\n${formatPdf(pdf)}\n`);
  if (cpuProfDir) process.stdout.write(`CPU profiles in ${cpuProfDir}\n`);

  const summary = {
    date: new Date().toISOString(),
    machine,
    docs: largest.docs,
    corpus_mb: largest.corpus_mb,
    build_mb_per_s: largest.build_mb_per_s,
    cold_start_ms: largest.cold_start_ms,
    first_fulltext_ms: largest.first_fulltext_ms,
    rss_mb: largest.rss_mb,
    heap_mb: largest.heap_mb,
    intent_p50_ms: largest.intent.p50_ms,
    intent_p95_ms: largest.intent.p95_ms,
    intent_p99_ms: largest.intent.p99_ms,
    fulltext_p50_ms: largest.fulltext.p50_ms,
    fulltext_p95_ms: largest.fulltext.p95_ms,
    fulltext_p99_ms: largest.fulltext.p99_ms,
    baseline_p50_ms: largest.baseline_p50_ms,
    jieba_mb_per_s: largest.jieba_mb_per_s,
    targets,
    sizes: results,
    pdf,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((err: unknown) => {
  logger.error({ err }, "bench failed");
  process.exitCode = 1;
});
