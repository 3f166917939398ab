// Child process of the benchmark: each measurement that depends on process state (build, cold
// start, memory, latency) runs in a fresh process so earlier sizes and the parent's own data do not
// skew it. Prints one JSON object on its last stdout line.
//
//   node --import tsx --expose-gc src/bench/probe.ts <build|cold|serve> <docsDir> <indexDir> <intentsDir> [questions.json]
import { readFileSync } from "node:fs";
import { openEngine } from "../engine/index.js";
import type { BenchQuestion } from "./questions.js";
import { summarize, type LatencySummary } from "./stats.js";

export type ProbeMode = "build" | "cold" | "serve";

export interface BuildProbe {
  build_ms: number;
  docs_loaded: number;
  failed: number;
  peak_rss_mb: number;
}

export interface ColdProbe {
  /** From process start (node boot and TypeScript loading included) to ready to answer. */
  cold_start_ms: number;
  /** openEngine alone. */
  open_ms: number;
  /** The first question after start (names no unit: touches every document's figures). */
  first_answer_ms: number;
  /**
   * Then a collection-wide full-text question: pays whatever the engine loads lazily for full text.
   * Measured after the memory figures; null in serve mode.
   */
  first_fulltext_ms: number | null;
  docs_loaded: number;
  rss_mb: number;
  heap_mb: number;
}

export interface ServeProbe extends ColdProbe {
  /** Memory once the question set has been answered (caches built by answering included). */
  serving_rss_mb: number;
  serving_heap_mb: number;
  intent: LatencySummary;
  fulltext: LatencySummary;
  /** Answers whose `via` is missing: neither an intent nor full text. */
  other: LatencySummary;
  statuses: Record<string, number>;
  /** Share of questions about one document whose first answer cites that document. */
  target_hit_rate: number;
}

const MB = 1024 * 1024;
const round = (x: number, digits = 2) => Number(x.toFixed(digits));

function memory(): { rss_mb: number; heap_mb: number } {
  globalThis.gc?.(); // --expose-gc: report live data, not garbage waiting for collection
  const m = process.memoryUsage();
  return { rss_mb: round(m.rss / MB, 1), heap_mb: round(m.heapUsed / MB, 1) };
}

async function main(): Promise<void> {
  const [mode, docsDir, indexDir, intentsDir, questionsFile] = process.argv.slice(2);
  if (!mode || !docsDir || !indexDir || !intentsDir)
    throw new Error("usage: probe.ts <mode> <docsDir> <indexDir> <intentsDir> [questions.json]");

  if (mode === "build") {
    const start = performance.now();
    const { report } = await openEngine({ docsDir, indexDir, intentsDir, rebuild: true });
    const result: BuildProbe = {
      build_ms: round(performance.now() - start, 1),
      docs_loaded: report.documents.length,
      failed: report.failed.length,
      peak_rss_mb: round((process.resourceUsage().maxRSS * 1024) / MB, 1),
    };
    return print(result);
  }

  const openStart = performance.now();
  const { engine, report } = await openEngine({ docsDir, indexDir, intentsDir });
  const openMs = performance.now() - openStart;
  const askStart = performance.now();
  engine.ask("2022年三公经费是多少");
  const ready = performance.now(); // performance.now() counts from process start
  const cold: ColdProbe = {
    cold_start_ms: round(ready, 1),
    open_ms: round(openMs, 1),
    first_answer_ms: round(ready - askStart, 2),
    first_fulltext_ms: null,
    docs_loaded: report.documents.length,
    ...memory(),
  };
  if (mode === "cold") {
    const fulltextStart = performance.now();
    engine.ask("企业技术改造项目申报");
    return print({ ...cold, first_fulltext_ms: round(performance.now() - fulltextStart, 1) });
  }
  if (mode !== "serve" || !questionsFile) throw new Error(`unknown mode ${mode} or missing questions file`);

  const questions = JSON.parse(readFileSync(questionsFile, "utf8")) as BenchQuestion[];
  for (const q of questions) engine.ask(q.text); // warm-up: JIT and lazily built structures
  // The warm-up leaves hundreds of MB of garbage (every model read once): collect it now so the
  // first measured questions do not pay for the warm-up's collection.
  globalThis.gc?.();
  const samples = { intent: [] as number[], fulltext: [] as number[], other: [] as number[] };
  const statuses: Record<string, number> = {};
  let targeted = 0;
  let hits = 0;
  // Several rounds so p99 rests on more than one or two samples per path.
  for (let round = 0; round < 3; round++) {
    for (const q of questions) {
      const t = performance.now();
      const result = engine.ask(q.text);
      const ms = performance.now() - t;
      const path = result.via === undefined ? "other" : result.via === "fulltext" ? "fulltext" : "intent";
      samples[path].push(ms);
      if (round > 0) continue;
      statuses[result.status] = (statuses[result.status] ?? 0) + 1;
      if (q.target !== null) {
        targeted++;
        if (result.answers[0]?.doc === q.target) hits++;
      }
    }
  }
  const serving = memory();
  const serve: ServeProbe = {
    ...cold,
    serving_rss_mb: serving.rss_mb,
    serving_heap_mb: serving.heap_mb,
    intent: summarize(samples.intent),
    fulltext: summarize(samples.fulltext),
    other: summarize(samples.other),
    statuses,
    target_hit_rate: targeted === 0 ? 0 : round(hits / targeted, 3),
  };
  print(serve);
}

function print(result: object): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
