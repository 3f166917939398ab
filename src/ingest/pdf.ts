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
    // Images are never read (only text and rulings): pdf.js skips decoding every one of them.
    maxImageSize: 0,
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
    const rules = withRules && inColumns(items) ? await pageRules(pdfjs, page, vt) : [];
    return { number: n, width: viewport.width, height: viewport.height, items, rules };
  } finally {
    page.cleanup();
  }
}

/**
 * Whether some of a page's text sits in columns (two lines at least with a wide gap between items):
 * only such a page can hold a table, so only its drawing is read for rulings (that costs as much
 * again as its text).
 */
function inColumns(items: PdfItem[]): boolean {
  let n = 0;
  for (const line of pageLines(items))
    for (let i = 1; i < line.length; i++) {
      const a = line[i - 1]!;
      const b = line[i]!;
      if (b.x - (a.x + a.w) >= 0.8 * Math.min(a.fontSize, b.fontSize)) {
        if (++n >= 2) return true;
        break;
      }
    }
  return false;
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
  // Annotations (form fields, links) draw no table.
  const list = await page.getOperatorList({ annotationMode: pdfjs.AnnotationMode.DISABLE });
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
  return layoutPageRows(page).text;
}

/**
 * A row of a ruled table as the page draws it: its cells left to right, each the spans (offsets in
 * the text) of the text it holds, line by line. The text keeps the page's lines; a row whose cells
 * hold several lines (a label wrapped inside its cell, a figure centred against it) is one row here.
 */
export interface RuledRow {
  cells: Array<Array<[number, number]>>;
  /** Rulings close every cell of the row above and below: nothing of it is on other lines. */
  whole: boolean;
  /**
   * Each cell's column as the grid's header draws it: the header cells whose ruled width holds the
   * cell's, top to bottom ("基本支出 › 人员经费"; a merged cell over its parts, a header cell wrapped
   * over several lines read as one). Only for rows under a ruled header of two levels or more.
   */
  columns?: Array<string | null>;
}

/** One page as text, with the rows of the ruled tables on it (offsets in that text). */
export function layoutPageRows(page: PdfPage): { text: string; rows: RuledRow[] } {
  const pitch = pitchOf(page.items);
  const lines = pageLines(page.items);
  if (!page.rules.length)
    return { text: lines.map((l) => plainLine(l, pitch).trimEnd()).join("\n"), rows: [] };
  let text = "";
  let n = 0;
  const rows: RuledRow[] = [];
  for (const run of ruledRows(lines, page.rules)) {
    if (!run.cuts) {
      text += (n++ ? "\n" : "") + plainLine(run.lines[0]!, pitch).trimEnd();
      continue;
    }
    const cells = new Map<number, Array<[number, number]>>();
    for (const items of run.lines) {
      if (n++) text += "\n";
      const at = text.length;
      text += ruledLine(items, run.cuts, pitch, (k, start, end) =>
        cells.set(k, [...(cells.get(k) ?? []), [at + start, at + end]]),
      );
    }
    const sorted = [...cells.entries()].sort((x, y) => x[0] - y[0]);
    const row: RuledRow = { cells: sorted.map(([, spans]) => spans), whole: run.whole === true };
    if (run.columns && sorted.some(([k]) => run.columns![k]))
      row.columns = sorted.map(([k]) => run.columns![k] ?? null);
    rows.push(row);
  }
  return { text, rows };
}

/** A line laid out by the gaps between its items (a page or a part of one without rulings). */
function plainLine(line: PdfItem[], pitch: number): string {
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
  return s;
}

// ---------------------------------------------------------------------------------------------
// Ruled tables: the cells a page draws decide what is one cell and what are two.

interface VRule {
  x: number;
  y1: number;
  y2: number;
}
interface HRule {
  y: number;
  x1: number;
  x2: number;
}

/** Rulings nearer than this (points) are one; a ruling drawn in pieces is joined over gaps this small. */
const RULE_SLACK = 1.5;

