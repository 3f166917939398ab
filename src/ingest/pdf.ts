// Reading PDFs with pdf.js (legacy build, no worker thread of its own, nothing fetched at run
// time): text items with their positions and the rulings each page draws, in a typed page model,
// and each page rendered as text in the shape of `pdftotext -layout`.
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { logger } from "../config/logger.js";

/** One run of text as pdf.js gives it, in reading orientation: origin top-left, y down, baseline y. */
export interface PdfItem {
  x: number;
  y: number;
  w: number;
  h: number;
  text: string;
  fontSize: number;
}

/** A line the page draws (a stroked segment or a thin filled rectangle), in the items' coordinates. */
export interface PdfRule {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface PdfPage {
  /** 1-based. */
  number: number;
  width: number;
  height: number;
  items: PdfItem[];
  rules: PdfRule[];
}

export type PdfRead = { ok: true; pages: PdfPage[]; warnings: string[] } | { ok: false; reason: string };

export interface ReadPdfOptions {
  /** Collect the rulings (reads each page's operator list: ~2× the time). Default true. */
  rules?: boolean;
}

const require = createRequire(import.meta.url);
const PDFJS_DIR = dirname(require.resolve("pdfjs-dist/package.json"));
/** Local folders pdf.js reads its CMaps, standard fonts and decoders from (trailing separator). */
export const PDFJS_ASSETS = {
  cMapUrl: join(PDFJS_DIR, "cmaps") + sep,
  standardFontDataUrl: join(PDFJS_DIR, "standard_fonts") + sep,
  wasmUrl: join(PDFJS_DIR, "wasm") + sep,
  iccUrl: join(PDFJS_DIR, "iccs") + sep,
};

/** pdf.js's worker code (untyped: only registered, never called from here). */
const WORKER_MODULE: string = "pdfjs-dist/legacy/build/pdf.worker.mjs";

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
let pdfjsPromise: Promise<PdfJs> | null = null;

/**
 * Loads pdf.js once. Its worker code runs in this thread (the "fake worker"): registering the
 * worker module on globalThis keeps pdf.js from importing it by URL.
 */
function loadPdfJs(): Promise<PdfJs> {
  pdfjsPromise ??= (async () => {
    // pdf.js prints its load-time warnings (a missing canvas polyfill) with console.log, before
    // any verbosity can be set: stdout belongs to the program's output, so send them to the log.
    const { log, info } = console;
    console.log = console.info = (...args: unknown[]) =>
      logger.warn({ pdfjs: args.map(String).join(" ") }, "pdf.js");
    try {
      const g = globalThis as { pdfjsWorker?: unknown };
      g.pdfjsWorker ??= (await import(WORKER_MODULE)) as unknown;
      const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
      pdfjs.GlobalWorkerOptions.workerSrc ||= require.resolve(WORKER_MODULE);
      return pdfjs;
    } finally {
      Object.assign(console, { log, info });
    }
  })();
  return pdfjsPromise;
}

type Matrix = [number, number, number, number, number, number];
const mul = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[2] * n[1],
  m[1] * n[0] + m[3] * n[1],
  m[0] * n[2] + m[2] * n[3],
  m[1] * n[2] + m[3] * n[3],
  m[0] * n[4] + m[2] * n[5] + m[4],
  m[1] * n[4] + m[3] * n[5] + m[5],
];
const apply = (m: Matrix, x: number, y: number): [number, number] => [
  m[0] * x + m[2] * y + m[4],
  m[1] * x + m[3] * y + m[5],
];

/** Why pdf.js refused a file, in words for the ingest report. */
function failureReason(err: unknown): string {
  const e = err as { name?: string; message?: string; code?: number };
  const message = (e?.message ?? String(err)).slice(0, 160);
  switch (e?.name) {
    case "PasswordException":
      return "encrypted PDF: needs a password";
    case "InvalidPDFException":
      return `broken or truncated PDF (${message})`;
    case "MissingPDFException":
      return "PDF file missing";
    case "FormatError":
      return `broken PDF (${message})`;
    default:
      return `could not read the PDF (${message})`;
  }
}

/** Most of a document's pages must answer within this time; a PDF that hangs pdf.js is refused. */
const PAGE_TIMEOUT_MS = 30_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Reads a PDF's pages: text items and rulings. Never throws: an encrypted, broken or empty PDF, or
 * one without a text layer, comes back with the reason.
 */
