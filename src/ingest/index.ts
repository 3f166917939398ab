import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeDocument } from "./decode.js";
import { buildStructure } from "./document.js";
import { readHtml } from "./html.js";
import { extractMeta } from "./metadata.js";
import { DocModel, MODEL_VERSION, MetaSidecar, type DocFormat } from "./model.js";
import { formFeedPages, pagesOfContent } from "./pages.js";
import { pdfText, readPdf } from "./pdf.js";

export type { DocModel, Table, Row, Cell, Sentence, Section, DocMeta } from "./model.js";
export { DocModel as DocModelSchema, DocReport, MODEL_VERSION, reportOf } from "./model.js";
export { decodeDocument } from "./decode.js";
export { compact, isSubsequence, labelKey, normalizeSpan } from "./normalize.js";
export { pageOfOffset, pagesOfContent, pagesOfSpan } from "./pages.js";
export { readPdf, pdfText, layoutPage, type PdfPage, type PdfItem, type PdfRule } from "./pdf.js";
export { readHtml } from "./html.js";

/** Document files the product reads, by format: text (e.g. pdftotext output), PDF, saved web pages. */
export const FORMAT_EXTENSIONS: Record<DocFormat, string[]> = {
  txt: [".txt", ".text"],
  pdf: [".pdf"],
  html: [".html", ".htm", ".shtml", ".xhtml"],
};
export const DOC_EXTENSIONS = Object.values(FORMAT_EXTENSIONS).flat();

/** The format a file name says, or null for an extension the product does not read. */
export function formatOfName(file: string): DocFormat | null {
  const ext = extname(file).toLowerCase();
  for (const [format, exts] of Object.entries(FORMAT_EXTENSIONS))
    if (exts.includes(ext)) return format as DocFormat;
  return null;
}

/**
 * The format of a file's bytes: a PDF or a web page is recognised by its content whatever its
 * name says (a saved download named .pdf that is really the web page), else the name decides.
 */
export function formatOf(file: string, bytes: Uint8Array): DocFormat | null {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString(
    "latin1",
  );
  if (head.includes("%PDF-")) return "pdf";
  const named = formatOfName(file);
  if (
    named !== "pdf" &&
    /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<(!doctype\s+html|html[\s>])/i.test(
      head.replace(/^\ufeff|^\xef\xbb\xbf/, ""),
    )
  )
    return "html";
  return named;
}

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

/** Text read from a file of any format, before the text stage. */
interface ReadText {
  text: string;
  format: DocFormat;
  encoding: string;
  /** Offset in `text` where each page starts; [] without pages. */
  pages: number[];
  warnings: string[];
}

/** Builds the document model from a file's text. Never throws for bad content: returns a reason. */
function modelOf(
  file: string,
  bytes: Uint8Array,
  read: ReadText,
  sidecarRaw: string,
  sidecar: MetaSidecar | null,
): IngestOutcome {
  try {
    const structure = buildStructure(read.text);
    const meta = extractMeta(read.text, structure.tables);
    if (sidecar) {
      Object.assign(meta, {
        ...sidecar,
        aliases: [...new Set([...meta.aliases, ...(sidecar.aliases ?? [])])],
      });
    }
    for (const t of structure.tables) t.pages = pagesOfContent(read.text, read.pages, t.span);
    structure.warnings.unshift(...read.warnings);
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
      encoding: read.encoding,
      format: read.format,
      pages: read.pages,
      text: read.text,
      meta,
      ...structure,
    };
    return { ok: true, model };
  } catch (err) {
    return { ok: false, file, reason: `could not parse: ${(err as Error).message}` };
  }
}

/**
 * Builds the document model of a text file's bytes (UTF-8, UTF-16 or GB18030; pages split by form
 * feeds as pdftotext prints them). Synchronous; PDFs and web pages go through `ingestDocument`.
 */
export function ingestBytes(
  file: string,
  bytes: Uint8Array,
  sidecarRaw = "",
  sidecar: MetaSidecar | null = null,
): IngestOutcome {
  const decoded = decodeDocument(bytes);
  if (!decoded.ok) return { ok: false, file, reason: decoded.reason };
  const read: ReadText = {
    text: decoded.text,
    format: "txt",
    encoding: decoded.encoding,
    pages: formFeedPages(decoded.text),
    warnings: [],
  };
  return modelOf(file, bytes, read, sidecarRaw, sidecar);
}

