import { Decimal } from "decimal.js";
import type { Cell, Row, Table } from "./model.js";
import { halfWidth, labelKey } from "./normalize.js";
import type { Line } from "./lines.js";
import { enumeratorLevel } from "./lines.js";
import type { RuledRow } from "./pdf.js";
import { dropSplitHeaderCells, placeLateColumns } from "./late-columns.js";
import { columnTemplateFor, templateRowLabel } from "./table-templates.js";
import {
  FORM_HEADER_RE,
  ECONOMIC_ITEM_RE,
  LEADER_RE,
  PROCUREMENT_FORM_RE,
  PROCUREMENT_TITLE_RE,
  STRUCTURAL_HEADERS,
  TABLE_NUMBER_RE,
  TABLE_REFERENCE_RE,
  NOTE_OPENING_RE,
  NOTE_LABEL_RE,
  LATE_HEADER_RE,
  TOTAL_WORD_RE,
  NOT_TRAILING_FIGURE_RE,
  AMOUNT_COLUMN_RE,
  EMPTY_NOTE_RE,
  EMPTY_LINES_RE,
  TITLE_RE,
  TOTAL_LABEL_RE,
  UNIT_RE,
  TEXT_COLUMN_RE,
  UNIT_NAME_END_RE,
} from "./table-vocab.js";

export { TITLE_RE };

/** A whitespace-separated piece of a table line, with its original offsets. */
interface Token {
  text: string;
  start: number;
  end: number;
  /** First token of a new line / of a new tab-format cell group. */
  lineStart: boolean;
  /** Tab format only: position of the cell inside its row group. */
  kind: "number" | "dash" | "blank" | "label";
  /** A ruled cell's column path as the page's grid draws it (see RuledRow.columns). */
  column?: string | null;
}

const NUMBER_RE = /^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$/;
/** A table number printed before the title on its line: "公开 06 表：财政拨款基本支出预算表". */
const NUMBER_PREFIX_RE = /^((?:公开|附)\s?表?\s?\d{1,2}\s?表?)\s?[:：]\s?(?=\S)/;

/** The title and the table number printed before it on the same line, if any. */
export function splitNumberedTitle(norm: string): { title: string; number: string | null } {
  const m = NUMBER_PREFIX_RE.exec(norm);
  if (!m) return { title: norm, number: null };
  return { title: norm.slice(m[0].length), number: m[1]!.replace(/\s/g, "").replace(/^附/, "公开") };
}

export function isTitleLine(line: string): boolean {
  const norm = splitNumberedTitle(line).title;
  if (!TITLE_RE.test(norm) || TABLE_NUMBER_RE.test(norm) || LEADER_RE.test(norm)) return false;
  if (/^第.{1,3}部分/.test(norm) || NOTE_OPENING_RE.test(norm) || /[见如下]/.test(norm.slice(-3, -1)))
    return false;
  // "详见单位的项目绩效目标表": a reference to a table, not its title.
  if (TABLE_REFERENCE_RE.test(norm)) return false;
  return true;
}

const classify = (t: string): Token["kind"] => {
  if (t === "") return "blank";
  if (NUMBER_RE.test(t)) return "number";
  if (/^[-—–/]+$/.test(t)) return "dash";
  return "label";
};

/** Splits a space-separated table line into tokens, also cutting "3878.84一、一般…" apart. */
function tokenizeLine(text: string, line: Line): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  const raw = text.slice(line.start, line.end);
  while ((m = re.exec(raw))) {
    const start = line.start + m.index;
    const piece = [...m[0]].map(halfWidth).join("");
    // A decimal number glued to the next column's label ("3878.84一、一般公共服务支出").
    const glued = /^([-−]?\d[\d,]*\.\d+%?)(\D.*)$/.exec(piece);
    if (glued && glued[1] && glued[2] && !/^[%万元个人辆分]/.test(glued[2])) {
      out.push({ text: glued[1], start, end: start + glued[1].length, lineStart: false, kind: "number" });
      out.push({
        text: glued[2],
        start: start + glued[1].length,
        end: start + m[0].length,
        lineStart: false,
        kind: "label",
      });
    } else if (piece === "%" && out.length > 0 && out[out.length - 1]!.kind === "number") {
      const prev = out[out.length - 1]!;
      prev.text += "%";
      prev.end = start + 1;
    } else {
      out.push({ text: piece, start, end: start + m[0].length, lineStart: false, kind: classify(piece) });
    }
  }
  if (out[0]) out[0].lineStart = true;
  return out;
}

/**
 * The lines of a table body as rows of tokens, one row per line, except where the page rules the
 * table: there a row is the ruled row (all its lines, a wrapped label and a figure centred against
 * it) and each cell's words are one token, its figures one token each.
 */
