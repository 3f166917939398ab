// The help desk's hold on the engine: one engine shared by every request, swapped for a new one
// after an administrator adds a document. Answers come from the same engine (src/engine) as the
// bot and the CLI, so they are identical on every channel.
import { existsSync, renameSync, rmSync } from "node:fs";
import { basename, extname, join, relative, resolve, sep } from "node:path";
import { randomBytes } from "node:crypto";
import { Piscina } from "piscina";
import { logger } from "../config/logger.js";
import { openEngine, type Engine, type IngestReport } from "../engine/index.js";
import { loaderArgs, siblingModule, type BuildResult } from "../engine/build.js";
import {
  docIdOf,
  formatOf,
  formatOfName,
  listFolder,
  type DocModel,
  type DocReport,
} from "../ingest/index.js";
import { loadIntents } from "../intents/index.js";
import { jiebaUserWords, loadLexicon } from "../lexicon/index.js";
import { writeFileAtomic } from "../store/atomic.js";
import { IndexStore } from "../store/index-store.js";
import type { AnswerResult } from "../answer/types.js";
import type { AskRequest, DocEntry, PassageResponse } from "./schemas.js";

export interface LibraryOptions {
  docsDir: string;
  indexDir: string;
  intentsDir: string;
}

/** An error the API reports as it is: HTTP status, a code and a message saying what to do. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Upload file types: extension → format. Web pages and text are kept with their own extension. */
const UPLOAD_EXTENSIONS = [".pdf", ".html", ".htm", ".txt"];
/** A document id: letters (any script), digits, and _ . - ( ) （ ）, not starting with a dot. */
const SAFE_ID = /^[\p{L}\p{N}_（）()-][\p{L}\p{N}_.（）()-]{0,119}$/u;

/** The id and extension of an upload's name, or why it is refused (checked before reading it). */
export function checkUploadName(fileName: string): { id: string; ext: string } {
  const name = basename(fileName.replace(/\\/g, "/")).normalize("NFC").trim();
  const ext = extname(name).toLowerCase();
  if (!UPLOAD_EXTENSIONS.includes(ext))
    throw new ApiFailure(
      415,
      "unsupported_type",
      `不支持的文件类型“${ext || "无扩展名"}”：请上传 PDF（.pdf）、网页（.html/.htm）或文本（.txt）文件。`,
    );
  const id = name.slice(0, name.length - ext.length).replace(/\s+/g, "_");
  if (!SAFE_ID.test(id))
    throw new ApiFailure(
      400,
      "bad_file_name",
      "文件名只能包含文字、数字、下划线、连字符、点和括号（不超过 120 字），且不能以点开头：请改名后重新上传。",
    );
  return { id, ext };
}

/** What the upload's bytes are, or why they are refused (checked before the documents folder is touched). */
export function checkUpload(
  fileName: string,
  bytes: Uint8Array,
): { id: string; ext: string; format: "pdf" | "html" | "txt" } {
  const { id, ext } = checkUploadName(fileName);
  const name = `${id}${ext}`;
  if (bytes.byteLength === 0) throw new ApiFailure(400, "empty_file", "文件是空的：请选择有内容的文件。");
  const named = formatOfName(name)!;
  const actual = formatOf(name, bytes);
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 8192));
  if (named === "pdf" && !head.subarray(0, 1024).toString("latin1").includes("%PDF-"))
    throw new ApiFailure(415, "not_a_pdf", "文件扩展名是 .pdf，但内容不是 PDF：请上传原始 PDF 文件。");
  if (named !== "pdf") {
    if (actual === "pdf")
      throw new ApiFailure(415, "type_mismatch", "文件内容是 PDF，但扩展名不是 .pdf：请改用 .pdf 扩展名。");
    // Text and web pages hold no NUL bytes unless UTF-16 (not read): a binary file renamed .txt.
    if (head.includes(0))
      throw new ApiFailure(
        415,
        "binary_content",
        "文件内容不是文本（含二进制数据）：请上传 UTF-8 或 GB18030 编码的文本或网页。",
      );
  }
  return { id, ext, format: actual === "html" ? "html" : named };
}

const uploadWorkerUrl = () => siblingModule("upload-worker", import.meta.url);

export class Library {
  private current!: { engine: Engine; report: IngestReport; files: Map<string, string> };
  private readonly store: IndexStore;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly models = new Map<string, DocModel>();
  private pool: Piscina | null = null;
  private closed = false;

  private constructor(readonly options: LibraryOptions) {
    this.store = new IndexStore(options.indexDir, options.docsDir);
  }

  /** Opens the engine on the folders (building what is not built yet). */
  static async open(options: LibraryOptions, existing?: { engine: Engine; report: IngestReport }) {
    const lib = new Library(options);
    await lib.load(existing);
    return lib;
  }

