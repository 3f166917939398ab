import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeDocument } from "./decode.js";
import { buildStructure } from "./document.js";
import { extractMeta } from "./metadata.js";
import { DocModel, MODEL_VERSION, MetaSidecar } from "./model.js";

export type { DocModel, Table, Row, Cell, Sentence, Section, DocMeta } from "./model.js";
export { DocModel as DocModelSchema, DocReport, MODEL_VERSION, reportOf } from "./model.js";
export { decodeDocument } from "./decode.js";
export { compact, isSubsequence, labelKey, normalizeSpan } from "./normalize.js";

/** Document files the product reads (text extracted from PDFs). */
export const DOC_EXTENSIONS = [".txt", ".text"];

export const docIdOf = (file: string) => basename(file, extname(file));

/**
 * Fingerprint of the ingestion code itself: a persisted model built by older code is rebuilt
 * even when nobody remembered to bump MODEL_VERSION.
 */
const INGEST_CODE = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  const h = createHash("sha256").update(String(MODEL_VERSION));
  try {
    for (const f of readdirSync(here).sort()) if (/\.[jt]s$/.test(f)) h.update(readFileSync(join(here, f)));
  } catch {
    /* bundled build: the version constant alone decides */
  }
  return h.digest("hex");
})();

export const hashBytes = (bytes: Uint8Array, extra = "") =>
  createHash("sha256").update(bytes).update(extra).update(INGEST_CODE).digest("hex").slice(0, 32);

export type IngestOutcome = { ok: true; model: DocModel } | { ok: false; file: string; reason: string };

/** Reads the optional `<id>.meta.json` sidecar; a broken sidecar is reported, not fatal. */
function readSidecar(path: string): { sidecar: MetaSidecar | null; raw: string; warning?: string } {
  const sidecarPath = path.slice(0, -extname(path).length) + ".meta.json";
  if (!existsSync(sidecarPath)) return { sidecar: null, raw: "" };
  const raw = readFileSync(sidecarPath, "utf8");
  try {
    const parsed = MetaSidecar.safeParse(JSON.parse(raw));
    if (parsed.success) return { sidecar: parsed.data, raw };
    return {
      sidecar: null,
      raw,
      warning: `ignored ${basename(sidecarPath)}: ${parsed.error.issues[0]?.message}`,
    };
  } catch (err) {
    return { sidecar: null, raw, warning: `ignored ${basename(sidecarPath)}: ${(err as Error).message}` };
  }
}

/** Builds the document model of one file's bytes. Never throws for bad content: returns a reason. */
export function ingestBytes(
  file: string,
  bytes: Uint8Array,
  sidecarRaw = "",
  sidecar: MetaSidecar | null = null,
): IngestOutcome {
  const decoded = decodeDocument(bytes);
  if (!decoded.ok) return { ok: false, file, reason: decoded.reason };
  try {
    const structure = buildStructure(decoded.text);
    const meta = extractMeta(decoded.text, structure.tables);
    if (sidecar) {
      Object.assign(meta, {
        ...sidecar,
        aliases: [...new Set([...meta.aliases, ...(sidecar.aliases ?? [])])],
      });
    }
    if (!meta.unit) structure.warnings.push("unit name not found in the text");
    if (!meta.year) structure.warnings.push("fiscal year not found in the text");
    if (structure.sentences.length === 0 && structure.tables.length === 0) {
      return { ok: false, file, reason: "no readable sentences or tables" };
    }
    const model: DocModel = {
      version: MODEL_VERSION,
      id: docIdOf(file),
      file: basename(file),
      hash: hashBytes(bytes, sidecarRaw),
      encoding: decoded.encoding,
      format: "txt",
      pages: [],
      text: decoded.text,
      meta,
      ...structure,
    };
    return { ok: true, model };
  } catch (err) {
    return { ok: false, file, reason: `could not parse: ${(err as Error).message}` };
  }
}

export function ingestFile(path: string): IngestOutcome {
  let bytes: Uint8Array;
  try {
    if (!statSync(path).isFile()) return { ok: false, file: basename(path), reason: "not a regular file" };
    bytes = readFileSync(path);
  } catch (err) {
    return { ok: false, file: basename(path), reason: `cannot read: ${(err as Error).message}` };
  }
  const { sidecar, raw, warning } = readSidecar(path);
  const outcome = ingestBytes(basename(path), bytes, raw, sidecar);
  if (outcome.ok && warning) outcome.model.warnings.push(warning);
  return outcome;
}

/** Document files of a folder, sorted by name. */
export function listDocuments(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => DOC_EXTENSIONS.includes(extname(f).toLowerCase()))
    .sort()
    .map((f) => join(dir, f));
}

/** Hash of a file as ingest would compute it, to decide whether a persisted model is current. */
export function fileHash(path: string): string {
  const { raw } = readSidecar(path);
  return hashBytes(readFileSync(path), raw);
}