function tokenizeBody(text: string, lines: Line[], ruled: RuledRow[], whole: Set<Token>): Token[][] {
  const first = lines[0];
  const last = lines[lines.length - 1];
  if (!first || !last || !ruled.length) return lines.map((l) => tokenizeLine(text, l));
  const ranges = ruled
    .map((r) => {
      const spans = r.cells.flat();
      return { r, start: Math.min(...spans.map((x) => x[0])), end: Math.max(...spans.map((x) => x[1])) };
    })
    .filter((x) => x.start >= first.start && x.end <= last.end);
  const out: Token[][] = [];
  let k = 0;
  for (const line of lines) {
    while (k < ranges.length && ranges[k]!.end < line.start) k++;
    const range = ranges[k];
    if (!range || range.start > line.end) out.push(tokenizeLine(text, line));
    else if (range.start >= line.start) {
      const row = ruledTokens(text, range.r);
      if (range.r.whole) for (const t of row) whole.add(t);
      out.push(row);
    }
    // A later line of a ruled row already read.
  }
  return out;
}

/** A ruled row's tokens: per cell, its words joined into one label, its figures apart. */
function ruledTokens(text: string, row: RuledRow): Token[] {
  const out: Token[] = [];
  for (const [k, cell] of row.cells.entries()) {
    const pieces = cell.flatMap(([start, end]) =>
      tokenizeLine(text, { index: -1, start, end, norm: "", tabCell: false, blank: false }),
    );
    if (row.columns) for (const t of pieces) t.column = row.columns[k] ?? null;
    let words: Token | null = null;
    for (const t of pieces) {
      if (t.kind === "label" && words) {
        const glue = /[0-9A-Za-z]$/.test(words.text) && /^[0-9A-Za-z]/.test(t.text) ? " " : "";
        words.text += glue + t.text;
        words.end = t.end;
        continue;
      }
      const token = { ...t, lineStart: false };
      out.push(token);
      words = t.kind === "label" ? token : null;
    }
  }
  if (out[0]) out[0].lineStart = true;
  return out;
}

/** Tab format: each line is one cell ("\t12.26", or "\t" for a blank), rows separated by blank lines. */
function tokenizeTabRows(text: string, lines: Line[]): Token[][] {
  const rows: Token[][] = [];
  let current: Token[] = [];
  for (const line of lines) {
    if (!line.tabCell) {
      if (current.length) rows.push(current);
      current = [];
      continue;
    }
    const cellText = line.norm;
    const lead = text.slice(line.start, line.end).search(/\S/);
    const start = lead < 0 ? line.start + 1 : line.start + lead;
    current.push({
      text: cellText,
      start,
      end: line.end,
      lineStart: current.length === 0,
      kind: classify(cellText),
    });
  }
  if (current.length) rows.push(current);
  return rows;
}

const joinTokens = (ts: Token[]) => ts.map((t) => t.text).join("");

/**
 * One-cell-per-line text sometimes prints a run of rows' labels first and their figures after
 * the last label. With N figures per row (the most common count), an entry holding k·N figures
 * after k-1 entries with none gives each its N figures in order. Anything less certain is left
 * as it is: labels without figures rather than figures under the wrong label.
 */
function pairBlocks(entries: Entry[]): Entry[] {
  const counts = new Map<number, number>();
  for (const e of entries)
    if (e.values.length) counts.set(e.values.length, (counts.get(e.values.length) ?? 0) + 1);
  const n = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
  if (!n) return entries;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.values.length <= n || e.values.length % n !== 0) continue;
    const k = e.values.length / n;
    const pending = entries.slice(i - (k - 1), i);
    if (i - (k - 1) < 0 || pending.some((p) => p.values.length || !(p.label.length || p.code.length)))
      continue;
    const values = e.values;
    [...pending, e].forEach((p, j) => (p.values = values.slice(j * n, (j + 1) * n)));
  }
  // The other order: a row's figures followed by the figures of the rows whose labels come next
  // ("退休费 275,460 275,460 0 101,341,746 90,514,044 10,827,702 合计").
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.values.length <= n || e.values.length % n !== 0 || !e.label.length) continue;
    const k = e.values.length / n;
    const following = entries.slice(i + 1, i + k);
    if (following.length !== k - 1 || following.some((p) => p.values.length || !p.label.length)) continue;
    const values = e.values;
    [e, ...following].forEach((p, j) => (p.values = values.slice(j * n, (j + 1) * n)));
  }
  // A total printed after its figures, the row before it holding both ("退休费 177,480 177,480
  // 99,406,297 84,024,865 | 合计 15,381,432"): the total takes the n figures whose first is the
  // sum of the others (合计 = 基本支出 + 项目支出), the row before keeps what precedes them.
  for (let i = 0; i + 1 < entries.length; i++) {
    const e = entries[i]!;
    const f = entries[i + 1]!;
    if (e.values.length <= Math.max(n, 2) || f.values.length >= 3 || !e.label.length) continue;
    if (!TOTAL_LABEL_RE.test(labelKey(joinTokens(f.label)))) continue;
    const all = [...e.values, ...f.values];
    // The window ends at the last figure, or before a code piece printed after it ("… 65,572,343 99").
    const ends = [all.length];
    if (!f.values.length && /^\d{2,3}$/.test(all[all.length - 1]!.text)) ends.push(all.length - 1);
    search: for (let w = 3; w < all.length; w++)
      for (const end of ends) {
        const window = all.slice(end - w, end);
        if (end - w < 1 || !sumsUp(window)) continue;
        e.values = all.slice(0, end - w);
        f.values = window;
        break search;
      }
  }
  return entries;
}

