import { Decimal } from "decimal.js";
import { labelKey } from "./normalize.js";
import { EXPENSE_SPLIT, TOTAL_LABEL_RE, type SplitColumn } from "./table-vocab.js";

/**
 * One-cell-per-line text (plain pdftotext) may print a wide table's last columns as a block of
 * their own after the rows: their header cells ("项目支出", "公用经费") come after the data rows,
 * then those columns' figures, row by row, and the total row's ones may come later still, after
 * the other side's total ("收入总计 91,016,775.35 2,132,777.54 66,410,000.00"). Read as a stream,
 * the header words make a row of their own holding other rows' figures.
 *
 * Such a "row" is a header fragment: it is dropped, and its figures are placed only where the
 * table's own sums decide it. Each row of the expense split gets its earlier figures in the
 * columns printed before the block and, taken in print order, as many of the block's figures as
 * its sums need, under the block's columns (blanks allowed): 合计 = 基本支出 + 项目支出,
 * 基本支出 = 人员经费 + 公用经费, and a total row = the sum of the rows above it, column by column.
 * Every placement the sums allow is tried; a figure is placed only where they all agree, else it
 * is left unread. No placement at all leaves the block's figures unread.
 */

/** What is read of a token: its text and kind. */
export interface Piece {
  text: string;
  kind: string;
  start: number;
}

/** A row being read: its label tokens, its figure tokens and, once placed, each figure's column. */
export interface PlacedEntry<T extends Piece> {
  label: T[];
  values: T[];
  columns?: Array<string | null>;
}

/** Most placements tried, and most kept, before the block counts as undecided. */
const MAX_STEPS = 200_000;
const MAX_SOLUTIONS = 64;

/** The columns of the split in print order. */
function flatten(n: SplitColumn, out: SplitColumn[] = []): SplitColumn[] {
  out.push(n);
  for (const p of n.parts ?? []) flatten(p, out);
  return out;
}
const SPLIT = flatten(EXPENSE_SPLIT);
const TOTAL = EXPENSE_SPLIT.name;
/** Header words of the split's parts: never a row of a table whose header prints the split. */
const PART_WORDS = new Set(SPLIT.slice(1).map((c) => c.name));

const word = (t: Piece) => t.text.replace(/\s/g, "");
const isAmount = (t: Piece) => t.kind === "number" && !t.text.endsWith("%");
const amount = (t: Piece) => new Decimal(t.text.replace(/,/g, "").replace("−", "-"));

/** Whether the column or one of its parts is printed. */
const printed = (c: SplitColumn, names: Set<string>): boolean =>
  names.has(c.name) || (c.parts ?? []).some((p) => printed(p, names));

/** The columns that hold figures: the total, and each printed column whose parts are not printed. */
function figureColumns(names: Set<string>): string[] {
  return SPLIT.filter(
    (c) => c.name === TOTAL || (names.has(c.name) && !(c.parts ?? []).some((p) => printed(p, names))),
  ).map((c) => c.name);
}

/** Every way to place `m` figures in order under `cols`, the others blank. */
function choose(cols: string[], m: number): string[][] {
  const out: string[][] = [];
  const pick = (start: number, chosen: string[]) => {
    if (chosen.length === m) return void out.push([...chosen]);
    for (let i = start; i <= cols.length - (m - chosen.length); i++) pick(i + 1, [...chosen, cols[i]!]);
  };
  if (m <= cols.length) pick(0, []);
  return out;
}

/** One unit of the last printed place of the figures: the rounding a printed sum may be off by. */
function tolerance(ts: Piece[]): Decimal {
  const dp = Math.max(0, ...ts.map((t) => /\.(\d+)$/.exec(t.text)?.[1]?.length ?? 0));
  return new Decimal(1).dividedBy(new Decimal(10).pow(dp));
}

/** Whether a row's figures, placed under columns (absent ones blank), keep the split's sums. */
function rowSums(at: Map<string, Decimal>, figures: Set<string>, tol: Decimal): boolean {
  const zero = new Decimal(0);
  // A column's amount: its figure if it holds figures, else the sum of its parts.
  const value = (c: SplitColumn): Decimal =>
    figures.has(c.name) ? (at.get(c.name) ?? zero) : (c.parts ?? []).reduce((a, p) => a.plus(value(p)), zero);
  const ok = (c: SplitColumn): boolean => {
    const parts = c.parts ?? [];
    if (figures.has(c.name) && parts.some((p) => printed(p, figures))) {
      const sum = parts.reduce((a, p) => a.plus(value(p)), zero);
      if (
        sum
          .minus(at.get(c.name) ?? zero)
          .abs()
          .gt(tol)
      )
        return false;
    }
    return parts.every(ok);
  };
  return ok(EXPENSE_SPLIT);
}

