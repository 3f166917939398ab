import { Decimal } from "decimal.js";
import type { Cell, Row, Table, TableChecks } from "./model.js";
import { labelKey } from "./normalize.js";
import {
  EXPENSE_TOTAL_RE,
  INCOME_TOTAL_RE,
  PERSONNEL_COL,
  PUBLIC_COL,
  TOTAL_LABEL_RE,
} from "./table-vocab.js";

/**
 * What an auditor checks by hand on a disclosure table, from the table alone: totals against
 * their parts (合计 vs its rows, 类 = Σ款 = Σ项, 301 = Σ301xx), 基本支出 = 人员经费 + 公用经费,
 * 收入总计 = 支出总计, and the 三公 sums. A failed check is a reading error or a misprint.
 * Figures may differ by one unit in their last printed place (rounding).
 */

/** A cell's figure; a blank or a dash counts as zero in a sum, a word is not a figure. */
function figure(c: Cell | undefined): Decimal | null {
  if (!c) return null;
  if (c.value !== null) return c.text.endsWith("%") ? null : new Decimal(c.value);
  if (c.text === "" || /^[-—–]+$/.test(c.text)) return new Decimal(0);
  return null;
}

const places = (c: Cell | undefined) => (c && /\.(\d+)$/.exec(c.text)?.[1]?.length) || 0;

/** Figures of a row, 行次 and text cells left out. */
const figuresOf = (r: Row) =>
  r.cells.filter(
    (c) => c.column !== "行次" && (c.value !== null || c.text === "" || /^[-—–]+$/.test(c.text)),
  );

const rowName = (r: Row) => [r.code, r.label].filter(Boolean).join(" ") || "(unlabelled row)";

class Checker {
  run = 0;
  failures: string[] = [];
  constructor(private readonly title: string) {}

  /** Compares a printed total with the sum of printed parts. */
  sum(what: string, total: Cell | undefined, parts: Array<Cell | undefined>) {
    const t = figure(total);
    if (!t || !total || total.value === null || parts.length === 0) return;
    const ps = parts.map(figure);
    if (ps.some((p) => p === null)) return;
    // Nothing to compare when every part is blank.
    if (parts.every((p) => !p || p.value === null)) return;
    this.run++;
    const s = ps.reduce<Decimal>((a, b) => a.plus(b!), new Decimal(0));
    const dp = Math.max(places(total), ...parts.map(places));
    const tolerance = new Decimal(1).dividedBy(new Decimal(10).pow(dp));
    if (s.minus(t).abs().gt(tolerance)) {
      this.failures.push(
        `${this.title}: ${what}: printed ${total.text}, parts sum to ${s.toFixed(dp)} (${parts.map((p) => p?.text || "blank").join(" + ")})`,
      );
    }
  }
}

/** The cells of `parts` in the same position as `cellIndex` of `total`, when the rows line up. */
function aligned(total: Row, parts: Row[]): Array<[Cell, Array<Cell | undefined>, string]> {
  const tf = figuresOf(total);
  const out: Array<[Cell, Array<Cell | undefined>, string]> = [];
  const byColumn = tf.every((c) => c.column) && parts.every((p) => figuresOf(p).every((c) => c.column));
  tf.forEach((cell, i) => {
    if (byColumn) {
      out.push([
        cell,
        parts.map((p) => figuresOf(p).find((c) => c.column === cell.column)),
        cell.column ?? "",
      ]);
    } else if (parts.every((p) => figuresOf(p).length === tf.length)) {
      out.push([cell, parts.map((p) => figuresOf(p)[i]), cell.column ?? `column ${i + 1}`]);
    }
  });
  return out;
}

const TOP_ENUM = /^[一二三四五六七八九十]+、/;

/** 类 = Σ款 = Σ项 (功能分类, 3/5/7 digits) and 301 = Σ301xx (经济分类, 3/5 digits). */
function codeChecks(rows: Row[], ck: Checker) {
  for (let i = 0; i < rows.length; i++) {
    const parent = rows[i]!;
    const code = parent.code;
    if (!code || code.length >= 7) continue;
    const children: Row[] = [];
    for (let j = i + 1; j < rows.length; j++) {
      const c = rows[j]!.code;
      if (!c) break;
      if (!c.startsWith(code)) break;
      if (c.length === code.length + 2) children.push(rows[j]!);
    }
    if (!children.length) continue;
    for (const [total, parts, col] of aligned(parent, children))
      ck.sum(`${rowName(parent)} = Σ its ${children.length} sub-items [${col}]`, total, parts);
  }
}