/** Whether the first figure is the sum of the others (all printed figures, at least one non-zero). */
function sumsUp(ts: Token[]): boolean {
  if (ts.some((t) => t.kind !== "number" || t.text.endsWith("%"))) return false;
  const v = ts.map((t) => new Decimal(t.text.replace(/,/g, "").replace("−", "-")));
  if (v[0]!.isZero()) return false;
  const rest = v.slice(1).reduce((a, b) => a.plus(b), new Decimal(0));
  return rest.eq(v[0]!);
}

/** A printed amount (not a code piece): "0", or a number with a separator or decimals. */
const isFigure = (t: Token | undefined) => t?.kind === "number" && (t.text === "0" || /[.,]/.test(t.text));

const isCode = (t: string) => /^\d{3}$|^\d{5}$|^\d{7}$/.test(t);

/** A code piece printed in its own cell: a 类 (3 digits) or a 款/项 (2 digits). */
const isCodePiece = (t: Token) => t.kind === "number" && /^\d{2,3}$/.test(t.text);

/**
 * One-cell-per-line text prints the code columns of some tables as their own runs ("204 06 204 06
 * 204 99 …"), away from the labels they belong to. A run of code pieces is kept only when it is one
 * code path (every code in it a prefix of the last: "201 05 201 05 06") and a label follows; then
 * only its last code stays, as the code of that label. Any other run is dropped: such pieces are
 * neither figures nor a code that can be placed with confidence.
 */
function dropCodeRuns(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length;) {
    let j = i;
    while (j < tokens.length && isCodePiece(tokens[j]!)) j++;
    const run = tokens.slice(i, j);
    const hasClass = run.some((t) => t.text.length === 3);
    const hasPart = run.some((t) => t.text.length === 2);
    if (run.length < 2 || !hasClass || !hasPart) {
      out.push(...(run.length ? run : [tokens[i]!]));
      i = Math.max(j, i + 1);
      continue;
    }
    // A page number may precede the run ("17 212 212 01 …").
    let k = 0;
    if (run[0]!.text.length === 2 && !run[0]!.text.startsWith("0") && run[1]?.text.length === 3) k = 1;
    const codes: Token[][] = [];
    let clean = true;
    for (; k < run.length; k++) {
      const t = run[k]!;
      if (t.text.length === 3) codes.push([t]);
      else if (codes.length && codes[codes.length - 1]!.length < 3) codes[codes.length - 1]!.push(t);
      else clean = false;
    }
    const last = codes[codes.length - 1];
    const lastCode = last ? joinTokens(last) : "";
    const chain = clean && codes.every((c) => lastCode.startsWith(joinTokens(c)));
    if (chain && last && tokens[j]?.kind === "label") out.push(...last);
    i = j;
  }
  return out;
}

/**
 * A page number printed among the last cells of a page (one cell per line): a small whole number
 * just before a form feed, in a table whose figures all have decimals.
 */
function dropPageNumbers(text: string, tokens: Token[]): Token[] {
  const figures = tokens.filter((t) => t.kind === "number" && t.text !== "0");
  if (figures.filter((t) => /\.\d/.test(t.text)).length < 0.9 * figures.length) return tokens;
  return tokens.filter((t) => {
    if (t.kind !== "number" || !/^[1-9]\d{0,2}$/.test(t.text)) return true;
    const after = text.slice(t.end, t.end + 80);
    const feed = after.indexOf("\f");
    return (
      feed < 0 ||
      after
        .slice(0, feed)
        .split("\n")
        .filter((l) => l.trim()).length > 2
    );
  });
}

/**
 * Header cells printed again after a page break, in one-cell-per-line text: runs of two or more
 * header words are not labels.
 */
function dropHeaderRuns(tokens: Token[], headerWords: Set<string>): Token[] {
  const isHeader = (t: Token | undefined) => !!t && t.kind === "label" && headerWords.has(labelKey(t.text));
  return tokens.filter((t, i) => !(isHeader(t) && (isHeader(tokens[i - 1]) || isHeader(tokens[i + 1]))));
}

interface Entry {
  code: Token[];
  label: Token[];
  values: Token[];
  /** Each figure's column, when placed by the table's sums (a late column block). */
  columns?: Array<string | null>;
}