interface RowChoice {
  /** Not a row of the split (another side's row with one figure): it takes nothing. */
  outside: boolean;
  early: string[];
  late: string[];
  /** Index of its first block figure in the pool. */
  from: number;
}

/**
 * Places a late column block, if the entries hold one, and drops its header fragment. `names` are
 * the table's header names; `lateWords` header words already taken out of the rows (printed with
 * no figure after them), of which those between the data rows and the fragment belong to the block.
 */
export function placeLateColumns<T extends Piece, E extends PlacedEntry<T>>(
  entries: E[],
  names: string[],
  lateWords: T[] = [],
): E[] {
  const header = new Set(names.map((n) => n.replace(/\s/g, "")));
  if (!header.has(TOTAL) || ![...PART_WORDS].some((w) => header.has(w))) return entries;
  // A "row" labelled only with the split's header words: a header fragment, never a row.
  const isFragment = (e: E) => e.label.length > 0 && e.label.every((t) => PART_WORDS.has(word(t)));
  const f = entries.findIndex(
    (e, i) =>
      isFragment(e) &&
      e.values.length > 0 &&
      entries.slice(0, i).some((p) => p.values.length > 0 && !isFragment(p)),
  );
  // One before the data rows (the header read short) has no block after it: its figures stay unread.
  if (f < 0) return entries.filter((e) => !isFragment(e));
  const fragment = entries[f]!;
  const before = entries.slice(0, f).filter((e) => !isFragment(e));
  const without = [...before, ...entries.slice(f + 1).filter((e) => !isFragment(e))];
  const firstFigure = Math.min(...before.flatMap((e) => e.values.map((v) => v.start)));
  const blockWords = new Set([
    ...fragment.label.map(word),
    ...lateWords
      .filter((t) => t.start > firstFigure && t.start < fragment.values[0]!.start)
      .map(word)
      .filter((w) => PART_WORDS.has(w)),
  ]);
  const all = new Set([...header, ...blockWords]);
  const figures = figureColumns(all);
  const early = figures.filter((c) => !blockWords.has(c));
  const late = figures.filter((c) => blockWords.has(c));
  const figureSet = new Set(figures);
  if (!late.length || early[0] !== TOTAL || !fragment.values.every(isAmount)) return without;

  // The rows of the split: those above the block with figures (all amounts, no more than the
  // columns before the block). A row with more is another shape: nothing is placed.
  const rows = before.filter((e) => e.values.length > 0);
  if (rows.some((e) => !e.values.every(isAmount) || e.values.length > early.length)) return without;
  // Rows below the block may hold, after their own figures, the block's figures of a row above.
  const donors = without
    .slice(before.length)
    .filter((e) => e.values.length >= 2 && e.values.every(isAmount))
    .map((e) => ({ e, most: Math.min(e.values.length - 1, late.length) }));

  const totals = rows.filter((e) => TOTAL_LABEL_RE.test(labelKey(e.label.map((t) => t.text).join(""))));
  const solutions: Array<{ choices: RowChoice[]; pool: T[]; moved: number[] }> = [];
  let steps = 0;
  let undecided = false;

  const solve = (pool: T[], moved: number[]) => {
    const choices: RowChoice[] = [];
    const at: Array<Map<string, Decimal>> = [];
    const columnSums = (): boolean => {
      if (totals.length !== 1) return true;
      const total = rows.indexOf(totals[0]!);
      if (choices[total]!.outside) return true;
      const members = rows.map((_, i) => i).filter((i) => i !== total && !choices[i]!.outside);
      const tol = tolerance([...rows.flatMap((e) => e.values), ...pool]);
      return figures.every((c) => {
        const sum = members.reduce((a, i) => a.plus(at[i]!.get(c) ?? 0), new Decimal(0));
        return sum
          .minus(at[total]!.get(c) ?? 0)
          .abs()
          .lte(tol);
      });
    };
    const visit = (i: number, pos: number) => {
      if (undecided || ++steps > MAX_STEPS) return void (undecided = true);
      if (i === rows.length) {
        if (pos !== pool.length || !columnSums()) return;
        if (solutions.length >= MAX_SOLUTIONS) return void (undecided = true);
        solutions.push({ choices: choices.map((c) => ({ ...c })), pool, moved });
        return;
      }
      const row = rows[i]!;
      if (row.values.length === 1) {
        choices[i] = { outside: true, early: [], late: [], from: pos };
        at[i] = new Map();
        visit(i + 1, pos);
      }
      for (const cols of choose(early, row.values.length))
        for (let m = 0; m <= late.length && pos + m <= pool.length; m++) {
          const taken = pool.slice(pos, pos + m);
          const tol = tolerance([...row.values, ...taken]);
          for (const lateCols of choose(late, m)) {
            const map = new Map<string, Decimal>();
            cols.forEach((c, k) => map.set(c, amount(row.values[k]!)));
            lateCols.forEach((c, k) => map.set(c, amount(taken[k]!)));
            if (!rowSums(map, figureSet, tol)) continue;
            choices[i] = { outside: false, early: cols, late: lateCols, from: pos };
            at[i] = map;
            visit(i + 1, pos + m);
          }
        }
    };
    visit(0, 0);
  };
  // Each donor gives none or some of its last figures, in order.
  const give = (d: number, moved: number[]) => {
    if (undecided) return;
    if (d === donors.length) {
      const pool = [
        ...fragment.values,
        ...donors.flatMap(({ e }, k) => e.values.slice(e.values.length - moved[k]!)),
      ];
      return solve(pool, [...moved]);
    }
    for (let s = 0; s <= donors[d]!.most; s++) give(d + 1, [...moved, s]);
  };
  give(0, []);
  if (undecided || !solutions.length) return without;

  // Where each figure goes in every solution: "row|column", or "keep" for a donor's own figure.
  const where = new Map<T, Set<string>>();
  const note = (t: T, key: string) => where.set(t, (where.get(t) ?? new Set()).add(key));
  for (const s of solutions) {
    const inPool = new Set(s.pool);
    for (const { e } of donors) for (const t of e.values) if (!inPool.has(t)) note(t, "keep");
    s.choices.forEach((c, i) => c.late.forEach((col, k) => note(s.pool[c.from + k]!, `${i}|${col}`)));
  }
  const agreed = (t: T) => {
    const keys = where.get(t);
    return keys && keys.size === 1 ? [...keys][0]! : null;
  };
  const placed = new Map<number, Array<{ t: T; col: string }>>();
  for (const t of [...where.keys()]) {
    const key = agreed(t);
    if (!key || key === "keep") continue;
    const [i, col] = key.split("|");
    placed.set(Number(i), [...(placed.get(Number(i)) ?? []), { t, col: col! }]);
  }
  const order = (c: string | null) => (c === null ? -1 : SPLIT.findIndex((s) => s.name === c));
  const rowOut = new Map<E, E>();
  rows.forEach((row, i) => {
    // A row outside the split in some solution keeps its figure under no column.
    const cols = row.values.map((_, k) => {
      const seen = new Set(solutions.map((s) => (s.choices[i]!.outside ? null : s.choices[i]!.early[k]!)));
      return seen.size === 1 ? [...seen][0]! : null;
    });
    const mine = placed.get(i) ?? [];
    if (cols.every((c) => c === null) && !mine.length) return;
    const cells: Array<{ t: T; col: string | null }> = [
      ...row.values.map((t, k) => ({ t, col: cols[k]! })),
      ...mine,
    ];
    if (cells.every((c) => c.col !== null)) cells.sort((a, b) => order(a.col) - order(b.col));
    rowOut.set(row, { ...row, values: cells.map((c) => c.t), columns: cells.map((c) => c.col) });
  });
  const donorSet = new Set(donors.map((d) => d.e));
  return without.map((e) => {
    const out = rowOut.get(e);
    if (out) return out;
    if (!donorSet.has(e)) return e;
    // A donor keeps only the figures that are its own in every solution.
    return { ...e, values: e.values.filter((t) => agreed(t) === "keep") };
  });
}