/** Joins collinear pieces of rulings (many generators draw each cell's border on its own). */
function joinRules<T>(
  rules: T[],
  at: (r: T) => number,
  from: (r: T) => number,
  to: (r: T) => number,
  make: (at: number, from: number, to: number) => T,
): T[] {
  const sorted = [...rules].sort((a, b) => at(a) - at(b) || from(a) - from(b));
  const out: T[] = [];
  let group: T[] = [];
  const flush = () => {
    group.sort((a, b) => from(a) - from(b));
    let cur: [number, number, number] | null = null;
    for (const r of group) {
      if (cur && from(r) <= cur[2] + RULE_SLACK) cur[2] = Math.max(cur[2], to(r));
      else {
        if (cur) out.push(make(cur[0], cur[1], cur[2]));
        cur = [at(r), from(r), to(r)];
      }
    }
    if (cur) out.push(make(cur[0], cur[1], cur[2]));
    group = [];
  };
  for (const r of sorted) {
    if (group.length && at(r) - at(group[0]!) > RULE_SLACK) flush();
    group.push(r);
  }
  flush();
  return out;
}

function gridOf(rules: PdfRule[]): { v: VRule[]; h: HRule[] } {
  const v = joinRules(
    rules.filter((r) => r.x2 - r.x1 < 1 && r.y2 - r.y1 > 2),
    (r) => (r.x1 + r.x2) / 2,
    (r) => r.y1,
    (r) => r.y2,
    (x, y1, y2) => ({ x1: x, x2: x, y1, y2 }),
  ).map((r) => ({ x: r.x1, y1: r.y1, y2: r.y2 }));
  const h = joinRules(
    rules.filter((r) => r.y2 - r.y1 < 1 && r.x2 - r.x1 > 2),
    (r) => (r.y1 + r.y2) / 2,
    (r) => r.x1,
    (r) => r.x2,
    (y, x1, x2) => ({ x1, x2, y1: y, y2: y }),
  ).map((r) => ({ y: r.y1, x1: r.x1, x2: r.x2 }));
  return { v, h };
}

/** Lines of a page: alone, or the lines of one row of a ruled table and the rulings that cut them. */
type Run = { lines: PdfItem[][]; cuts: number[] | null; whole?: boolean; columns?: Array<string | null> };

/** A cell of a ruled table's header: its text and the ruled width it spans. */
type HeaderCell = { text: string; x1: number; x2: number; top: number; bottom: number; line: unknown };

/**
 * The header of each grid on a page: its ruled rows before the first that holds a figure. Each header
 * item's cell is the width between the rulings around it on its line; items in the same width on
 * consecutive lines with no ruling between them are one cell (a name wrapped inside its cell, a
 * merged cell spanning rows). A body cell's column is the header cells whose width holds its width,
 * top to bottom, when there are two levels at least over some column.
 */
function headerColumns(
  runs: Array<{ lines: Array<{ items: PdfItem[]; top: number; bottom: number }>; run: Run }>,
  ruledBetween: (y1: number, y2: number, items: PdfItem[]) => boolean,
): void {
  let header: HeaderCell[] = [];
  let inHeader = false;
  let headerRuns = 0;
  for (const [r, { lines, run }] of runs.entries()) {
    const cuts = run.cuts;
    if (!cuts) {
      header = [];
      inHeader = false;
      continue;
    }
    if (!runs[r - 1]?.run.cuts) {
      inHeader = true;
      headerRuns = 0;
    }
    if (inHeader && lines.some((l) => l.items.some((it) => FIGURE.test(it.text)))) inHeader = false;
    if (inHeader) {
      headerRuns++;
      for (const l of lines)
        for (const it of l.items) {
          const mid = it.x + it.w / 2;
          const x1 = Math.max(...cuts.filter((c) => c < mid));
          const x2 = Math.min(...cuts.filter((c) => c > mid));
          if (!Number.isFinite(x1) || !Number.isFinite(x2)) continue;
          const same = header.find(
            (h) =>
              Math.abs(h.x1 - x1) <= RULE_SLACK &&
              Math.abs(h.x2 - x2) <= RULE_SLACK &&
              // further on its line ("金  额" spaced out), or on a later line with no ruling between
              (h.line === l ||
                (h.bottom <= l.top + 1 &&
                  !ruledBetween(h.bottom, l.top + (l.bottom - l.top) / 2, [{ ...it, x: x1, w: x2 - x1 }]))),
          );
          if (same) {
            same.text += it.text;
            same.bottom = Math.max(same.bottom, l.bottom);
            same.line = l;
          } else header.push({ text: it.text, x1, x2, top: l.top, bottom: l.bottom, line: l });
        }
      continue;
    }
    // A header is a few lines of names: not a form's cells (values, dates, codes) above its figures.
    if (header.length < 2 || headerRuns > MAX_HEADER_RUNS || header.some((h) => NOT_A_NAME.test(h.text)))
      continue;
    const columns: Array<string | null> = [];
    let deep = false;
    for (let k = 0; k <= cuts.length; k++) {
      const x1 = cuts[k - 1] ?? -Infinity;
      const x2 = cuts[k] ?? Infinity;
      const path = header
        .filter((h) => h.x1 <= x1 + RULE_SLACK && h.x2 >= x2 - RULE_SLACK)
        .sort((a, b) => a.top - b.top)
        .map((h) => h.text);
      if (path.length >= 2) deep = true;
      columns.push(path.length ? path.join(" › ") : null);
    }
    if (deep) run.columns = columns;
  }
}

