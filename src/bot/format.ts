// Renders engine results as Telegram HTML. Every piece of document or user text goes through escapeHtml.
import type { AnswerItem, AnswerResult, DocSummary } from "../answer/types.js";
import type { IngestReport } from "../engine/index.js";
import type { DocReport } from "../ingest/index.js";
import type { DayStats, JournalStats } from "../journal/index.js";
import { escapeHtml as esc } from "./html.js";

/** At most this many "查看原文" buttons per answer (one per figure shown). */
export const MAX_SOURCE_BUTTONS = 10;

export interface RenderedAnswer {
  html: string;
  /** Items that can be shown in their original passage, numbered as in `html`. */
  sourceItems: Array<{ number: number; item: AnswerItem & { span: [number, number] } }>;
}

/** "焦作示范区工信局 · 2022年 · 部门决算 · 表3 …" — the human-readable provenance of an item. */
export function sourceLine(
  item: Pick<AnswerItem, "department" | "year" | "docKind" | "section" | "doc">,
): string {
  const parts = [
    item.department,
    item.year === null ? null : `${item.year}年`,
    item.docKind,
    item.section,
  ].filter((p): p is string => typeof p === "string" && p.trim() !== "");
  parts.push(`文件 ${item.doc}`);
  return esc(parts.join(" · "));
}

/** PDF text keeps hard wraps (even inside a figure: "223.76\n\n万元"); join them for reading. */
export function tidyQuote(quote: string): string {
  return quote
    .trim()
    .replace(/\s*\n\s*/g, "")
    .replace(/([\u4e00-\u9fff])[ \t]+(?=[\u4e00-\u9fff])/g, "$1");
}

/** "曾都区科经局 2022年 部门决算": whose figure it is, for answers that span several documents. */
const owner = (item: AnswerItem) =>
  [item.department, item.year === null ? null : `${item.year}年`, item.docKind].filter(Boolean).join(" ");

function renderItem(item: AnswerItem, number: number | null, showOwner: boolean): string {
  const prefix = (number === null ? "" : `${number}. `) + (showOwner ? `【${esc(owner(item))}】` : "");
  let head: string;
  if (item.value) {
    head = `${prefix}${esc(item.label)}：<b>${esc(item.value)}${item.unit ? ` ${esc(item.unit)}` : ""}</b>`;
  } else if (item.source === "table") {
    head = `${prefix}${esc(item.label)}：表中该栏为空白，未填数字`;
  } else {
    head = `${prefix}<b>${esc(item.label)}</b>`; // a passage answer (职责, 原因…): the quote is the answer
  }
  const lines = [head];
  if (item.formula) lines.push(`计算：<code>${esc(item.formula)}</code>`);
  const quote = tidyQuote(item.quote);
  if (quote) lines.push(`<blockquote>${esc(quote)}</blockquote>`);
  lines.push(`<i>来源：${sourceLine(item)}</i>`);
  return lines.join("\n");
}

/**
 * The answer as Telegram HTML. With figures, each is rendered from its item (the engine's plain
 * reply says the same things), keeping from the reply only a heading that introduces a list and
 * any "⚠" caveat; without figures the reply itself is the answer.
 */
export function renderAnswer(result: AnswerResult): RenderedAnswer {
  const replyLines = result.reply.trim().split("\n");
  const sourceItems: RenderedAnswer["sourceItems"] = [];
  if (result.answers.length === 0) {
    return { html: esc(result.reply.trim()) || "没有找到答案。", sourceItems };
  }

  const blocks: string[] = [];
  // "机关运行经费（3 个单位的文件有此数字）：" followed by "1. …" introduces the whole list.
  const heading = replyLines[0]?.trim() ?? "";
  if (/[：:]$/.test(heading) && /^\s*1\./.test(replyLines[1] ?? "")) blocks.push(esc(heading));
  const caveats = [...new Set(replyLines.map((l) => l.trim()).filter((l) => l.startsWith("⚠")))];
  if (caveats.length) blocks.push(esc(caveats.join("\n")));

  const numbered = result.answers.length > 1;
  const severalDocs = new Set(result.answers.map((a) => a.doc)).size > 1;
  result.answers.forEach((item, i) => {
    blocks.push(renderItem(item, numbered ? i + 1 : null, severalDocs));
    if (item.span && sourceItems.length < MAX_SOURCE_BUTTONS) {
      sourceItems.push({ number: i + 1, item: { ...item, span: item.span } });
    }
  });
  return { html: blocks.join("\n\n"), sourceItems };
}

/** The verbatim passage around a quoted figure, for "查看原文". */
export function renderPassage(
  item: Pick<AnswerItem, "department" | "year" | "docKind" | "section" | "doc">,
  passage: string,
): string {
  return `<b>原文</b>\n<blockquote>${esc(passage.trim())}</blockquote>\n<i>来源：${sourceLine(item)}</i>`;
}

