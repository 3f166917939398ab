// Renders engine results as Telegram HTML. Every piece of document or user text goes through escapeHtml.
import type { AnswerItem, AnswerResult, DocSummary } from "../answer/types.js";
import type { IngestReport } from "../engine/index.js";
import { escapeHtml as esc } from "./html.js";

/** At most this many "查看原文" buttons per answer (one per figure shown). */
export const MAX_SOURCE_BUTTONS = 10;

export interface RenderedAnswer {
  html: string;
  /** Items that can be shown in their original passage, numbered as in `html`. */
  sourceItems: Array<{ number: number; item: AnswerItem & { span: [number, number] } }>;
}

/** "焦作示范区工信局 · 2022年 · 部门决算 · 表3 …" — the human-readable provenance of an item. */
export function sourceLine(item: Pick<AnswerItem, "department" | "year" | "docKind" | "section" | "doc">): string {
  const parts = [
    item.department,
    item.year === null ? null : `${item.year}年`,
    item.docKind,
    item.section,
  ].filter((p): p is string => typeof p === "string" && p.trim() !== "");
  parts.push(`文件 ${item.doc}`);
  return esc(parts.join(" · "));
}

function renderItem(item: AnswerItem, number: number | null): string {
  const prefix = number === null ? "" : `${number}. `;
  const figure = `<b>${esc(item.value)}${item.unit ? ` ${esc(item.unit)}` : ""}</b>`;
  const lines = [`${prefix}${esc(item.label)}：${figure}`];
  if (item.formula) lines.push(`计算：<code>${esc(item.formula)}</code>`);
  if (item.quote.trim()) lines.push(`<blockquote>${esc(item.quote.trim())}</blockquote>`);
  lines.push(`<i>来源：${sourceLine(item)}</i>`);
  return lines.join("\n");
}

/** The answer body: engine reply as a headline, then each figure with its quote and source. */
export function renderAnswer(result: AnswerResult): RenderedAnswer {
  const blocks: string[] = [];
  const headline = result.reply.trim();
  if (headline) blocks.push(esc(headline));

  const numbered = result.answers.length > 1;
  const sourceItems: RenderedAnswer["sourceItems"] = [];
  result.answers.forEach((item, i) => {
    blocks.push(renderItem(item, numbered ? i + 1 : null));
    if (item.span && sourceItems.length < MAX_SOURCE_BUTTONS) {
      sourceItems.push({ number: i + 1, item: { ...item, span: item.span } });
    }
  });
  if (blocks.length === 0) blocks.push("没有找到答案。");
  return { html: blocks.join("\n\n"), sourceItems };
}

/** The verbatim passage around a quoted figure, for "查看原文". */
export function renderPassage(item: Pick<AnswerItem, "department" | "year" | "docKind" | "section" | "doc">, passage: string): string {
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