/** Most ruled rows a table's header is printed over. */
const MAX_HEADER_RUNS = 6;
/** Text no column name holds: a digit other than a year's ("2023年预算数"), a colon. */
const NOT_A_NAME = /(?<!\d)\d(?!\d{3}年)|[:：]/;

/**
 * Most physical lines one ruled cell's text is joined from, unless the grid rules the rows on both
 * sides of its row (a longer cell between rulings that close only the table is a paragraph: kept as lines).
 */
const MAX_CELL_LINES = 4;
/** Most lines of a row the grid rules off from the rows on both sides of it (see betweenRows). */
const MAX_RULED_CELL_LINES = 40;

/**
 * Lines inside a ruled grid become rows of cells: the vertical rulings that span a line cut it into
 * cells, and lines between the same two horizontal rulings (a label wrapped inside its cell, a
 * figure centred against it) are one row. Other lines stay as they are.
 */
function ruledRows(lines: PdfItem[][], rules: PdfRule[]): Run[] {
  const { v, h } = gridOf(rules);
  type Info = { items: PdfItem[]; top: number; bottom: number; cuts: number[] | null };
  const infos: Info[] = lines.map((items) => {
    let top = Infinity;
    let bottom = -Infinity;
    for (const it of items) {
      const [t, b] = extent(it.y, it.fontSize);
      top = Math.min(top, t);
      bottom = Math.max(bottom, b);
    }
    const slack = 0.2 * (bottom - top);
    const cuts = v
      .filter((r) => r.y1 <= top + slack && r.y2 >= bottom - slack)
      .map((r) => r.x)
      .sort((a, b) => a - b);
    // Two cells bounded on both sides at least: a frame around text is no grid.
    if (cuts.length < 3) return { items, top, bottom, cuts: null };
    return { items: items.flatMap((it) => splitAtCuts(it, cuts)), top, bottom, cuts };
  });
  const sameCuts = (a: number[], b: number[]) =>
    a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) <= RULE_SLACK);
  /** A horizontal ruling between heights y1 and y2 across the x-range of any of the items. */
  const ruledBetween = (y1: number, y2: number, items: PdfItem[]) =>
    h.some((r) => r.y > y1 && r.y < y2 && items.some((it) => r.x1 < it.x + it.w - 1 && r.x2 > it.x + 1));
  /**
   * A run is one ruled row when horizontal rulings above and below it cover each of its items, and
   * no cell holds figures on two of its lines (figures do not wrap: those are rows of a table ruled
   * only by its columns).
   */
  const oneRow = (run: Info[], maxLines: number) => {
    const first = run[0]!;
    const last = run[run.length - 1]!;
    const covered = run.every((l) =>
      l.items.every((it) => {
        const covers = (r: HRule) => r.x1 <= it.x + 1 && r.x2 >= it.x + it.w - 1;
        return (
          h.some((r) => covers(r) && r.y <= first.top + 1) &&
          h.some((r) => covers(r) && r.y >= last.bottom - 1)
        );
      }),
    );
    if (!covered) return false;
    const figureLines = new Map<number, number>();
    const textLines = new Map<number, number>();
    for (const l of run) {
      const figures = new Set<number>();
      const texts = new Set<number>();
      for (const it of l.items) (FIGURE.test(it.text) ? figures : texts).add(cellOf(it, first.cuts!));
      for (const k of figures) figureLines.set(k, (figureLines.get(k) ?? 0) + 1);
      for (const k of texts) textLines.set(k, (textLines.get(k) ?? 0) + 1);
    }
    return (
      [...figureLines.values()].every((n) => n < 2) && [...textLines.values()].every((n) => n <= maxLines)
    );
  };
  /**
   * A run between two other rows of the grid, each ruled off from it: the grid rules its rows, so
   * the run is one row however many lines its cells wrap over (a long 项目 name, a note). A table
   * ruled only by its columns has no such row on both sides of its body.
   */
  const betweenRows = (from: number, to: number) => {
    const before = infos[from - 1];
    const after = infos[to];
    const first = infos[from]!;
    const last = infos[to - 1]!;
    return (
      !!before?.cuts &&
      !!after?.cuts &&
      ruledBetween((before.top + before.bottom) / 2, (first.top + first.bottom) / 2, [
        ...before.items,
        ...first.items,
      ]) &&
      ruledBetween((last.top + last.bottom) / 2, (after.top + after.bottom) / 2, [
        ...last.items,
        ...after.items,
      ])
    );
  };
  const out: Run[] = [];
  const spans: Array<{ lines: Info[]; run: Run }> = [];
  for (let i = 0; i < infos.length;) {
    const a = infos[i]!;
    if (!a.cuts) {
      out.push({ lines: [a.items], cuts: null });
      spans.push({ lines: [a], run: out[out.length - 1]! });
      i++;
      continue;
    }
    // The run of lines no horizontal ruling separates.
    let j = i + 1;
    while (
      j < infos.length &&
      infos[j]!.cuts &&
      sameCuts(a.cuts, infos[j]!.cuts!) &&
      !ruledBetween((infos[j - 1]!.top + infos[j - 1]!.bottom) / 2, (infos[j]!.top + infos[j]!.bottom) / 2, [
        ...infos[j - 1]!.items,
        ...infos[j]!.items,
      ])
    )
      j++;
    let run = infos.slice(i, j);
    if (
      run.length > 1 &&
      !(run.length <= 2 * MAX_CELL_LINES && oneRow(run, MAX_CELL_LINES)) &&
      !(run.length <= MAX_RULED_CELL_LINES && betweenRows(i, j) && oneRow(run, MAX_RULED_CELL_LINES))
    )
      run = [a];
    const before = infos[i - 1];
    const after = infos[i + run.length];
    // Every cell of the run closed by rulings between it and the lines before and after it.
    const whole = run.every((l) =>
      l.items.every((it) => {
        const covers = (r: HRule) => r.x1 <= it.x + 1 && r.x2 >= it.x + it.w - 1;
        const top = run[0]!.top + 1;
        const bottom = run[run.length - 1]!.bottom - 1;
        return (
          h.some((r) => covers(r) && r.y <= top && r.y >= (before ? before.bottom - 1 : -Infinity)) &&
          h.some((r) => covers(r) && r.y >= bottom && r.y <= (after ? after.top + 1 : Infinity))
        );
      }),
    );
    out.push({ lines: run.map((l) => l.items), cuts: a.cuts, whole });
    spans.push({ lines: run, run: out[out.length - 1]! });
    i += run.length;
  }
  headerColumns(spans, ruledBetween);
  return out;
}

