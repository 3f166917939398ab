import type { Section, Sentence, Table } from "./model.js";
import { enumeratorLevel, headingLevel, isPageMarker, splitLines, type Line } from "./lines.js";
import { normalizeSpan } from "./normalize.js";
import { isTitleLine, parseTable, type TableBlock } from "./tables.js";
import { runChecks } from "./checks.js";
import type { RuledRow } from "./pdf.js";
import { COLLECTION_TITLE_RE, LEADER_RE, NOTE_RE, TABLE_NUMBER_RE, TOC_HEADING_RE } from "./table-vocab.js";
import { labelKey } from "./normalize.js";
import { inOrder } from "../lexicon/pattern.js";
import { layout } from "./layout.js";

export interface Structure {
  sections: Section[];
  sentences: Sentence[];
  tables: Table[];
  warnings: string[];
}

const PART_RE = /^第.{1,3}部分/;
/** A table of contents heading letter-spaced over two lines ("目" / "录"): its first character, the rest. */
const TOC_SPACED = layout.tocHeadings.map((w) => [w.slice(0, 1), w.slice(1)] as const);
/** The second line of a wrapped table title ends as a title does ("…支出预" / "算表"). */
const TABLE_WORD_END = new RegExp(`(?:${inOrder(layout.titleEndings)})$`);

/** A line of running text (not a table cell): long, with sentence punctuation. */
const isNarrative = (norm: string) => norm.length >= 25 && /[，。；]/.test(norm) && !/\d\s\d/.test(norm);

/**
 * Lines of tables of contents: from a "目录" heading (possibly letter-spaced over two lines) until
 * its first entry is printed again as the body starts, or running text begins.
 */
export function tocLines(lines: Line[]): Set<number> {
  const out = new Set<number>();
  const nextContent = (i: number) => {
    for (let j = i + 1; j < lines.length && j <= i + 4; j++) if (!lines[j]!.blank) return j;
    return -1;
  };
  for (let i = 0; i < lines.length; i++) {
    const n = lines[i]!.norm;
    let start = -1;
    if (TOC_HEADING_RE.test(n)) start = i;
    else if (TOC_SPACED.some(([a]) => n === a)) {
      const j = nextContent(i);
      if (j >= 0 && TOC_SPACED.some(([a, b]) => n === a && lines[j]!.norm === b)) start = j;
    }
    if (start < 0) continue;
    let first: string | null = null;
    let entries = 0;
    let j = start + 1;
    for (; j < lines.length && entries < 120; j++) {
      const l = lines[j]!;
      if (l.blank) continue;
      const entry = l.norm.replace(LEADER_RE, "").replace(/^[…．.·]+\d*$/, "");
      if (isNarrative(l.norm)) break;
      if (first && entries >= 2 && entry.length >= 4 && (entry.startsWith(first) || first.startsWith(entry)))
        break;
      if (!first && entry) first = entry;
      if (entry) entries++;
    }
    for (let k = i; k < j; k++) out.add(k);
    i = j - 1;
  }
  return out;
}

/**
 * Lines inside a ruled row of two cells or more: a cell's wrapped text (a long note, a 绩效目标) is
 * part of its table however much it reads like running text.
 */
function ruledRowLines(lines: Line[], ruled: RuledRow[]): Set<number> {
  const out = new Set<number>();
  if (!ruled.length) return out;
  const lineAt = (offset: number) => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lines[mid]!.start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (const r of ruled) if (r.cells.length >= 2) for (const [a] of r.cells.flat()) out.add(lineAt(a));
  return out;
}

