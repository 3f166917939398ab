// Document intake: an administrator sends a PDF, web page or text file to the bot. The file is
// checked (name, type, size) before it touches the documents folder, downloaded with a size cap,
// written there atomically, and the index is rebuilt (in worker threads) and swapped in.
import { lstatSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, extname, join } from "node:path";
import type { Api } from "grammy";
import { DOC_EXTENSIONS, docIdOf, formatOf, formatOfName } from "../ingest/index.js";
import { writeFileAtomic } from "../store/atomic.js";
import type { IncomingDocument } from "./updates.js";
import { cleanText } from "./updates.js";

export interface IntakeOptions {
  /** The documents folder uploads are saved into. */
  docsDir: string;
  /** Largest upload accepted (default 20 MB, what the Bot API lets a bot download). */
  maxBytes?: number;
}

export const DEFAULT_INTAKE_MAX_BYTES = 20 * 1024 * 1024;

/** Extensions accepted from the chat (what the product reads). */
const ACCEPTED = new Set(DOC_EXTENSIONS);

export type IntakeCheck = { ok: true; name: string } | { ok: false; reason: string };

/** Checks an upload's name and announced size; the safe file name to save it as. */
export function checkUpload(doc: IncomingDocument, maxBytes: number): IntakeCheck {
  const raw = cleanText(doc.file_name ?? "").trim();
  // Only the last path component, and nothing that would make it hidden or a sidecar.
  const name = basename(raw.replace(/\\/g, "/")).replace(/[\s/:*?"<>|]+/g, "_");
  if (!name || name.startsWith(".") || name.startsWith("~$"))
    return { ok: false, reason: "文件名无效，请用“单位名称+年度+文档类型.pdf”这样的文件名重新发送。" };
  if (name.length > 150) return { ok: false, reason: "文件名太长（最多 150 个字符）。" };
  if (name.toLowerCase().endsWith(".meta.json") || !ACCEPTED.has(extname(name).toLowerCase()))
    return {
      ok: false,
      reason: `只接受 PDF、网页（.html/.htm）或文本（.txt）文件，收到的是 ${extname(name) || "没有扩展名的文件"}。`,
    };
  if (doc.file_size !== undefined && doc.file_size > maxBytes)
    return { ok: false, reason: `文件太大（${mb(doc.file_size)}），上限是 ${mb(maxBytes)}。` };
  if (doc.file_size === 0) return { ok: false, reason: "文件是空的。" };
  return { ok: true, name };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Downloads a file the bot received, refusing more than `maxBytes`. */
export async function downloadFile(
  api: Api,
  fileUrl: (filePath: string) => string,
  fileId: string,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<{ ok: true; bytes: Buffer } | { ok: false; reason: string }> {
  const file = await api.getFile(fileId);
  if (file.file_size !== undefined && file.file_size > maxBytes)
    return { ok: false, reason: `文件太大（${mb(file.file_size)}），上限是 ${mb(maxBytes)}。` };
  if (!file.file_path) return { ok: false, reason: "Telegram 没有提供这个文件的下载地址，请重新发送。" };
  const res = await fetch(fileUrl(file.file_path), { signal: signal ?? AbortSignal.timeout(120_000) });
  if (!res.ok || !res.body) return { ok: false, reason: `下载文件失败（HTTP ${res.status}），请重新发送。` };
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      await res.body.cancel().catch(() => undefined);
      return { ok: false, reason: `文件太大（超过 ${mb(maxBytes)}）。` };
    }
    chunks.push(Buffer.from(chunk));
  }
  return { ok: true, bytes: Buffer.concat(chunks) };
}

/** Checks the bytes themselves: a file whose content is not of its named format is refused. */
export function checkContent(name: string, bytes: Buffer): string | null {
  if (bytes.length === 0) return "文件是空的。";
  const named = formatOfName(name);
  const actual = formatOf(name, bytes);
  const head = bytes.subarray(0, 1024).toString("latin1");
  if (named === "pdf" && !head.includes("%PDF-")) return "文件扩展名是 .pdf，但内容不是 PDF。";
  if (named !== "pdf" && actual === "pdf")
    return `文件内容是 PDF，但扩展名是 ${extname(name)}，请改为 .pdf 后重新发送。`;
  return null;
}

/**
 * Another file of the folder that has the same document id (`a.txt` beside `a.pdf`): a second
 * file with one id would be refused by ingest, so the upload is refused instead.
 */
export function sameIdAs(docsDir: string, name: string): string | null {
  const id = docIdOf(name);
  for (const f of readdirSync(docsDir)) {
    if (f !== name && formatOfName(f) && docIdOf(f) === id) return f;
  }
  return null;
}

/**
 * Saves an upload into the documents folder atomically; returns a function that undoes it
 * (restores the file it replaced, or removes it).
 */
export function saveUpload(
  docsDir: string,
  name: string,
  bytes: Buffer,
): { undo: () => void } | { reason: string } {
  const path = join(docsDir, name);
  const existing = lstatSync(path, { throwIfNoEntry: false });
  if (existing && !existing.isFile())
    return { reason: `文件夹里已有同名的 ${name}，但它不是普通文件，请管理员检查。` };
  const previous = existing ? readFileSync(path) : null;
  writeFileAtomic(path, bytes);
  return {
    undo: () => {
      if (previous) writeFileAtomic(path, previous);
      else rmSync(path, { force: true });
    },
  };
}