export function renderDocs(docs: DocSummary[]): string {
  if (docs.length === 0) return "目前没有载入任何文档。";
  const lines = docs.map((d, i) => {
    const unit = d.unit ?? "（单位未识别）";
    const year = d.year === null ? "年度未识别" : `${d.year}年`;
    return `${i + 1}. ${esc(unit)} · ${year} · ${esc(d.kind)}`;
  });
  return [`<b>已载入 ${docs.length} 份文档：</b>`, ...lines].join("\n");
}

export function renderReloadReport(report: IngestReport, seconds: number): string {
  const lines = [
    `<b>重新加载完成</b>（${seconds.toFixed(1)} 秒）：${report.documents.length} 份文档，${report.failed.length} 个文件无法读取。`,
  ];
  for (const d of report.documents) {
    const tables = d.tables.filter((t) => t.present).length;
    const warnings = d.warnings.length ? `，${d.warnings.length} 条警告` : "";
    lines.push(
      `• ${esc(d.unit ?? d.doc)} · ${d.year === null ? "年度未识别" : `${d.year}年`} · ${esc(d.kind)}：${tables} 张表，${d.sections} 个章节${warnings}`,
    );
  }
  for (const f of report.failed) lines.push(`✗ ${esc(f.file)}：${esc(f.reason)}`);
  return lines.join("\n");
}

/** The ingest report of one uploaded document: unit, year, kind, tables with their checks, warnings. */
export function renderIntakeReport(d: DocReport, report: IngestReport, seconds: number): string {
  const present = d.tables.filter((t) => t.present);
  const absent = d.tables.length - present.length;
  const lines = [
    `<b>已添加并载入</b>（${seconds.toFixed(1)} 秒）：<code>${esc(d.doc)}</code>`,
    `单位：${esc(d.unit ?? "（未识别）")}`,
    `年度：${d.year === null ? "未识别" : `${d.year}年`}`,
    `类型：${esc(d.kind)}（${esc(d.format.toUpperCase())}${d.pageCount ? `，${d.pageCount} 页` : ""}）`,
    `表格：${present.length} 张${absent ? `，${absent} 张无法读取（图片）` : ""}；章节 ${d.sections} 个，句子 ${d.sentences} 句`,
  ];
  for (const t of present.slice(0, 30)) {
    const checks = t.checks.run
      ? t.checks.failed
        ? `，校验 ${t.checks.run} 项，<b>${t.checks.failed} 项不符</b>`
        : `，校验 ${t.checks.run} 项通过`
      : "";
    lines.push(
      `• ${esc(t.title || "（无标题）")}：${t.rows} 行 × ${t.columns} 列${t.unit ? `，${esc(t.unit)}` : ""}${checks}`,
    );
  }
  if (present.length > 30) lines.push(`…另有 ${present.length - 30} 张表`);
  if (d.warnings.length) {
    lines.push(`<b>警告</b>（${d.warnings.length} 条）：`);
    for (const w of d.warnings.slice(0, 10)) lines.push(`⚠ ${esc(w)}`);
  }
  lines.push(`现在共载入 ${report.documents.length} 份文档。`);
  return lines.join("\n");
}

const CHANNEL_NAMES: Record<string, string> = { telegram: "Telegram", web: "网页和接口" };

/** The questions log for administrators: questions per day and per channel, outcomes, most frequent unanswered. */
export function renderStats(
  stats: JournalStats,
  engine: { documents: number; loaded: number; generation: string },
): string {
  const total = stats.days.reduce((n, d) => n + d.questions, 0);
  const counts = (c: Omit<DayStats, "day">) =>
    `${c.questions} 问（已回答 ${c.answered}，未找到 ${c.notFound}，反问 ${c.ambiguous}${c.errors ? `，出错 ${c.errors}` : ""}）`;
  const lines = [`<b>问答统计（近 7 天，共 ${total} 个问题）</b>`];
  if (stats.days.length === 0) lines.push("近 7 天没有问题。");
  for (const d of stats.days) lines.push(`${d.day}：${counts(d)}`);
  // The bot and the help desk (page and HTTP API) share the questions log.
  if (stats.channels.length) {
    lines.push("", "<b>按渠道：</b>");
    for (const c of stats.channels) lines.push(`${esc(CHANNEL_NAMES[c.channel] ?? c.channel)}：${counts(c)}`);
  }
  if (stats.unanswered.length) {
    lines.push("", "<b>最常问但文档没有回答的问题（各渠道）：</b>");
    stats.unanswered.forEach((q, i) => lines.push(`${i + 1}. ${esc(q.question)}（${q.count} 次）`));
  }
  lines.push(
    "",
    `文档：${engine.documents} 份，已在内存 ${engine.loaded} 份（版本 <code>${esc(engine.generation)}</code>）`,
    `待发送的回复：${stats.pendingReplies} 条`,
  );
  return lines.join("\n");
}