/** Groups a row's tokens into entries: [code] label value* — several per row when column groups sit side by side. */
function entriesOf(
  tokens: Token[],
  carry: Entry | null,
  stream = false,
): { done: Entry[]; open: Entry | null } {
  const done: Entry[] = [];
  let cur = carry;
  const close = () => {
    if (cur && (cur.label.length || cur.values.length)) done.push(cur);
    cur = null;
  };
  const hasLabelAhead = (i: number) => tokens[i + 1]?.kind === "label" || tokens[i + 1] === undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === "label") {
      // One cell per line: a total never continues the label before it (that row's cell is blank).
      // Space-separated rows: an enumerated item ("二、项目支出") starts the other side's row when
      // this side's cell is blank ("二、政府性基金预算      二、项目支出   10,541.46").
      const startsItem =
        TOTAL_LABEL_RE.test(labelKey(t.text)) || (!stream && /^[一二三四五六七八九十]+、/.test(t.text));
      if (cur && (cur.values.length || (cur.label.length && startsItem && (stream || !t.lineStart)))) close();
      if (!cur) cur = { code: [], label: [], values: [] };
      cur.label.push(t);
      continue;
    }
    if (t.kind === "number") {
      // Economic codes printed over two cells/lines: "302" then "01" is 30201.
      // Function codes printed in 类/款/项 columns: "208" "05" "05" is 2080505.
      if (
        cur &&
        !cur.label.length &&
        !cur.values.length &&
        cur.code.length >= 1 &&
        /^\d{3}$/.test(cur.code[0]!.text) &&
        joinTokens(cur.code).length < 7 &&
        /^\d{2}$/.test(t.text)
      ) {
        cur.code.push(t);
        continue;
      }
      const startsCode =
        isCode(t.text) &&
        (!cur ||
          cur.values.length > 0 ||
          (!cur.label.length && !cur.code.length) ||
          // One cell per line: a code before a label starts the next row even when this one has no figures yet.
          (stream && cur.label.length > 0 && tokens[i + 1]?.kind === "label")) &&
        (hasLabelAhead(i) || (/^\d{3}$/.test(t.text) && /^\d{2}$/.test(tokens[i + 1]?.text ?? "")));
      if (startsCode) {
        close();
        cur = { code: [t], label: [], values: [] };
        continue;
      }
      if (!cur) {
        // A number before any label in a row is its 序号/行次, unless the row is all numbers
        // (a multi-level header over a single row of figures, as in the 三公 table).
        const rest = tokens.slice(i);
        if (rest.every((r) => r.kind !== "label") && rest.filter((r) => r.kind === "number").length >= 3) {
          cur = { code: [], label: [], values: [] };
        } else continue;
      }
      cur.values.push(t);
      continue;
    }
    // blank or dash
    if (cur && (cur.label.length || cur.code.length)) cur.values.push(t);
  }
  if (stream) {
    close();
    return { done, open: null };
  }
  return { done, open: cur };
}

/** The header cell a token is, or null when it names no column. */
function headerName(t: Token): string | null {
  const name = t.text.replace(/功能分类$|经济分类$/, "");
  if (t.kind !== "label" || name.length < 2 || STRUCTURAL_HEADERS.has(name.replace(/\s/g, ""))) return null;
  // Dates, the unit's own name and single characters of letter-spaced labels are not columns.
  if (/^\d*年度?$|^\d*月$/.test(name) || UNIT_NAME_END_RE.test(name)) return null;
  if (/[:：]/.test(name)) return null;
  return name;
}

function headerNames(headerTokens: Token[]): string[] {
  return headerTokens.map(headerName).filter((n): n is string => n !== null);
}

/**
 * Columns from where things sit on the line (text laid out in columns, pdftotext -layout or our PDF
 * reader): each figure belongs to the header cell above it, the lowest one it overlaps. A header
 * printed over several lines ("基本支出" over "人员经费 公用经费", "合计" a line lower) reads in the
 * wrong order when read line by line; its position does not. Null unless every figure finds its own
 * header cell.
 */
/** Most characters between a figure and the header cell it sits under. */
const MAX_ALIGN_GAP = 6;

function alignedColumns(text: string, header: Token[]) {
  const xOf = (t: Token): [number, number] => {
    const ls = text.lastIndexOf("\n", t.start - 1) + 1;
    return [t.start - ls, t.end - ls];
  };
  const cells = header
    .map((t) => ({ t, name: headerName(t), x: xOf(t) }))
    .filter((h): h is { t: Token; name: string; x: [number, number] } => h.name !== null);
  const lineOf = (t: Token) => text.lastIndexOf("\n", t.start - 1);
  const lines = new Set(cells.map((h) => lineOf(h.t)));
  if (lines.size < 2) return null;
  return (values: Token[]): Array<string | null> | null => {
    if (values.length < 2) return null;
    const used = new Set<Token>();
    const out: string[] = [];
    for (const v of values) {
      const [a, b] = xOf(v);
      // Nearest header cell (overlapping ones first, then the lowest line, then the widest overlap).
      let best: (typeof cells)[number] | null = null;
      let bestKey: [number, number, number] = [Infinity, 0, 0];
      for (const h of cells) {
        const overlap = Math.min(b, h.x[1]) - Math.max(a, h.x[0]);
        const distance = overlap > 0 ? 0 : -overlap;
        if (distance > MAX_ALIGN_GAP) continue;
        const key: [number, number, number] = [distance, -lineOf(h.t), -overlap];
        if (
          key[0] < bestKey[0] ||
          (key[0] === bestKey[0] && (key[1] < bestKey[1] || (key[1] === bestKey[1] && key[2] < bestKey[2])))
        ) {
          best = h;
          bestKey = key;
        }
      }
      if (!best || used.has(best.t)) return null;
      used.add(best.t);
      out.push(best.name);
    }
    // Only a header read from several lines is out of order; one line reads in order already.
    const from = new Set([...used].map(lineOf));
    return from.size > 1 ? out : null;
  };
}

