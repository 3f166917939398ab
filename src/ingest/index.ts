import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  constants as fsConstants,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  realpathSync,
  statSync,
  type Stats,
} from "node:fs";
import { basename, dirname, extname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeDocument } from "./decode.js";
import { buildStructure } from "./document.js";
import { readHtml } from "./html.js";
import { layoutText } from "./layout.js";
import { extractMeta } from "./metadata.js";
import { DocModel, MODEL_VERSION, MetaSidecar, type DocFormat } from "./model.js";
import { formFeedPages, pagesOfContent } from "./pages.js";
import { pdfText, readPdf, type RuledRow } from "./pdf.js";

export type { DocModel, Table, Row, Cell, Sentence, Section, DocMeta } from "./model.js";
export { DocModel as DocModelSchema, DocReport, MODEL_VERSION, isFinalKind, reportOf } from "./model.js";
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
 * Fingerprint of the ingestion code itself and of its layout words (intents/lexicon/layout.yaml):
 * a persisted model built by older code or words is rebuilt even when nobody remembered to bump
 * MODEL_VERSION.
 */
const INGEST_CODE = (() => {
  const here = dirname(fileURLToPath(import.meta.url));
  // Compiled (dist/ingest/), the TypeScript sources it was built from decide when they are there:
  // the same code run compiled or through tsx reads the same index instead of rebuilding it.
  const sources = join(here, "..", "..", "src", "ingest");
  const dir = basename(dirname(here)) === "dist" && existsSync(sources) ? sources : here;
  const h = createHash("sha256").update(String(MODEL_VERSION));
  try {
    for (const f of readdirSync(dir).sort()) if (/\.[jt]s$/.test(f)) h.update(readFileSync(join(dir, f)));
  } catch {
    /* bundled build: the version constant alone decides */
  }
  // The layout words are the ingestion's too: editing intents/lexicon/layout.yaml rebuilds the index.
  h.update(layoutText);
  return h.digest("hex");
})();

export const hashBytes = (bytes: Uint8Array, extra = "") =>
  createHash("sha256").update(bytes).update(extra).update(INGEST_CODE).digest("hex").slice(0, 32);

export type IngestOutcome = { ok: true; model: DocModel } | { ok: false; file: string; reason: string };

/** Largest sidecar read (a few aliases and fields). */
const MAX_SIDECAR_BYTES = 64 * 1024;