/** Advance of a character in ems, for placing the characters of a run: full-width 1, else ½, a space ¼. */
const advance = (ch: string) => (CJK.test(ch) ? 1 : /\s/.test(ch) ? 0.25 : 0.5);

/**
 * A run of text pdf.js gives as one item across a ruling ("24,458.43 一、一般公共服务支出": a figure
 * right-aligned against the ruling and the next cell's label) is cut at the space nearest the
 * ruling, when one is within a character of it.
 */
function splitAtCuts(it: PdfItem, cuts: number[]): PdfItem[] {
  const inside = cuts.filter((c) => c > it.x + it.fontSize / 2 && c < it.x + it.w - it.fontSize / 2);
  if (!inside.length || !/\s/.test(it.text)) return [it];
  const chars = [...it.text];
  const ems = chars.reduce((a, ch) => a + advance(ch), 0);
  const scale = it.w / ems;
  // x where each character starts
  const at: number[] = [];
  let x = it.x;
  for (const ch of chars) {
    at.push(x);
    x += advance(ch) * scale;
  }
  const cut = inside[0]!;
  let best = -1;
  for (let i = 0; i < chars.length; i++) {
    if (!/\s/.test(chars[i]!)) continue;
    const d = Math.abs(at[i]! - cut);
    if (d <= it.fontSize && (best < 0 || d < Math.abs(at[best]! - cut))) best = i;
  }
  if (best < 0) return [it];
  let next = best;
  while (next < chars.length && /\s/.test(chars[next]!)) next++;
  const left = chars.slice(0, best).join("").trimEnd();
  const right = chars.slice(next).join("");
  if (!left || !right) return [it];
  const rx = at[next]!;
  const a = { ...it, text: left, w: at[best]! - it.x };
  const b = { ...it, text: right, x: rx, w: it.x + it.w - rx };
  return [a, ...splitAtCuts(b, cuts)];
}