/** Finds table blocks: tab-per-cell runs, and runs of lines that follow a table title. */
function findTableBlocks(
  lines: Line[],
  inCells: Set<number> = new Set(),
): { blocks: TableBlock[]; bodyLines: Set<number> } {
  const toc = tocLines(lines);
  const blocks: TableBlock[] = [];
  const claimed = new Set<number>();
  const bodyLines = new Set<number>();
  const narrativeFollows = (i: number) => {
    let seen = 0;
    for (let j = i + 1; j < lines.length && seen < 2; j++) {
      if (lines[j]!.blank) continue;
      seen++;
      if (isNarrative(lines[j]!.norm)) return true;
    }
    return false;
  };
  const nextTitle = (i: number) => {
    for (let j = i + 1; j < lines.length && j <= i + 4; j++)
      if (!lines[j]!.blank) return isTitleLine(lines[j]!.norm);
    return false;
  };
  const prevContent = (i: number) => {
    for (let j = i - 1; j >= 0 && j >= i - 3; j--) if (!lines[j]!.blank) return lines[j]!;
    return null;
  };
  // 1. One cell per line (tab-prefixed), rows separated by blank lines.
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.tabCell || claimed.has(i)) continue;
    let j = i;
    let cells = 0;
    while (j < lines.length && (lines[j]!.tabCell || lines[j]!.blank)) {
      if (lines[j]!.tabCell) cells++;
      j++;
    }
    if (cells < 3) continue;
    const t = prevContent(i);
    const titled =
      t && !t.tabCell && !claimed.has(t.index) && t.norm.length <= 45 && !/[。；]/.test(t.norm) ? t : null;
    const blockLines = lines.slice(i, j);
    blocks.push({
      title: titled?.norm ?? blockLines.find((l) => !l.blank)?.norm ?? "表",
      titleLine: titled,
      lines: blockLines,
    });
    for (let k = titled ? titled.index : i; k < j; k++) {
      claimed.add(k);
      bodyLines.add(k);
    }
    i = j - 1;
  }
  /**
   * A title wrapped onto a second line ("十一、一般公共预算“三公”经费、会议费、培训费支出预" / "算表"):
   * the joined title and the index of its second line, or null.
   */
  const wrappedTitle = (i: number): { title: string; tail: number } | null => {
    const head = lines[i]!;
    if (head.blank || head.norm.length > 45 || /[。；，,：:]/.test(head.norm) || isTitleLine(head.norm))
      return null;
    for (let j = i + 1; j < lines.length && j <= i + 2; j++) {
      const l = lines[j]!;
      if (l.blank) continue;
      if (l.norm.length > 8 || !TABLE_WORD_END.test(l.norm) || /\d/.test(l.norm)) return null;
      const title = head.norm + l.norm;
      return isTitleLine(title) ? { title, tail: j } : null;
    }
    return null;
  };
  // 2. Space-separated rows after a title line ("收入支出决算总表" / "公开01表").
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (claimed.has(i) || toc.has(i) || line.blank) continue;
    const wrapped = isTitleLine(line.norm) ? null : wrappedTitle(i);
    if (!wrapped && !isTitleLine(line.norm)) continue;
    if (wrapped) claimed.add(wrapped.tail);
    const body: Line[] = [];
    let j = wrapped ? wrapped.tail + 1 : i + 1;
    let inNote = false;
    for (; j < lines.length; j++) {
      const l = lines[j]!;
      if (claimed.has(j)) break;
      if (l.blank) {
        body.push(l);
        continue;
      }
      const n = l.norm;
      if (PART_RE.test(n) || isTitleLine(n) || wrappedTitle(j)) break;
      // "公开09表" printed above the next title belongs to that table.
      if (TABLE_NUMBER_RE.test(n) && nextTitle(j)) break;
      if (NOTE_RE.test(n)) inNote = true;
      else if (inNote && (headingLevel(n) >= 0 || n.length > 30)) break;
      else if (!inNote && isNarrative(n) && /。/.test(n) && !inCells.has(j)) break;
      // A heading ends the table only when running text follows it ("一、基本支出" may be a row label).
      else if (!inNote && headingLevel(n) >= 0 && !/\d/.test(n) && narrativeFollows(j)) break;
      body.push(l);
    }
    while (body.length && body[body.length - 1]!.blank) body.pop();
    const above = prevContent(i);
    blocks.push({
      title: wrapped?.title ?? line.norm,
      titleLine: line,
      lines: body,
      numberLine: above && TABLE_NUMBER_RE.test(above.norm) ? above : undefined,
    });
    claimed.add(i);
    for (const l of body) {
      claimed.add(l.index);
      if (!NOTE_RE.test(l.norm)) bodyLines.add(l.index);
    }
    i = Math.max(i, (body[body.length - 1]?.index ?? i + 1) - 1);
  }
  // Note lines after a 注/说明 stay narrative too (they state "本单位无…" in words).
  for (const b of blocks) {
    let inNote = false;
    for (const l of b.lines) {
      if (NOTE_RE.test(l.norm)) inNote = true;
      if (inNote) bodyLines.delete(l.index);
    }
  }
  blocks.sort((a, b) => (a.titleLine ?? a.lines[0]!).start - (b.titleLine ?? b.lines[0]!).start);
  return { blocks, bodyLines };
}