  private async load(existing?: { engine: Engine; report: IngestReport }) {
    const { engine, report } = existing ?? (await openEngine(this.options));
    const files = new Map(listFolder(this.options.docsDir).documents.map((p) => [docIdOf(p), basename(p)]));
    this.current = { engine, report, files };
    this.models.clear();
  }

  get engine(): Engine {
    return this.current.engine;
  }

  ask(req: AskRequest): AnswerResult {
    return this.current.engine.ask(req.question, {
      ...(req.context ? { context: req.context } : {}),
      ...(req.docs ? { docs: req.docs } : {}),
    });
  }

  documents(): { generation: string; documents: DocEntry[]; failed: IngestReport["failed"] } {
    const { engine, report, files } = this.current;
    return {
      generation: engine.generation,
      documents: report.documents.map((d) => ({
        doc: d.doc,
        unit: d.unit,
        aliases: d.aliases,
        region: d.region,
        year: d.year,
        kind: d.kind,
        format: d.format,
        pageCount: d.pageCount,
        tables: d.tables.length,
        checksFailed: d.tables.reduce((n, t) => n + t.checks.failed, 0),
        warnings: d.warnings.length,
        file: files.get(d.doc) ?? null,
      })),
      failed: report.failed,
    };
  }

  report(id: string): (DocReport & { file: string | null }) | null {
    const d = this.current.report.documents.find((x) => x.doc === id);
    return d ? { ...d, file: this.current.files.get(id) ?? null } : null;
  }

  /** The original file of a loaded document: only names the folder listing gave, inside the folder. */
  filePath(id: string): { path: string; format: "pdf" | "html" | "txt" } | null {
    if (!this.report(id)) return null;
    const name = this.current.files.get(id);
    if (!name) return null;
    const root = resolve(this.options.docsDir);
    const path = resolve(root, name);
    const rel = relative(root, path);
    if (!rel || rel.startsWith("..") || rel.includes(sep) || !existsSync(path)) return null;
    return { path, format: formatOfName(name) ?? "txt" };
  }

  private model(id: string): DocModel | null {
    const cached = this.models.get(id);
    if (cached) return cached;
    const catalog = this.store.readCatalog();
    const entry = catalog instanceof Map ? catalog.get(id) : undefined;
    if (!entry) return null;
    const loaded = this.store.loadModel(id, entry.hash);
    if (!("model" in loaded)) return null;
    if (this.models.size >= 8) this.models.delete(this.models.keys().next().value!);
    this.models.set(id, loaded.model);
    return loaded.model;
  }

  /**
   * The quote of an answer in its context, verbatim: on a PDF the whole page's text, otherwise
   * ~1500 characters around it cut at line ends; and the lines it is printed on.
   */
  passage(id: string, span: [number, number]): PassageResponse | null {
    const m = this.model(id);
    if (!m || span[0] > span[1] || span[1] > m.text.length) {
      const text = this.current.engine.passage(id, span);
      return text === null ? null : { doc: id, format: "txt", page: null, text, mark: [0, 0], lines: [] };
    }
    let from: number;
    let to: number;
    let page: number | null = null;
    if (m.pages.length) {
      let p = 0;
      while (p + 1 < m.pages.length && m.pages[p + 1]! <= span[0]) p++;
      page = p + 1;
      from = m.pages[p]!;
      to = m.pages[p + 1] ?? m.text.length;
      if (span[1] > to) to = span[1];
    } else {
      from = Math.max(0, m.text.lastIndexOf("\n", Math.max(0, span[0] - 1500)) + 1);
      const end = m.text.indexOf("\n", Math.min(m.text.length, span[1] + 1500));
      to = end < 0 ? m.text.length : end;
    }
    const lineStart = m.text.lastIndexOf("\n", span[0] - 1) + 1;
    const lineEndAt = m.text.indexOf("\n", span[1]);
    const lineEnd = lineEndAt < 0 ? m.text.length : lineEndAt;
    const lines = m.text
      .slice(lineStart, lineEnd)
      .split("\n")
      .map((l) => l.replace(/\f/g, "").trim())
      .filter(Boolean);
    return {
      doc: id,
      format: m.format,
      page,
      text: m.text.slice(from, to).replace(/\f/g, ""),
      mark: [
        span[0] - from - countFf(m.text, from, span[0]),
        span[1] - from - countFf(m.text, from, span[1]),
      ],
      lines,
    };
  }

