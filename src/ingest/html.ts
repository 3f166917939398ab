// Reading saved web pages (a disclosure published as HTML): the page's encoding, then its text
// as paragraphs (one per line) and each table as lines of cells separated by runs of spaces, with
// columns aligned like the layout text of a PDF. An image standing where a table should be becomes
// a line naming the image, so the table is recorded as absent rather than silently missing.
import chardet from "chardet";
import iconv from "iconv-lite";
import type { AnyNode, Element } from "domhandler";

export type HtmlRead =
  { ok: true; text: string; encoding: string; warnings: string[] } | { ok: false; reason: string };

/** Normalises a declared or detected charset name to one iconv-lite decodes (GBK family → GB18030). */
function charsetName(name: string): string | null {
  const n = name
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, "");
  if (!n) return null;
  if (/^(gb2312|gbk|gb18030|x-gbk|cp936|windows-936|euc-cn|hz-gb-2312)$/.test(n)) return "GB18030";
  if (/^(utf-?8|unicode-1-1-utf-8)$/.test(n)) return "UTF-8";
  if (/^big5(-hkscs)?$/.test(n)) return "Big5";
  return iconv.encodingExists(n) ? n : null;
}

/** The charset a page declares in its first bytes (`<meta charset>` or http-equiv content-type). */
export function declaredCharset(head: string): string | null {
  const meta = /<meta\s[^>]*charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  return meta ? charsetName(meta[1]!) : null;
}

/** Decodes a web page: BOM, then the declared charset, then UTF-8 if valid, then detection. */
export function decodeHtml(bytes: Uint8Array): { text: string; encoding: string } | { reason: string } {
  if (bytes.length === 0) return { reason: "empty file" };
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf)
    return { text: buf.subarray(3).toString("utf8"), encoding: "UTF-8 (BOM)" };
  if (buf[0] === 0xff && buf[1] === 0xfe)
    return { text: iconv.decode(buf.subarray(2), "utf16le"), encoding: "UTF-16LE" };
  if (buf[0] === 0xfe && buf[1] === 0xff)
    return { text: iconv.decode(buf.subarray(2), "utf16be"), encoding: "UTF-16BE" };
  const declared = declaredCharset(buf.subarray(0, 4096).toString("latin1"));
  if (declared) return { text: iconv.decode(buf, declared), encoding: declared };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(buf), encoding: "UTF-8" };
  } catch {
    // not UTF-8: detect
  }
  const guess = charsetName(chardet.detect(buf) ?? "") ?? "GB18030";
  return { text: iconv.decode(buf, guess), encoding: `${guess} (detected)` };
}

const BLOCK = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "body",
  "center",
  "dd",
  "details",
  "dialog",
  "div",
  "dl",
  "dt",
  "fieldset",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hr",
  "html",
  "li",
  "main",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "summary",
  "ul",
]);
const SKIP = new Set([
  "script",
  "style",
  "noscript",
  "template",
  "head",
  "iframe",
  "object",
  "svg",
  "button",
  "select",
  "textarea",
]);

/** Columns a cell takes: one per character, as in the layout text of a PDF (pdftotext -layout). */
const widthOf = (s: string) => [...s].length;
const collapse = (s: string) => s.replace(/[\s\u00a0\u3000]+/g, " ").trim();

/** Looks like a table's title ("…表", "…表（单位：万元）", "公开05表 …"). */
const TABLE_TITLE = /表\s*([(（][^)）]*[)）])?\s*$|^(公开|附)\s*\d+\s*表/;

const isElement = (n: AnyNode): n is Element => n.type === "tag" || n.type === "script" || n.type === "style";

/** Text of a node with inline whitespace collapsed (nested blocks joined by a space). */
function inlineText(node: AnyNode): string {
  const parts: string[] = [];
  const walk = (n: AnyNode) => {
    if (n.type === "text") parts.push((n as unknown as { data: string }).data);
    else if (isElement(n)) {
      const name = n.name.toLowerCase();
      if (SKIP.has(name)) return;
      if (name === "br" || BLOCK.has(name)) parts.push(" ");
      for (const c of n.children) walk(c);
      if (BLOCK.has(name)) parts.push(" ");
    }
  };
  walk(node);
  return collapse(parts.join(""));
}