// The words are data (intents/lexicon/layout.yaml): lineUnits, headingEndings, moneyUnits.
const UNIT_START = new RegExp(`^(${inOrder(layout.lineUnits)})`);
/** Words a heading ends with (a section's name), unlike a line wrapped in the middle of a sentence. */
const HEADING_END = new RegExp(`(${inOrder(layout.headingEndings)}|[)）:：])$`);
/** A figure with its money unit early in a line, before any full stop. */
const FIGURE_NEAR_START = new RegExp(`^[^。]{0,30}?\\d[\\d,]*(\\.\\d+)?\\s*(${inOrder(layout.moneyUnits)})`);
/** A line opening with a figure and its unit ("50 万元，与上年…"). */
const FIGURE_START = new RegExp(`^\\d[\\d,]*(\\.\\d+)?\\s*(${inOrder([...layout.moneyUnits, "%"])})`);
/** The ending of an unnumbered title over numbered headings (情况说明). */
const PROJECT_TITLE_END = new RegExp(`(?:${inOrder(layout.projectTitleEndings)})$`);

/** An unnumbered short title ending as a heading does, right before the first numbered heading. */
function isProjectTitle(norm: string, next: string): boolean {
  if (enumeratorLevel(norm) >= 0 || PART_RE.test(norm) || norm.length < 4 || norm.length > 30) return false;
  if (/[，。；,:：\d]/.test(norm) || !PROJECT_TITLE_END.test(norm)) return false;
  return /^一[、.．]/.test(next) && headingLevel(next) >= 0;
}