/** Reads the optional `<id>.meta.json` sidecar; a broken sidecar is reported, not fatal. */
function readSidecar(path: string): { sidecar: MetaSidecar | null; raw: string; warning?: string } {
  const sidecarPath = path.slice(0, -extname(path).length) + ".meta.json";
  const name = basename(sidecarPath);
  if (!lstatSync(sidecarPath, { throwIfNoEntry: false })) return { sidecar: null, raw: "" };
  const read = readRegularFile(sidecarPath, MAX_SIDECAR_BYTES);
  if ("reason" in read) return { sidecar: null, raw: "", warning: `ignored ${name}: ${read.reason}` };
  const raw = Buffer.from(read.bytes).toString("utf8");
  try {
    const parsed = MetaSidecar.safeParse(JSON.parse(raw));
    if (parsed.success) return { sidecar: parsed.data, raw };
    return {
      sidecar: null,
      raw,
      warning: `ignored ${name}: ${parsed.error.issues[0]?.message}`,
    };
  } catch (err) {
    return { sidecar: null, raw, warning: `ignored ${name}: ${(err as Error).message}` };
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
  /** PDF: the rows of the tables the pages rule. */
  ruled?: RuledRow[];
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
    const structure = buildStructure(read.text, read.ruled);
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
      const pdf = await readPdf(bytes);
      if (!pdf.ok) return { ok: false, file, reason: pdf.reason };
      const { text, pages, rows } = pdfText(pdf.pages);
      const read: ReadText = {
        text,
        pages,
        format,
        encoding: "PDF text layer (pdf.js)",
        warnings: pdf.warnings,
        ruled: rows,
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

/** What a directory entry is, said for a report: "a named pipe (FIFO)", "a device"… */
function kindOf(st: Stats): string {
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  if (st.isDirectory()) return "a folder";
  return "not a regular file";
}

/**
 * Why `path` may not be read as a file of its folder, or null: it must resolve (links followed)
 * to a regular file inside the folder it is listed in — a link to /dev/zero, to a FIFO or to a
 * file elsewhere (a .env) is refused — of at most `maxBytes`.
 */
function refusal(path: string, maxBytes: number): string | null {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ENOENT"
      ? "broken symbolic link or missing file"
      : `cannot read: ${(err as Error).message}`;
  }
  const folder = realpathSync(dirname(path));
  if (!real.startsWith(folder + sep)) return "symbolic link to a file outside the documents folder: not read";
  const st = statSync(real);
  if (!st.isFile()) return `${kindOf(st)}, not a regular file: not read`;
  if (st.size > maxBytes) return `file too large (${st.size} bytes; the limit is ${maxBytes})`;
  return null;
}

/**
 * Reads a regular file of its folder, at most `maxBytes`, without ever blocking on a FIFO or
 * reading a device: checked by path (links), then by the open descriptor (what is read).
 */
function readRegularFile(path: string, maxBytes: number): { bytes: Uint8Array } | { reason: string } {
  const refused = refusal(path, maxBytes);
  if (refused) return { reason: refused };
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO put there since the check must not hang.
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (err) {
    return { reason: `cannot read: ${(err as Error).message}` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { reason: `${kindOf(st)}, not a regular file: not read` };
    if (st.size > maxBytes) return { reason: `file too large (${st.size} bytes; the limit is ${maxBytes})` };
    const bytes = Buffer.alloc(st.size);
    let read = 0;
    while (read < st.size) {
      const n = readSync(fd, bytes, read, st.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return { bytes: bytes.subarray(0, read) };
  } catch (err) {
    return { reason: `cannot read: ${(err as Error).message}` };
  } finally {
    closeSync(fd);
  }
}

/** Reads a document file's bytes and sidecar; the reason when it cannot be read. */
function readDocFile(
  path: string,
): { bytes: Uint8Array; raw: string; sidecar: MetaSidecar | null; warning?: string } | { reason: string } {
  try {
    const file = readRegularFile(path, MAX_FILE_BYTES);
    if ("reason" in file) return file;
    return { bytes: file.bytes, ...readSidecar(path) };
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
  const candidates: string[] = [];
  const unread: Array<{ file: string; reason: string }> = [];
  for (const f of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )) {
    if (isCompanion(f.name) || f.isDirectory()) continue;
    if (!formatOfName(f.name)) {
      unread.push({ file: f.name, reason: unknownFormat(f.name) });
      continue;
    }
    const path = join(dir, f.name);
    // Only regular files inside the folder, checked with stat before anything is read.
    const refused = refusal(path, MAX_FILE_BYTES);
    if (refused) unread.push({ file: f.name, reason: refused });
    else candidates.push(path);
  }
  // Two files with one id (dup.txt, dup.text): which one a question means cannot be told, so
  // neither is read and both are reported.
  const byId = new Map<string, string[]>();
  for (const p of candidates) byId.set(docIdOf(p), [...(byId.get(docIdOf(p)) ?? []), p]);
  const documents: string[] = [];
  for (const p of candidates) {
    const same = byId.get(docIdOf(p))!;
    if (same.length === 1) documents.push(p);
    else
      unread.push({
        file: basename(p),
        reason: `${same.length} files have the document id "${docIdOf(p)}" (${same.map((x) => basename(x)).join(", ")}): none is read; rename all but one`,
      });
  }
  return { documents, unread };
}

/** Document files of a folder, sorted by name. */
export function listDocuments(dir: string): string[] {
  return listFolder(dir).documents;
}

/** Hash of a file as ingest would compute it, to decide whether a persisted model is current. */
/**
 * What changes when a document, its sidecar or the ingestion code changes, from `stat` alone (no
 * read): a document whose stamp is the one recorded with its hash is not hashed again.
 */
export function fileStamp(path: string): string | null {
  try {
    const st = statSync(path);
    if (!st.isFile()) return null;
    const side = path.slice(0, -extname(path).length) + ".meta.json";
    let sidecar = "-";
    try {
      const ss = statSync(side);
      sidecar = `${ss.size}:${ss.mtimeMs}`;
    } catch {
      // no sidecar
    }
    return `${st.size}:${st.mtimeMs}:${st.ino}|${sidecar}|${INGEST_CODE.slice(0, 16)}`;
  } catch {
    return null;
  }
}

export function fileHash(path: string): string {
  const file = readRegularFile(path, MAX_FILE_BYTES);
  if ("reason" in file) throw new Error(file.reason);
  const { raw } = readSidecar(path);
  return hashBytes(file.bytes, raw);
}
