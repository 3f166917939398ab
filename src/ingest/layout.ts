import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { load, CORE_SCHEMA } from "js-yaml";
import { LayoutWordsSchema, type LayoutWords } from "../lexicon/schema.js";

/**
 * The layout words of the ingestion (intents/lexicon/layout.yaml), read once per process or worker
 * thread when the ingestion is first imported: a small file, parsed and checked synchronously, so
 * the build workers and the synchronous rebuild read it as the main thread does. The file is the
 * product's own, beside the code (src/ingest/ or dist/ingest/ → ../../intents), whatever folder the
 * answering's intents come from: the built index is keyed by it (see INGEST_CODE).
 */
export const LAYOUT_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "intents",
  "lexicon",
  "layout.yaml",
);

/** The file's bytes as read (they key the index) and its checked words. */
export const { layoutText, layout } = ((): { layoutText: string; layout: LayoutWords } => {
  let text: string;
  try {
    text = readFileSync(LAYOUT_FILE, "utf8");
  } catch (err) {
    throw new Error(`layout words ${LAYOUT_FILE}: cannot read: ${(err as Error).message}`, { cause: err });
  }
  let data: unknown;
  try {
    data = load(text, { schema: CORE_SCHEMA });
  } catch (err) {
    throw new Error(`layout words ${LAYOUT_FILE}: cannot parse: ${(err as Error).message}`, { cause: err });
  }
  const parsed = LayoutWordsSchema.safeParse((data as { layout?: unknown } | null)?.layout);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`layout words ${LAYOUT_FILE}: field "layout.${issue.path.join(".")}": ${issue.message}`);
  }
  return { layoutText: text, layout: parsed.data };
})();