/**
 * A header cell of the split printed among the rows, with a code after it ("…21,170,337.81
 * 公用经费 301 01 基本工资"): its column holds no figure of the row before, and the code starts the
 * next row. It is not a row of its own (the code pieces would read as its figures), but it is one
 * of the table's columns: the header names get it, in the split's print order, so a row's figures
 * are not read under the columns printed before it alone. Only in a table whose header prints the
 * split (two of its words among `names` and the tokens).
 */
export function dropSplitHeaderCells<T extends Piece>(
  tokens: T[],
  names: string[],
): { tokens: T[]; names: string[] } {
  const words = new Set(
    [...names.map((n) => n.replace(/\s/g, "")), ...tokens.filter((t) => t.kind === "label").map(word)].filter(
      (w) => w === TOTAL || PART_WORDS.has(w),
    ),
  );
  if (words.size < 2) return { tokens, names };
  const codePiece = (t: Piece | undefined) => t?.kind === "number" && /^\d{2,3}$/.test(t.text);
  const header = (t: T, i: number) =>
    t.kind === "label" && PART_WORDS.has(word(t)) && codePiece(tokens[i + 1]);
  const out = [...names];
  const place = (w: string) => SPLIT.findIndex((c) => c.name === w);
  for (const w of new Set(tokens.filter(header).map(word))) {
    if (out.some((n) => n.replace(/\s/g, "") === w)) continue;
    const after = out.findIndex((n) => place(n.replace(/\s/g, "")) > place(w));
    out.splice(after < 0 ? out.length : after, 0, w);
  }
  return { tokens: tokens.filter((t, i) => !header(t, i)), names: out };
}