/** The cell an item is in: the count of cuts left of its middle. */
function cellOf(it: PdfItem, cuts: number[]): number {
  const mid = it.x + it.w / 2;
  let k = 0;
  while (k < cuts.length && cuts[k]! < mid) k++;
  return k;
}

const FIGURE = /^[-−+]?[\d,.%]+$/;
const lastChar = (s: string) => s[s.length - 1] ?? "";

/**
 * One line of a ruled table: each cell's text starts at the column of its left edge, at least two
 * spaces after the cell before; inside a cell, text spaced out to fill it ("合    计") is one run and
 * only figures keep their own columns. `span` gets each cell's text span on the line.
 */
function ruledLine(
  items: PdfItem[],
  cuts: number[],
  pitch: number,
  span: (cell: number, start: number, end: number) => void,
): string {
  let s = "";
  let col = 0;
  let prev: PdfItem | null = null;
  let cell = -1;
  let from = 0;
  for (const it of items) {
    const k = cellOf(it, cuts);
    let spaces: number;
    if (k !== cell) {
      if (cell >= 0) span(cell, from, s.length);
      const target = Math.max(0, Math.round(it.x / pitch));
      spaces = s ? Math.max(2, target - col) : target;
    } else {
      const gap = it.x - (prev!.x + prev!.w);
      const size = Math.min(prev!.fontSize, it.fontSize);
      if (gap < size * 0.15) spaces = 0;
      else if (gap >= size * 0.8 && (FIGURE.test(prev!.text) || FIGURE.test(it.text)))
        spaces = Math.max(2, Math.round(it.x / pitch) - col);
      else spaces = CJK.test(lastChar(prev!.text)) && CJK.test(it.text[0]!) ? 0 : 1;
    }
    s += " ".repeat(spaces);
    if (k !== cell) from = s.length;
    s += it.text;
    col += spaces + [...it.text].length;
    cell = k;
    prev = it;
  }
  if (cell >= 0) span(cell, from, s.length);
  return s;
}

/**
 * The document text: pages joined with form feeds, the offset where each page starts, and the rows
 * of the ruled tables (offsets in the text).
 */
export function pdfText(pages: PdfPage[]): { text: string; pages: number[]; rows: RuledRow[] } {
  const starts: number[] = [];
  const rows: RuledRow[] = [];
  let text = "";
  for (const page of pages) {
    if (starts.length) text += "\f";
    starts.push(text.length);
    const laid = layoutPageRows(page);
    const at = text.length;
    for (const r of laid.rows)
      rows.push({ ...r, cells: r.cells.map((c) => c.map(([a, b]): [number, number] => [at + a, at + b])) });
    text += laid.text + "\n";
  }
  return { text, pages: starts, rows };
}