/**
 * Headers name the text columns first and the figure columns last: with fewer figures than names,
 * the last names are the figures' when the first of them is a total column ("合计 人员经费 公用经费").
 */
function trailingFigureNames(names: string[], count: number): boolean {
  if (count < 2 || names.length <= count) return false;
  const tail = names.slice(names.length - count);
  return TOTAL_WORD_RE.test(labelKey(tail[0]!)) && !tail.slice(1).some((n) => NOT_TRAILING_FIGURE_RE.test(n));
}

/**
 * A 政府采购 row prints the item and, in their own columns, its 经济科目 and 采购组织形式
 * ("家具用具 分散自行组织 198.00"; "省委办公厅承办的会议费 会议费 872.10"): the item stays the
 * label, the others become text cells so the label is what a question names.
 */
function procurementColumns(
  title: string,
  label: Token[],
  names: string[],
): { label: Token[]; apart: Cell[] } {
  if (!PROCUREMENT_TITLE_RE.test(title) || label.length < 2) return { label, apart: [] };
  const rest = [...label];
  const apart: Cell[] = [];
  const named = (re: RegExp) => names.find((n) => re.test(n)) ?? null;
  const lastText = () => labelKey(rest[rest.length - 1]!.text);
  if (rest.length >= 2 && PROCUREMENT_FORM_RE.test(lastText())) {
    apart.unshift(toCell(rest.pop()!, named(/组织形式|采购方式/)));
    // An item row: the item is printed just before its 采购组织形式; words before it are the end
    // of a wrapped 专项名称 above ("化经费 印刷服务 政府集中采购 152.00").
    if (rest.length >= 2 && !/^[一二三四五六七八九十]+、/.test(lastText())) {
      const item = rest.pop()!;
      const before = rest.splice(0);
      const t: Token = { ...before[0]!, text: joinTokens(before), end: before[before.length - 1]!.end };
      apart.unshift(toCell(t, named(/专项名称|项目名称/)));
      rest.push(item);
    }
    return { label: rest, apart };
  }
  if (rest.length >= 2 && ECONOMIC_ITEM_RE.test(lastText()) && named(/经济科目|经济分类/))
    apart.unshift(toCell(rest.pop()!, named(/经济科目|经济分类/)));
  return { label: rest, apart };
}

function toCell(t: Token, column: string | null): Cell {
  const printed = t.kind === "blank" ? "" : t.text;
  const value = t.kind === "number" ? t.text.replace(/,/g, "").replace(/%$/, "").replace("−", "-") : null;
  return { text: printed, value, span: [t.start, t.end], column };
}

/**
 * A form with one row of figures under a multi-level header (the 三公 table): every figure of the
 * block, in print order, when its only words are header words. The header cells of such a form
 * come out interleaved with the figures in one-cell-per-line text.
 */
function singleFigureRow(title: string, rows: Token[][]): Entry | null {
  if (!templateRowLabel(title)) return null;
  const tokens = rows.flat();
  const words = tokens.filter((t) => t.kind === "label");
  // Besides the header words only the form's preamble: "部门：", the unit's name, "单位：万元".
  const preamble = (t: Token) => /[:：]/.test(t.text) || UNIT_NAME_END_RE.test(labelKey(t.text));
  if (!words.every((t) => FORM_HEADER_RE.test(labelKey(t.text)) || preamble(t))) return null;
  const values = tokens.filter((t) => t.kind === "number" || t.kind === "dash");
  if (values.length < 3 || values.length > 24) return null;
  return { code: [], label: [], values };
}