/** 合计/总计 rows against the top-level rows (类 codes, or "一、…" items) on their side of the table. */
function totalChecks(rows: Row[], ck: Checker) {
  const totals = rows
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => TOTAL_LABEL_RE.test(labelKey(r.label)) && !r.code);
  for (const { r, i } of totals) {
    const before = rows.slice(0, i);
    const after = rows.slice(i + 1);
    // Parts sit after a total printed first, else before it (since the previous total).
    const prevTotal = totals.filter((t) => t.i < i).pop()?.i ?? -1;
    const region = i === 0 || before.every((b) => !b.cells.length) ? after : rows.slice(prevTotal + 1, i);
    const coded = region.filter((p) => p.code && p.code.length === 3);
    const enumerated = region.filter((p) => !p.code && TOP_ENUM.test(p.label));
    // Side-by-side halves (收入 | 支出) interleave their items: each "一、" starts a run; a total
    // names its side.
    const runs: Row[][] = [];
    for (const p of enumerated) {
      if (/^一、/.test(p.label) || !runs.length) runs.push([]);
      runs[runs.length - 1]!.push(p);
    }
    const label = labelKey(r.label);
    const side = /收入/.test(label) ? "收入" : /支出/.test(label) ? "支出" : null;
    const ofSide = runs.filter((run) =>
      side === "支出"
        ? run.some((p) => /支出/.test(p.label))
        : side === "收入"
          ? !run.some((p) => /支出/.test(p.label))
          : true,
    );
    const parts = coded.length ? coded : ofSide.length === 1 ? ofSide[0]! : [];
    if (parts.length < 2) continue;
    for (const [total, ps, col] of aligned(r, parts))
      ck.sum(`${rowName(r)} = Σ ${parts.length} items [${col}]`, total, ps);
  }
}

/** 基本支出 = 人员经费 + 公用经费 in the same row. */
function basicSplitChecks(rows: Row[], ck: Checker) {
  for (const r of rows) {
    const cells = r.cells.filter((c) => c.column);
    const basic = cells.find((c) => /基本支出$/.test(c.column!) || /基本支出 › (合计|小计)$/.test(c.column!));
    const personnel = cells.find((c) => PERSONNEL_COL.test(c.column!));
    const pub = cells.find((c) => PUBLIC_COL.test(c.column!));
    if (basic && personnel && pub)
      ck.sum(`${rowName(r)}: 基本支出 = 人员经费 + 公用经费`, basic, [personnel, pub]);
  }
}

/** 收入总计 = 支出总计 in a 收支总表. */
function balanceChecks(rows: Row[], ck: Checker) {
  const income = rows.find((r) => INCOME_TOTAL_RE.test(labelKey(r.label)));
  const expense = rows.find((r) => EXPENSE_TOTAL_RE.test(labelKey(r.label)));
  if (!income || !expense || income === expense) return;
  const a = figuresOf(income)[0];
  const b = figuresOf(expense)[0];
  if (a && b) ck.sum("收入总计 = 支出总计", a, [b]);
}

/** 三公: 公务用车 小计 = 购置费 + 运行费; 三公 total = 出国 + 公务用车小计 + 接待; 合计 with 会议费/培训费. */
function sangongChecks(rows: Row[], ck: Checker) {
  for (const r of rows) {
    for (const prefix of new Set(r.cells.map((c) => c.column?.split(" › ")[0]).filter((p) => p))) {
      const under = (c: Cell) => c.column !== null && (c.column === prefix || c.column.startsWith(prefix!));
      const scoped = /^(预算数|决算数)$/.test(prefix!) ? r.cells.filter(under) : r.cells;
      const find = (re: RegExp) => scoped.find((c) => c.column !== null && re.test(c.column));
      const carTotal = find(/公务用车购置及运行费 › 小计$/);
      const buy = find(/公务用车购置费$/);
      const run = find(/公务用车运行费$/);
      const abroad = find(/因公出国（境）费$/);
      const reception = find(/公务接待费$/);
      const sangong = find(/“三公”经费 › 小计$/);
      const total = find(/(^|› )合计$/);
      const meeting = find(/(^|› )会议费$/);
      const training = find(/(^|› )培训费$/);
      if (carTotal && buy && run)
        ck.sum(`${rowName(r)}: 公务用车购置及运行费 = 购置费 + 运行费`, carTotal, [buy, run]);
      const three = sangong ?? (meeting || training ? undefined : total);
      if (three && abroad && carTotal && reception)
        ck.sum(`${rowName(r)}: 三公经费 = 出国 + 公务用车 + 接待`, three, [abroad, carTotal, reception]);
      if (sangong && total && (meeting || training))
        ck.sum(
          `${rowName(r)}: 合计 = 三公经费 + 会议费 + 培训费`,
          total,
          [sangong, meeting, training].filter(Boolean),
        );
      if (!/^(预算数|决算数)$/.test(prefix!)) break;
    }
  }
}

/** Runs every check that applies to the table. */
export function runChecks(table: Table): TableChecks {
  const name = table.number ? `${table.number} ${table.title}` : table.title;
  const ck = new Checker(name);
  // Side-by-side halves and page continuations keep their order: checks run over the row sequence.
  codeChecks(table.rows, ck);
  totalChecks(table.rows, ck);
  basicSplitChecks(table.rows, ck);
  balanceChecks(table.rows, ck);
  sangongChecks(table.rows, ck);
  return { run: ck.run, failed: ck.failures.length, failures: ck.failures };
}