/** Page (1-based) of an offset: page n starts after the (n-1)th form feed. */
export function pageFinder(text: string): (offset: number) => number {
  const feeds: number[] = [];
  for (let i = text.indexOf("\f"); i >= 0; i = text.indexOf("\f", i + 1)) feeds.push(i);
  return (offset: number) => {
    let lo = 0;
    let hi = feeds.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (feeds[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

/** Builds sections, sentences and tables from the original text. */
export function buildStructure(text: string, ruled: RuledRow[] = []): Structure {
  const lines = splitLines(text);
  const warnings: string[] = [];
  const { blocks, bodyLines } = findTableBlocks(lines, ruledRowLines(lines, ruled));
  const parsed = blocks.map((b) => ({ block: b, table: parseTable(text, b, ruled) }));
  // A title with nothing under it that names a collection of tables (a cover page), or that a later
  // table with rows prints again, is a mention, not a table.
  const hasRows = (t: Table) => t.rows.length > 0 || t.statedEmpty;
  const key = (title: string) => labelKey(title).replace(/[(（]续[)）]$/, "");
  const kept = parsed.filter(({ table: t }, i) => {
    // A title naming the whole collection of tables ("省级部门预算公开报表") with no figure under it.
    if (COLLECTION_TITLE_RE.test(t.title) && !t.present) return false;
    if (hasRows(t)) return true;
    return !parsed.some((o, j) => j !== i && hasRows(o.table) && key(o.table.title) === key(t.title));
  });
  for (const { block } of parsed.filter((p) => !kept.includes(p))) {
    if (block.titleLine) bodyLines.delete(block.titleLine.index);
    for (const l of block.lines) bodyLines.delete(l.index);
  }
  const pageOf = pageFinder(text);
  const tables = kept.map(({ table }) => {
    const first = table.rows[0]?.span[0] ?? table.span[0];
    const last = table.rows.length ? Math.max(...table.rows.map((r) => r.span[1])) : table.span[0];
    const pages: number[] = [];
    if (text.includes("\f"))
      for (let p = pageOf(Math.min(first, table.span[0])); p <= pageOf(last); p++) pages.push(p);
    return { ...table, pages, checks: runChecks(table) };
  });
  for (const t of tables) {
    if (!t.present && !t.statedEmpty)
      warnings.push(`table "${t.title}" is named but its content is not in the text (an image?)`);
  }

  const sections: Section[] = [];
  const sentences: Sentence[] = [];
  const stack: number[] = [];
  let paragraph: Line[] = [];

  const flush = () => {
    if (!paragraph.length) return;
    emitSentences(text, paragraph, sections.length - 1 >= 0 ? currentSection() : -1, sentences);
    paragraph = [];
  };
  const currentSection = () => (stack.length ? stack[stack.length - 1]! : -1);

  const narrative = lines.filter((l) => !bodyLines.has(l.index) && !l.blank);
  for (let k = 0; k < narrative.length; k++) {
    const line = narrative[k]!;
    const n = line.norm;
    if (isPageMarker(n)) {
      const next = narrative[k + 1];
      if (!(/^\d+$/.test(n) && next && UNIT_START.test(next.norm))) continue;
    }
    // "（1）公务用车购置预算支出" then "50" then "万元，…": a numbered sentence whose figure was
    // wrapped onto the next lines, not a heading.
    const next = narrative[k + 1]?.norm ?? "";
    const continued =
      FIGURE_START.test(next) ||
      (/^\d[\d,.]*$/.test(next) && UNIT_START.test(narrative[k + 2]?.norm ?? "")) ||
      // "…提租补贴（项）支出 1235.41" then "万元，与上年相比…": the unit wrapped onto the next line.
      (/\d$/.test(n) && UNIT_START.test(next)) ||
      // A numbered line wrapped at the page width ("2．党委办公厅（室）及相关机构事务（款）一般行政" then
      // "管理事务（项）支出 10738.18 万元，…"): a sentence, not a heading.
      (n.length >= 18 &&
        !HEADING_END.test(n) &&
        enumeratorLevel(next) < 0 &&
        FIGURE_NEAR_START.test(next.length <= 4 ? next + (narrative[k + 2]?.norm ?? "") : next));
    // "科技创新专项经费情况说明" then "一、项目概述": an unnumbered title over numbered headings (a
    // project's explanation) is their parent, under the part it is printed in.
    const titled = !continued && isProjectTitle(n, narrative[k + 1]?.norm ?? "");
    const level = PART_RE.test(n) || titled ? 0 : continued ? -1 : headingLevel(n);
    if (level >= 0 || (!continued && isTitleLine(n))) {
      flush();
      if (level >= 0) {
        const top = () => sections[stack[stack.length - 1]!]!;
        while (stack.length && top().level >= level && !(titled && PART_RE.test(top().title))) stack.pop();
        const parentPath = stack.length ? sections[stack[stack.length - 1]!]!.path : [];
        sections.push({ title: n, level, span: [line.start, line.end], path: [...parentPath, n] });
        stack.push(sections.length - 1);
      }
      paragraph = [line];
      flush();
      continue;
    }
    // A numbered line or a note starts a new paragraph; very short lines ("无") stand alone.
    if (enumeratorLevel(n) >= 0 || NOTE_RE.test(n)) flush();
    paragraph.push(line);
    // A very short line stands alone ("无"), unless it ends a line wrapped at the page width
    // ("…机关事业单位基本养老保险缴费" / "支出").
    const wrappedBefore = paragraph.length >= 2 && (paragraph[paragraph.length - 2]?.norm.length ?? 0) >= 18;
    if (n.length <= 3 && !/\d/.test(n) && !wrappedBefore) flush();
  }
  flush();
  // Fix section spans: a section runs until the next section of the same or outer level.
  for (let i = 0; i < sections.length; i++) {
    const s = sections[i]!;
    const next = sections.slice(i + 1).find((o) => o.level <= s.level);
    s.span = [s.span[0], next ? next.span[0] : text.length];
  }
  return { sections, sentences, tables, warnings };
}

/** Joins a paragraph's lines (dropping hard wraps) and cuts it into sentences at 。！？；. */
function emitSentences(text: string, lines: Line[], section: number, out: Sentence[]) {
  let norm = "";
  const map: number[] = [];
  for (const l of lines) {
    const v = normalizeSpan(text, l.start, l.end);
    if (norm && /[0-9A-Za-z.%]$/.test(norm) && /^[0-9A-Za-z.]/.test(v.text)) {
      norm += " ";
      map.push(l.start);
    }
    norm += v.text;
    // A loop, not push(...spread): a paragraph of 100,000+ characters would overflow the stack.
    for (let i = 0; i < v.map.length - 1; i++) map.push(v.map[i]!);
  }
  const re = /[^。！？；!?;]+[。！？；!?;]*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(norm))) {
    let s = m.index;
    let e = m.index + m[0].length;
    while (s < e && /[\s，,、：:]/.test(norm[s]!)) s++;
    while (e > s && /\s/.test(norm[e - 1]!)) e--;
    if (e <= s) continue;
    out.push({ text: norm.slice(s, e), span: [map[s]!, map[e - 1]! + 1], section });
  }
}