/** Builds the document model of a file's bytes in any format the product reads. Never throws. */
export async function ingestDocument(
  file: string,
  bytes: Uint8Array,
  sidecarRaw = "",
  sidecar: MetaSidecar | null = null,
): Promise<IngestOutcome> {
  if (bytes.length === 0) return { ok: false, file, reason: "empty file" };
  if (bytes.length > MAX_FILE_BYTES)
    return { ok: false, file, reason: `file too large (${bytes.length} bytes)` };
  const format = formatOf(file, bytes);
  try {
    if (format === "pdf") {
      const pdf = await readPdf(bytes, { rules: false });
      if (!pdf.ok) return { ok: false, file, reason: pdf.reason };
      const { text, pages } = pdfText(pdf.pages);
      const read: ReadText = {
        text,
        pages,
        format,
        encoding: "PDF text layer (pdf.js)",
        warnings: pdf.warnings,
      };
      return modelOf(file, bytes, read, sidecarRaw, sidecar);
    }
    if (format === "html") {
      const html = await readHtml(bytes);
      if (!html.ok) return { ok: false, file, reason: html.reason };
      const read: ReadText = {
        text: html.text,
        pages: [],
        format,
        encoding: html.encoding,
        warnings: html.warnings,
      };
      return modelOf(file, bytes, read, sidecarRaw, sidecar);
    }
    if (format === "txt") return ingestBytes(file, bytes, sidecarRaw, sidecar);
    return { ok: false, file, reason: unknownFormat(file) };
  } catch (err) {
    return { ok: false, file, reason: `could not read: ${(err as Error).message}` };
  }
}

/** Largest file read at all (a PDF of scanned pages can be big; a disclosure's text layer is not). */
const MAX_FILE_BYTES = 300 * 1024 * 1024;

const unknownFormat = (file: string) => `unknown format ${extname(file).toLowerCase() || "(no extension)"}`;

/** Reads a document file's bytes and sidecar; the reason when it cannot be read. */
function readDocFile(
  path: string,
): { bytes: Uint8Array; raw: string; sidecar: MetaSidecar | null; warning?: string } | { reason: string } {
  try {
    if (!statSync(path).isFile()) return { reason: "not a regular file" };
    const bytes = readFileSync(path);
    return { bytes, ...readSidecar(path) };
  } catch (err) {
    return { reason: `cannot read: ${(err as Error).message}` };
  }
}

/** Ingests one document file of any format (PDF, web page, text). Never rejects. */
export async function ingestFile(path: string): Promise<IngestOutcome> {
  const file = readDocFile(path);
  if ("reason" in file) return { ok: false, file: basename(path), reason: file.reason };
  const outcome = await ingestDocument(basename(path), file.bytes, file.raw, file.sidecar);
  if (outcome.ok && file.warning) outcome.model.warnings.push(file.warning);
  return outcome;
}

/**
 * Ingests a text file synchronously (the text path waits for nothing). Null for a PDF or a web
 * page, whose readers are asynchronous: read those with `ingestFile`.
 */
export function ingestFileSync(path: string): IngestOutcome | null {
  const file = readDocFile(path);
  if ("reason" in file) return { ok: false, file: basename(path), reason: file.reason };
  const format = formatOf(path, file.bytes);
  if (format === "pdf" || format === "html") return null;
  if (format !== "txt") return { ok: false, file: basename(path), reason: unknownFormat(path) };
  const outcome = ingestBytes(basename(path), file.bytes, file.raw, file.sidecar);
  if (outcome.ok && file.warning) outcome.model.warnings.push(file.warning);
  return outcome;
}

/** Files of a documents folder that are not read on purpose (sidecars, hidden files, folders). */
const isCompanion = (name: string) =>
  name.startsWith(".") || name.endsWith(".meta.json") || name.startsWith("~$");

/**
 * A documents folder: the files the product reads, sorted by name, and the other files with the
 * reason they are not read ("unknown format .docx"). Sidecars, hidden files and folders (a saved
 * page's "_files" folder) are neither.
 */
export function listFolder(dir: string): {
  documents: string[];
  unread: Array<{ file: string; reason: string }>;
} {
  const documents: string[] = [];
  const unread: Array<{ file: string; reason: string }> = [];
  for (const f of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )) {
    if (isCompanion(f.name) || f.isDirectory()) continue;
    if (formatOfName(f.name)) documents.push(join(dir, f.name));
    else unread.push({ file: f.name, reason: unknownFormat(f.name) });
  }
  return { documents, unread };
}

/** Document files of a folder, sorted by name. */
export function listDocuments(dir: string): string[] {
  return listFolder(dir).documents;
}

/** Hash of a file as ingest would compute it, to decide whether a persisted model is current. */
export function fileHash(path: string): string {
  const { raw } = readSidecar(path);
  return hashBytes(readFileSync(path), raw);
}