const imageName = (el: Element) => {
  const src = el.attribs.src ?? el.attribs["data-src"] ?? "";
  const file = src.split(/[?#]/)[0]!.split(/[\\/]/).pop() ?? "";
  return decodeURIComponentSafe(file) || el.attribs.alt || "（未命名图片）";
};
function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The line standing for a table printed as an image. */
export const imageTableLine = (file: string) => `[图片] 此表为图片，文字未能读取（图片文件：${file}）`;

/** Rows of a table as cell texts, colspans and rowspans filled with empty cells. */
function tableGrid(table: Element): string[][] {
  const rows: Element[] = [];
  const collect = (n: AnyNode) => {
    if (!isElement(n)) return;
    const name = n.name.toLowerCase();
    if (name === "tr") rows.push(n);
    else if (name !== "table") for (const c of n.children) collect(c);
  };
  for (const c of table.children) collect(c);
  const grid: string[][] = [];
  const pending: Array<{ col: number; left: number }> = []; // rowspans still open
  for (const tr of rows) {
    const row: string[] = [];
    const taken = new Set<number>();
    for (const p of pending) if (p.left > 0) taken.add(p.col);
    let col = 0;
    const skipTaken = () => {
      while (taken.has(col)) {
        row[col] = "";
        col++;
      }
    };
    for (const cell of tr.children) {
      if (!isElement(cell) || !/^t[dh]$/i.test(cell.name)) continue;
      skipTaken();
      const span = Math.min(50, Math.max(1, Number.parseInt(cell.attribs.colspan ?? "1", 10) || 1));
      const down = Math.min(500, Math.max(1, Number.parseInt(cell.attribs.rowspan ?? "1", 10) || 1));
      row[col] = inlineText(cell);
      for (let k = 1; k < span; k++) row[col + k] = "";
      if (down > 1) for (let k = 0; k < span; k++) pending.push({ col: col + k, left: down });
      col += span;
    }
    skipTaken();
    for (const p of pending) p.left--;
    for (let i = pending.length - 1; i >= 0; i--) if (pending[i]!.left <= 0) pending.splice(i, 1);
    // rows whose left part is all taken by rowspans still need their holes filled
    for (let k = 0; k < row.length; k++) row[k] ??= "";
    grid.push(row);
  }
  return grid;
}

/** A table as aligned lines: each column as wide as its widest cell, two spaces between columns. */
function tableLines(grid: string[][]): string[] {
  const nonEmpty = grid.filter((r) => r.some((c) => c));
  const width: number[] = [];
  for (const r of nonEmpty) r.forEach((c, i) => (width[i] = Math.max(width[i] ?? 0, widthOf(c))));
  return nonEmpty.map((r) => {
    let s = "";
    r.forEach((c, i) => {
      if (i > 0) s += "  ";
      s += c + (i < r.length - 1 ? " ".repeat((width[i] ?? 0) - widthOf(c)) : "");
    });
    return s.trimEnd();
  });
}

/** Renders a parsed page as lines of text. */
function renderLines(root: AnyNode[]): { lines: string[]; images: number } {
  const lines: string[] = [];
  let current = "";
  let images = 0;
  /** Index in `lines` of the last table-title line not yet followed by a table. */
  let openTitle = -1;
  const flush = () => {
    const t = collapse(current);
    current = "";
    if (!t) return;
    lines.push(t);
    openTitle = TABLE_TITLE.test(t) && t.length <= 60 ? lines.length - 1 : -1;
  };
  const walk = (n: AnyNode) => {
    if (n.type === "text") {
      current += (n as unknown as { data: string }).data;
      return;
    }
    if (!isElement(n)) return;
    const name = n.name.toLowerCase();
    if (SKIP.has(name)) return;
    if (name === "br") return flush();
    if (name === "table") {
      flush();
      const caption = n.children.find((c) => isElement(c) && c.name.toLowerCase() === "caption");
      if (caption) lines.push(inlineText(caption));
      const grid = tableGrid(n);
      if (grid.some((r) => r.some((c) => c))) {
        lines.push(...tableLines(grid));
        openTitle = -1;
      } else {
        // A layout table holding only an image or blocks: read its content as the page.
        for (const c of n.children) walk(c);
      }
      return;
    }
    if (name === "img") {
      // An image right under a table's title stands for the table.
      if (openTitle >= 0 && !collapse(current)) {
        lines.push(imageTableLine(imageName(n)));
        images++;
        openTitle = -1;
      }
      return;
    }
    const block = BLOCK.has(name) || /^t[rdh]$/.test(name);
    if (block) flush();
    for (const c of n.children) walk(c);
    if (block) flush();
  };
  for (const n of root) walk(n);
  flush();
  return { lines, images };
}

/** Reads a saved web page into text. Never throws. */
export async function readHtml(bytes: Uint8Array): Promise<HtmlRead> {
  const decoded = decodeHtml(bytes);
  if ("reason" in decoded) return { ok: false, reason: decoded.reason };
  try {
    const { load } = await import("cheerio");
    const $ = load(decoded.text);
    const title = collapse($("head > title").first().text());
    const body = $("body").get(0) ?? $.root().get(0);
    const { lines, images } = renderLines(body ? [body] : []);
    if (title && !lines.slice(0, 8).some((l) => l.includes(title))) lines.unshift(title);
    const text = lines.join("\n");
    if (!text.trim()) return { ok: false, reason: "no text in the web page" };
    const warnings = images ? [`${images} table(s) printed as images in the web page`] : [];
    return { ok: true, text: text + "\n", encoding: decoded.encoding, warnings };
  } catch (err) {
    return { ok: false, reason: `could not parse the web page: ${(err as Error).message}` };
  }
}