  /**
   * Adds (or, with `replace`, replaces) a document: checked, saved atomically into the documents
   * folder, read in a worker thread, then the index is swapped in. One upload at a time.
   */
  upload(fileName: string, bytes: Uint8Array, replace: boolean) {
    const task = this.queue.then(() => this.doUpload(fileName, bytes, replace));
    this.queue = task.catch(() => undefined);
    return task;
  }

  private async doUpload(fileName: string, bytes: Uint8Array, replace: boolean) {
    const { id, ext } = checkUpload(fileName, bytes);
    const { docsDir } = this.options;
    const sameId = listFolder(docsDir).documents.filter((p) => docIdOf(p) === id);
    if (sameId.length && !replace)
      throw new ApiFailure(
        409,
        "document_exists",
        `已有同名文档“${id}”：如要替换，请勾选“替换同名文档”（API：?replace=true）；否则请改名后上传。`,
      );
    const target = join(docsDir, `${id}${ext}`);
    // The documents it replaces are moved aside (hidden names are not read), restored on failure.
    const aside = sameId.map((p) => ({
      from: p,
      to: join(docsDir, `.${basename(p)}.${randomBytes(4).toString("hex")}.replaced`),
    }));
    for (const a of aside) renameSync(a.from, a.to);
    const restore = () => {
      rmSync(target, { force: true });
      for (const a of aside) renameSync(a.to, a.from);
    };
    try {
      writeFileAtomic(target, bytes);
    } catch (err) {
      restore();
      logger.error({ err: (err as Error).message, file: target }, "upload could not be saved");
      throw new ApiFailure(
        500,
        "save_failed",
        "无法保存文件到文档目录：请管理员检查磁盘空间和目录权限（DOCS_DIR）。",
      );
    }
    let built: BuildResult;
    try {
      built = await this.buildInWorker(target);
    } catch (err) {
      restore();
      logger.error({ err: (err as Error).message }, "upload build worker failed");
      throw new ApiFailure(
        500,
        "read_failed",
        "读取文档时出错：请稍后重试；如仍失败，请联系管理员查看日志。",
      );
    }
    if (!built.ok) {
      restore();
      throw new ApiFailure(
        422,
        "unreadable_document",
        `文档无法读取：${built.reason}。请上传有文字层的 PDF、网页或文本。`,
      );
    }
    for (const a of aside) rmSync(a.to, { force: true });
    // The catalog gets the new entry so opening the engine reuses what the worker built.
    const catalog = this.store.readCatalog();
    const entries = catalog instanceof Map ? catalog : new Map();
    for (const a of aside) entries.delete(docIdOf(a.from));
    entries.set(built.entry.id, built.entry);
    this.store.writeCatalog([...entries.values()]);
    const before = this.current.engine.generation;
    await this.load();
    logger.info(
      {
        doc: id,
        before,
        generation: this.current.engine.generation,
        documents: this.current.report.documents.length,
      },
      "document added: index swapped in",
    );
    return {
      doc: id,
      file: basename(target),
      replaced: aside.length > 0,
      report: built.entry.report,
      generation: this.current.engine.generation,
      documents: this.current.report.documents.length,
    };
  }

  /**
   * Reads an uploaded document in a worker thread (the build pool's worker), so answering goes on
   * meanwhile. The worker is kept for the next upload: its first document pays for loading pdf.js
   * and jieba (seconds), later ones do not; it exits after 10 idle minutes.
   */
  private uploadPool(): Piscina {
    if (!this.pool) {
      const intents = loadIntents(this.options.intentsDir);
      const lexicon = loadLexicon(this.options.intentsDir);
      const userWords = [...intents.flatMap((i) => [...i.triggers, ...i.terms]), ...jiebaUserWords(lexicon)];
      const file = uploadWorkerUrl();
      this.pool = new Piscina({
        filename: file.href,
        minThreads: 0,
        maxThreads: 1,
        idleTimeout: 10 * 60_000,
        execArgv: loaderArgs(file),
        workerData: { indexDir: this.options.indexDir, docsDir: this.options.docsDir, userWords },
      });
    }
    return this.pool;
  }

  /** Starts the upload worker and loads pdf.js and jieba in it, so the first upload does not wait. */
  async warmUploads(): Promise<void> {
    try {
      await this.uploadPool().run(null, { name: "warm" });
    } catch (err) {
      if (!this.closed)
        logger.warn({ err: (err as Error).message }, "upload worker could not start ahead of time");
    }
  }

  private async buildInWorker(path: string): Promise<BuildResult> {
    return (await this.uploadPool().run(path)) as BuildResult;
  }

  /** Stops the upload worker, if one runs. */
  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = null;
    await pool?.destroy();
  }
}

/** Form feeds (page breaks) in text[from, to): they are taken out of the passage text. */
function countFf(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 12) n++;
  return n;
}