export async function readPdf(bytes: Uint8Array, options: ReadPdfOptions = {}): Promise<PdfRead> {
  if (bytes.length === 0) return { ok: false, reason: "empty file" };
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString(
    "latin1",
  );
  if (!head.includes("%PDF-")) return { ok: false, reason: "not a PDF (no %PDF- header)" };
  const pdfjs = await loadPdfJs();
  const warnings: string[] = [];
  const task = pdfjs.getDocument({
    // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
    data: new Uint8Array(bytes),
    ...PDFJS_ASSETS,
    cMapPacked: true,
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    useWorkerFetch: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  // A password prompt would wait forever: refuse at once.
  task.onPassword = (_update: unknown, reason: number) => {
    void task.destroy();
    warnings.push(reason === 2 ? "wrong password" : "needs a password");
  };
  try {
    const doc = await withTimeout(task.promise, PAGE_TIMEOUT_MS, "opening the PDF");
    if (doc.numPages === 0) return { ok: false, reason: "PDF has no pages" };
    const pages: PdfPage[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      try {
        pages.push(
          await withTimeout(readPage(pdfjs, doc, n, options.rules !== false), PAGE_TIMEOUT_MS, `page ${n}`),
        );
      } catch (err) {
        const reason = failureReason(err);
        if (pages.length === 0 && n === doc.numPages) return { ok: false, reason };
        warnings.push(`page ${n} unreadable: ${reason}`);
        pages.push({ number: n, width: 0, height: 0, items: [], rules: [] });
      }
    }
    if (!pages.some((p) => p.items.length > 0))
      return { ok: false, reason: `no text layer: scanned images? (${pages.length} pages without text)` };
    const blank = pages.filter((p) => p.items.length === 0).map((p) => p.number);
    if (blank.length) warnings.push(`pages without text (images?): ${blank.join(", ")}`);
    return { ok: true, pages, warnings };
  } catch (err) {
    if (warnings.includes("needs a password") || warnings.includes("wrong password"))
      return { ok: false, reason: "encrypted PDF: needs a password" };
    return { ok: false, reason: failureReason(err) };
  } finally {
    await task.destroy().catch((err: unknown) => {
      logger.debug({ err: (err as Error).message }, "pdf.js cleanup failed");
    });
  }
}

type PdfDoc = Awaited<ReturnType<PdfJs["getDocument"]>["promise"]>;

async function readPage(pdfjs: PdfJs, doc: PdfDoc, n: number, withRules: boolean): Promise<PdfPage> {
  const page = await doc.getPage(n);
  try {
    const viewport = page.getViewport({ scale: 1 });
    const vt = viewport.transform as Matrix;
    const content = await page.getTextContent({ includeMarkedContent: false, disableNormalization: true });
    const items: PdfItem[] = [];
    for (const raw of content.items) {
      if (!("str" in raw) || !raw.str || !raw.str.trim()) continue;
      const t = mul(vt, raw.transform as Matrix);
      // Text direction and size in reading orientation (a rotated page is turned upright by vt).
      const scaleX = Math.hypot(t[0], t[1]);
      const scaleY = Math.hypot(t[2], t[3]);
      const angle = Math.atan2(t[1], t[0]);
      const fontSize = scaleY || scaleX;
      if (!(fontSize > 0)) continue;
      let x = t[4];
      let y = t[5];
      let w = raw.width;
      const h = raw.height || fontSize;
      if (Math.abs(angle) > 0.1) {
        // Text not horizontal on the upright page (a vertical label): place it at its start point.
        if (raw.str.trim().length === 0) continue;
        w = Math.max(raw.height, raw.width);
        const [cx, cy] = [t[4], t[5]];
        x = cx;
        y = cy;
      }
      // pdf.js keeps the spaces a run starts or ends with: drop them, and their share of the width.
      const text = raw.str;
      const lead = text.length - text.trimStart().length;
      const trail = text.length - text.trimEnd().length;
      const per = text.length ? w / text.length : 0;
      const str = text.trim();
      if (lead) x += per * lead;
      w = Math.max(0, w - per * (lead + trail));
      items.push({ x, y, w, h, text: str, fontSize });
    }
    const rules = withRules ? await pageRules(pdfjs, page, vt) : [];
    return { number: n, width: viewport.width, height: viewport.height, items, rules };
  } finally {
    page.cleanup();
  }
}

/** Thickness under which a filled rectangle counts as a line (table rulings drawn as boxes). */
const THIN = 2.5;

/** Segments the page strokes and thin rectangles it fills, in viewport coordinates. */
async function pageRules(
  pdfjs: PdfJs,
  page: Awaited<ReturnType<PdfDoc["getPage"]>>,
  vt: Matrix,
): Promise<PdfRule[]> {
  const { OPS } = pdfjs;
  const list = await page.getOperatorList();
  const rules: PdfRule[] = [];
  const stack: Matrix[] = [];
  let ctm: Matrix = vt;
  const fills = new Set<number>([
    OPS.fill,
    OPS.eoFill,
    OPS.fillStroke,
    OPS.eoFillStroke,
    OPS.closeFillStroke,
    OPS.closeEOFillStroke,
  ]);
  const strokes = new Set<number>([
    OPS.stroke,
    OPS.closeStroke,
    OPS.fillStroke,
    OPS.eoFillStroke,
    OPS.closeFillStroke,
    OPS.closeEOFillStroke,
  ]);
  for (let i = 0; i < list.fnArray.length; i++) {
    const fn = list.fnArray[i]!;
    const args = list.argsArray[i] as unknown[] | null;
    if (fn === OPS.save) stack.push(ctm);
    else if (fn === OPS.restore) ctm = stack.pop() ?? vt;
    else if (fn === OPS.transform) ctm = mul(ctm, args as Matrix);
    else if (fn === OPS.paintFormXObjectBegin) {
      stack.push(ctm);
      const m = args?.[0] as Matrix | null;
      if (m) ctm = mul(ctm, m);
    } else if (fn === OPS.paintFormXObjectEnd) ctm = stack.pop() ?? vt;
    else if (fn === OPS.constructPath) {
      const op = args?.[0] as number;
      const data = (args?.[1] as Array<Float32Array | null> | undefined)?.[0];
      if (!data || !(fills.has(op) || strokes.has(op))) continue;
      pathRules(data, ctm, strokes.has(op), fills.has(op), rules);
    }
  }
  return rules;
}

/** DrawOPS of pdf.js path data. */
const MOVE = 0,
  LINE = 1,
  CURVE = 2,
  QUAD = 3,
  CLOSE = 4;

function pathRules(data: Float32Array, ctm: Matrix, stroked: boolean, filled: boolean, out: PdfRule[]): void {
  // Split into subpaths of points (curves are not rulings: their subpath is dropped).
  const subpaths: Array<Array<[number, number]>> = [];
  let cur: Array<[number, number]> = [];
  let curved = false;
  const flush = () => {
    if (cur.length > 1 && !curved) subpaths.push(cur);
    cur = [];
    curved = false;
  };
  for (let i = 0; i < data.length;) {
    const op = data[i++];
    if (op === MOVE) {
      flush();
      cur.push(apply(ctm, data[i++]!, data[i++]!));
    } else if (op === LINE) cur.push(apply(ctm, data[i++]!, data[i++]!));
    else if (op === CURVE) {
      curved = true;
      i += 6;
    } else if (op === QUAD) {
      curved = true;
      i += 4;
    } else if (op === CLOSE) {
      if (cur.length > 2) cur.push(cur[0]!);
    } else break;
  }
  flush();
  for (const pts of subpaths) {
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    const [x1, x2, y1, y2] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    if (filled && (x2 - x1 <= THIN || y2 - y1 <= THIN) && (x2 - x1 > THIN || y2 - y1 > THIN)) {
      // A thin box: its long middle line.
      if (x2 - x1 > y2 - y1) out.push({ x1, y1: (y1 + y2) / 2, x2, y2: (y1 + y2) / 2 });
      else out.push({ x1: (x1 + x2) / 2, y1, x2: (x1 + x2) / 2, y2 });
      continue;
    }
    if (!stroked) continue;
    for (let k = 1; k < pts.length; k++) {
      const [ax, ay] = pts[k - 1]!;
      const [bx, by] = pts[k]!;
      const horizontal = Math.abs(ay - by) < 0.5;
      const vertical = Math.abs(ax - bx) < 0.5;
      if (!(horizontal || vertical) || (ax === bx && ay === by)) continue;
      out.push({ x1: Math.min(ax, bx), y1: Math.min(ay, by), x2: Math.max(ax, bx), y2: Math.max(ay, by) });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Page text in the shape of `pdftotext -layout`.

const CJK = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f]/;

/**
 * Width of one character column on a page: the median advance of a half-width glyph (a digit).
 * As in pdftotext -layout, every character then takes one column and text starts at the column
 * of its x, so figures of one table column line up in the same character column on every line.
 */
function pitchOf(items: PdfItem[]): number {
  const half: number[] = [];
  const full: number[] = [];
  for (const it of items) {
    const n = [...it.text].length;
    if (!n || !(it.w > 0)) continue;
    (CJK.test(it.text) ? full : half).push(it.w / n);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const pitch = half.length ? median(half) : full.length ? median(full) / 2 : 5;
  return Math.max(1, pitch);
}

interface Line {
  items: PdfItem[];
  /** Baseline and size of the line's main (largest) text. */
  y: number;
  size: number;
}

/** Vertical extent of text of this size on this baseline (ascent and descent of a typical font). */
const extent = (y: number, size: number): [number, number] => [y - 0.85 * size, y + 0.15 * size];

/**
 * Groups items into physical lines: an item joins the line its vertical extent overlaps most, by
 * at least half of the smaller of the two (a figure in a smaller font centred on a label's line,
 * a superscript, baselines a fraction of a point apart), else it starts a line.
 */
export function pageLines(items: PdfItem[]): PdfItem[][] {
  const sorted = [...items].sort((a, b) => a.y - b.y || a.x - b.x);
  const lines: Line[] = [];
  for (const it of sorted) {
    const [top, bottom] = extent(it.y, it.fontSize);
    let best: Line | null = null;
    let bestOverlap = 0;
    // Only the last few lines can still take it (items come sorted by baseline).
    for (let k = lines.length - 1; k >= Math.max(0, lines.length - 6); k--) {
      const line = lines[k]!;
      const [lt, lb] = extent(line.y, line.size);
      const overlap = (Math.min(bottom, lb) - Math.max(top, lt)) / Math.min(bottom - top, lb - lt);
      if (overlap >= 0.5 && overlap > bestOverlap) {
        best = line;
        bestOverlap = overlap;
      }
    }
    if (best) {
      best.items.push(it);
      if (it.fontSize > best.size) {
        best.size = it.fontSize;
        best.y = it.y;
      }
    } else lines.push({ items: [it], y: it.y, size: it.fontSize });
  }
  lines.sort((a, b) => a.y - b.y);
  return lines.map((l) => l.items.sort((a, b) => a.x - b.x));
}

/** One page as text: lines top to bottom, items left to right, gaps as runs of spaces. */
export function layoutPage(page: PdfPage): string {
  const pitch = pitchOf(page.items);
  const out: string[] = [];
  for (const line of pageLines(page.items)) {
    let s = "";
    let col = 0;
    let prev: PdfItem | null = null;
    for (const it of line) {
      if (prev) {
        const gap = it.x - (prev.x + prev.w);
        const size = Math.min(prev.fontSize, it.fontSize);
        const target = Math.round(it.x / pitch);
        let spaces: number;
        if (gap < size * 0.15) spaces = 0;
        else if (gap < size * 0.8) spaces = 1;
        else spaces = Math.max(2, target - col);
        s += " ".repeat(spaces);
        col += spaces;
      } else {
        const lead = Math.max(0, Math.round(it.x / pitch));
        s += " ".repeat(lead);
        col = lead;
      }
      s += it.text;
      col += [...it.text].length;
      prev = it;
    }
    out.push(s.trimEnd());
  }
  return out.join("\n");
}

/** The document text: pages joined with form feeds, and the offset where each page starts. */
export function pdfText(pages: PdfPage[]): { text: string; pages: number[] } {
  const starts: number[] = [];
  let text = "";
  for (const page of pages) {
    if (starts.length) text += "\f";
    starts.push(text.length);
    text += layoutPage(page) + "\n";
  }
  return { text, pages: starts };
}
