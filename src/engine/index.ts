// Public surface of the answering engine (used by the CLI, the bot and the benchmark).
import type { AnswerResult, AskOptions, DocSummary } from "../answer/types.js";
import type { DocReport } from "../ingest/index.js";

export interface IngestReport {
  documents: DocReport[];
  /** Files that could not be read (empty, binary, undecodable…), with the reason. */
  failed: Array<{ file: string; reason: string }>;
  /** Documents (re)built by this start, worker threads used (0: inline), and how long it took. */
  built?: { documents: number; threads: number; workerFailures: number; ms: number };
}

export interface Engine {
  ask(question: string, options?: AskOptions): AnswerResult;
  documents(): DocSummary[];
  /** The whole paragraph or table row around `span` of document `doc`, verbatim; null if unknown. */
  passage(doc: string, span: [number, number]): string | null;
  /** Identifies this build of the index; changes when documents are reloaded. */
  readonly generation: string;
  /**
   * Reads every document's model and figures in small slices that yield to the event loop, so the
   * first question over the whole collection does not pay for them. Answers do not depend on it.
   */
  warmUp(): Promise<void>;
  /** How many documents have their model in memory (the rest are read on first use). */
  loadedDocuments(): number;
}

export interface OpenOptions {
  docsDir: string;
  indexDir: string;
  intentsDir: string;
  /** Ignore the persisted index and re-read every document. */
  rebuild?: boolean;
  /**
   * "always": documents are built in worker threads however few they are, so the calling thread
   * (the bot answering questions during /reload) is never blocked by a build. Default "auto".
   */
  workers?: "auto" | "always";
}

export { openEngine, openFromConfig } from "./open.js";