function buildRows(
  entries: Entry[],
  names: string[],
  hasRowNumbers: boolean,
  title: string,
  headerText = "",
  aligned: ((values: Token[]) => Array<string | null> | null) | null = null,
): Row[] {
  const rows: Row[] = [];
  // The figure columns of the rows whose figures fill the header's trailing columns.
  const fullColumns = new Set<string>();
  for (const e of entries) {
    const n = e.values.length;
    if (trailingFigureNames(names, n)) for (const c of names.slice(names.length - n)) fullColumns.add(c);
  }
  /** Figures whose column the page's grid draws (RuledRow.columns). */
  const gridCells: Array<{ cell: Cell; path: string }> = [];
  for (const e of entries) {
    const all = [...e.code, ...e.label, ...e.values];
    if (!all.length) continue;
    let values = e.values;
    const cells: Cell[] = [];
    // Tables with a 行次 column print it right after the label: it is not a figure.
    if (hasRowNumbers && values[0] && /^\d{1,3}$/.test(values[0].text) && e.label.length) {
      const rowNo = Number(values[0].text);
      cells.push(toCell(values[0], "行次"));
      values = values.slice(1);
      // The next column group's 行次 when its label is blank ("…拨款 30 62"): not a figure either.
      const last = values[values.length - 1];
      if (values.length === 1 && last && /^\d{1,2}$/.test(last.text) && Number(last.text) > rowNo) {
        cells.push(toCell(last, "行次"));
        values = [];
      }
    }
    const template = !e.label.length
      ? columnTemplateFor(
          title,
          values.map((v) => v.text),
          headerText,
        )
      : null;
    let cols: Array<string | null>;
    const chunk = names.slice(0, values.length);
    // Column groups side by side repeat their header ("项目 预算数 | 项目 预算数").
    const repeated =
      values.length > 0 &&
      names.length > values.length &&
      names.length % values.length === 0 &&
      names.every((n, i) => n === chunk[i % values.length]);
    if (template) cols = template;
    else if (e.columns) cols = e.columns;
    // A form's unlabelled row whose figures fit none of its print orders: no column is known.
    else if (!e.label.length && templateRowLabel(title)) cols = values.map(() => null);
    else if (names.length === values.length) cols = names;
    else if (repeated) cols = chunk;
    else if (trailingFigureNames(names, values.length)) {
      cols = names.slice(names.length - values.length);
      // A header printed over several lines lists these names out of order: their places on the
      // line put them back in order (only a reordering of the same names is taken).
      const byPlace = aligned?.(values);
      if (byPlace && [...byPlace].sort().join("|") === [...cols].sort().join("|")) cols = byPlace;
    } else {
      // Fewer figures than columns (blank cells vanish from the text): their places on the line say
      // which columns they are, when those are columns the full rows use.
      const byPlace = aligned?.(values);
      if (byPlace && byPlace.every((n) => n !== null && fullColumns.has(n))) cols = byPlace;
      else {
        // Header and figures do not line up: name only a first column that is clearly the amount.
        const first = names[0] && AMOUNT_COLUMN_RE.test(names[0]) ? names[0] : null;
        cols = values.map((_, i) => (i === 0 ? first : null));
      }
    }
    // A figure is never under a code or name column ("经济分类科目编码"): such a name is a misreading.
    values.forEach((v, i) => {
      const col = cols[i] ?? null;
      cells.push(toCell(v, col && TEXT_COLUMN_RE.test(col) ? null : col));
      if (v.column && !template) gridCells.push({ cell: cells[cells.length - 1]!, path: v.column });
    });
    const { label: labelTokens, apart } = procurementColumns(title, e.label, names);
    cells.unshift(...apart);
    // Figures printed before their label (one cell per line): the span runs from the first printed cell.
    const spanStart = Math.min(...all.map((t) => t.start));
    const spanEnd = Math.max(...all.map((t) => t.end));
    const label = joinTokens(labelTokens);
    rows.push({
      // A total row has no code: a code next to it belongs to a neighbouring row.
      code:
        e.code.length && !TOTAL_LABEL_RE.test(labelKey(label)) ? e.code.map((c) => c.text).join("") : null,
      label,
      cells,
      span: [spanStart, spanEnd],
    });
  }
  useGridColumns(gridCells);
  return rows;
}

/**
 * Header names read in print order misplace the columns of a header printed over several lines (a
 * merged cell over its parts, names centred in cells spanning header rows), or leave them unknown.
 * Where the page's grid draws the header, a figure's column is the path of the header cells over
 * its cell ("基本支出 › 人员经费"): the grid's path is the column.
 */
function useGridColumns(gridCells: Array<{ cell: Cell; path: string }>): void {
  for (const g of gridCells) g.cell.column = TEXT_COLUMN_RE.test(g.path) ? null : g.path;
}

/**
 * The words at the top of a page that end the label of the row before the break: one cell of words
 * without figures or code, that neither opens an item ("一、", "（二）") nor is a total.
 */
function isLabelRest(r: Token[]): boolean {
  const t = r[0]!;
  const key = labelKey(t.text);
  return (
    r.length === 1 &&
    t.kind === "label" &&
    !isCode(t.text) &&
    enumeratorLevel(key) < 0 &&
    !TOTAL_LABEL_RE.test(key) &&
    !/^[(（]?[一二三四五六七八九十\d]+[)）、.．]/.test(key)
  );
}

/**
 * A table continued on the next page may print its header again there, over several lines (a
 * merged cell over its parts, "类 款 项" under a code column): the rows right after a page break
 * that hold no figure and only words of the table's own header (or its unit line) are that header,
 * not rows. The first other row ends it. In a ruled table (`splitCells`), a row split by the break
 * prints the rest of its label there, in a cell of its own: it joins the row before the break.
 */
function dropRepeatedHeaders(
  text: string,
  rows: Token[][],
  headerRows: Token[][],
  metaRow: (r: Token[]) => boolean,
  splitCells = false,
): Token[][] {
  const words = new Set(
    headerRows
      .flat()
      .filter((t) => t.kind === "label")
      .map((t) => labelKey(t.text)),
  );
  if (!words.size) return rows;
  const out: Token[][] = [];
  let repeating = false;
  let end = -1;
  for (const r of rows) {
    if (!r.length) continue;
    const start = Math.min(...r.map((t) => t.start));
    if (end >= 0 && start > end && text.slice(end, start).includes("\f")) repeating = true;
    end = Math.max(end, ...r.map((t) => t.end));
    if (repeating) {
      const header =
        metaRow(r) ||
        r.every((t) => t.kind === "blank" || (t.kind === "label" && words.has(labelKey(t.text))));
      if (header) continue;
      repeating = false;
      // A ruled cell split by the page break: the rest of the last row's label, alone in its cell.
      // (The page's number may sit between, printed under the table.)
      let back = out.length - 1;
      while (back > 0 && out[back]!.length === 1 && out[back]![0]!.kind === "number") back--;
      const prev = out[back];
      // The cell it continues: the label cell of that row it sits under.
      const columnOf = (t: Token) => {
        const from = t.start - text.lastIndexOf("\n", t.start - 1) - 1;
        const eol = text.indexOf("\n", t.start);
        return [from, from + (Math.min(t.end, eol < 0 ? t.end : eol) - t.start)];
      };
      const [a, b] = columnOf(r[0]!);
      const label = prev?.find((t) => {
        if (t.kind !== "label") return false;
        const [c, d] = columnOf(t);
        return Math.min(b!, d!) > Math.max(a!, c!);
      });
      if (splitCells && label && prev!.some((t) => t.kind === "number") && isLabelRest(r)) {
        label.text += r[0]!.text;
        continue;
      }
    }
    out.push(r);
  }
  return out;
}

export interface TableBlock {
  title: string;
  titleLine: Line | null;
  lines: Line[];
  /** "公开09表" printed on the line above the title. */
  numberLine?: Line | undefined;
}

/** Parses one detected table block (title line plus following lines) into a Table. */
export function parseTable(text: string, block: TableBlock, ruled: RuledRow[] = []): Table {
  const { lines } = block;
  const first = block.titleLine ?? lines[0];
  const lastLine = lines[lines.length - 1] ?? first;
  const span: [number, number] = [first?.start ?? 0, lastLine?.end ?? 0];
  const numbered = splitNumberedTitle(block.title);
  let number: string | null = block.numberLine
    ? block.numberLine.norm.replace(/^附/, "公开")
    : numbered.number;
  let unit: string | null = null;
  let note: string | null = null;
  const noteLines: Line[] = [];
  const body: Line[] = [];
  let inNote = false;
  for (const line of lines) {
    if (line.blank) {
      body.push(line);
      continue;
    }
    const n = line.norm;
    if (TABLE_NUMBER_RE.test(n) && !number) {
      number = n.replace(/^附/, "公开");
      continue;
    }
    const u = UNIT_RE.exec(n);
    if (u && !unit) unit = u[1]!;
    if (NOTE_LABEL_RE.test(n)) inNote = true;
    if (inNote) noteLines.push(line);
    else body.push(line);
  }
  if (noteLines.length) note = noteLines.map((l) => l.norm).join("");

  /** Tokens of the rows of a ruled table that rulings close: none continues on the next line. */
  const wholeRows = new Set<Token>();
  const tabFormat = body.filter((l) => l.tabCell).length > body.filter((l) => !l.blank && !l.tabCell).length;
  const rowsOfTokens: Token[][] = tabFormat
    ? tokenizeTabRows(text, body)
    : tokenizeBody(
        text,
        body.filter((l) => !l.blank),
        ruled,
        wholeRows,
      );

  // Header: rows up to the 栏次 row, or up to the first row with a decimal figure or a subject code.
  const metaRow = (r: Token[]) =>
    r.length > 0 &&
    r.every((t) => t.kind === "blank" || /[:：]|^\d{3}\D/.test(t.text) || UNIT_RE.test(t.text));
  let headerEnd: number = rowsOfTokens.findIndex((r, i) => i < 12 && r.some((t) => t.text === "栏次"));
  if (headerEnd < 0) {
    const firstBody = rowsOfTokens.findIndex(
      (r) => r.some((t) => /\.\d/.test(t.text)) || (isCode(r[0]?.text ?? "") && r[1]?.kind === "label"),
    );
    // No decimal figure nor coded row (whole-yuan tables): the header end is left to the rules below.
    headerEnd = firstBody < 0 ? rowsOfTokens.length : firstBody - 1;
  }
  // One cell per line: the header ends before the first code that a label follows, or before the
  // label of the first figure.
  const oneCell = (r: Token[] | undefined) => r?.length === 1;
  if (!tabFormat && rowsOfTokens.filter(oneCell).length >= 0.7 * rowsOfTokens.length) {
    const firstCode = rowsOfTokens.findIndex(
      (r, i) => oneCell(r) && isCode(r[0]!.text) && rowsOfTokens[i + 1]?.[0]?.kind === "label",
    );
    // A figure may share its line with the next label ("18,330.37 一、基本支出").
    const firstFigure = rowsOfTokens.findIndex(
      (r) => r.length <= 2 && r[0]!.kind === "number" && /[.,]/.test(r[0]!.text),
    );
    const candidates = [firstCode - 1, firstFigure - 2].filter((x) => x >= -1);
    if (candidates.length) headerEnd = Math.min(headerEnd, ...candidates);
  }
  if (headerEnd >= rowsOfTokens.length) headerEnd = -1;
  const headerRows = headerEnd >= 0 ? rowsOfTokens.slice(0, headerEnd + 1) : [];
  const names = headerNames(headerRows.filter((r) => !metaRow(r)).flat());
  // One cell per line: a figure column's header cell may be printed after the first row's figures
  // ("合计 人员经费 工资福利支出 83,847,385 83,847,385 公用经费 款 301 …"). Before the first code, such
  // a word with no figure after it is a header cell, not a row.
  const lateHeaders = new Set<Token>();
  if (!tabFormat) {
    const flat = rowsOfTokens.slice(Math.max(headerEnd + 1, 0)).flat();
    for (let i = 0; i < flat.length && !isCode(flat[i]!.text); i++) {
      const t = flat[i]!;
      if (t.kind === "label" && LATE_HEADER_RE.test(labelKey(t.text)) && !isFigure(flat[i + 1])) {
        lateHeaders.add(t);
        if (!names.includes(t.text)) names.push(t.text);
      }
    }
  }
  // Letter-spaced headers ("行 次") count too.
  const hasRowNumbers = headerRows.some((r) =>
    r
      .map((t) => t.text)
      .join("")
      .includes("行次"),
  );

  // A header printed again after a page break is not a row.
  const headerWord = (t: Token) => t.kind === "label" && STRUCTURAL_HEADERS.has(labelKey(t.text));
  const bodyRows = dropRepeatedHeaders(
    text,
    rowsOfTokens.slice(headerEnd + 1),
    headerRows,
    metaRow,
    ruled.some((r) => r.cells[0]?.[0] && r.cells[0][0][0] >= span[0] && r.cells[0][0][0] <= span[1]),
  )
    .map((r) => r.filter((t) => !lateHeaders.has(t)))
    .filter((r) => !r.some((t) => t.text === "栏次"))
    .map((r) => (r.some((t) => t.kind === "number") ? r : r.filter((t) => !headerWord(t))))
    .filter(
      (r) =>
        r.length > 0 &&
        !(r.every((t) => t.kind === "label") && r.length >= 2 && r.every((t) => names.includes(t.text))),
    );
  // pdftotext's default shape prints one cell per line: read the body as one stream of cells, so a
  // code, its label and its figures group across lines, and a block of figures after its labels pairs up.
  const plain =
    !tabFormat &&
    bodyRows.length >= 4 &&
    bodyRows.filter((r) => r.length === 1).length >= 0.7 * bodyRows.length;
  const entries: Entry[] = [];
  const single = singleFigureRow(numbered.title, rowsOfTokens);
  if (single) {
    entries.push(single);
  } else if (plain) {
    const headerWords = new Set(
      headerRows
        .flat()
        .filter((t) => t.kind === "label")
        .map((t) => labelKey(t.text)),
    );
    for (const w of STRUCTURAL_HEADERS) headerWords.add(w);
    const split = dropSplitHeaderCells(dropHeaderRuns(bodyRows.flat(), headerWords), names);
    names.splice(0, names.length, ...split.names);
    const stream = dropPageNumbers(text, dropCodeRuns(split.tokens));
    entries.push(
      ...placeLateColumns(pairBlocks(entriesOf(stream, null, true).done), names, [...lateHeaders]),
    );
    // A code printed again on the next row is the parent's: the row's own 项 was printed elsewhere.
    let prev: string | null = null;
    for (const e of entries) {
      const code = e.code.length ? joinTokens(e.code) : null;
      if (code && code === prev) e.code = [];
      if (code) prev = code;
    }
  } else {
    let carry: Entry | null = null;
    for (const r of bodyRows) {
      const { done, open } = entriesOf(r, tabFormat ? null : carry);
      entries.push(...done);
      // In the space format an entry without figures yet may continue on the next line (wrapped
      // label), unless rulings close its row.
      if (open && (tabFormat || open.values.length || r.some((t) => wholeRows.has(t)))) {
        entries.push(open);
        carry = null;
      } else carry = open;
    }
    if (carry) entries.push(carry);
  }
  const headerText = rowsOfTokens
    .slice(0, Math.max(headerEnd + 1, 0))
    .flat()
    .map((t) => t.text)
    .join("");
  const rows = buildRows(
    entries,
    names,
    hasRowNumbers,
    numbered.title,
    single
      ? rowsOfTokens
          .flat()
          .map((t) => t.text)
          .join("")
      : headerText,
    !tabFormat && !plain && !single
      ? alignedColumns(text, headerRows.filter((r) => !metaRow(r)).flat())
      : null,
  ).filter((r) => r.label || r.code || r.cells.length >= 3);
  // Printed figures make the table present even when they could not be placed under a row with
  // confidence (column-wise one-cell-per-line text): it is in the text, not an image.
  const printedFigures = rowsOfTokens.flat().filter((t) => t.kind === "number" && /[.,]/.test(t.text)).length;
  const present = rows.some((r) => r.cells.some((c) => c.value !== null)) || printedFigures >= 3;
  // Its header or rows printed with no figure: an empty table (a form the unit has nothing to
  // put in), not an image.
  const printedEmpty = !present && (names.length >= 2 || rows.some((r) => /合计|总计/.test(r.label)));
  const emptyNote =
    EMPTY_NOTE_RE.test(note ?? "") ||
    (!present && EMPTY_LINES_RE.test(lines.map((l) => l.norm).join(""))) ||
    printedEmpty;
  return {
    title: numbered.title,
    number,
    unit,
    present,
    statedEmpty: !present && emptyNote,
    note,
    pages: [],
    checks: { run: 0, failed: 0, failures: [] },
    columns: names,
    rows,
    span,
  };
}
