import type { LoadedDoc } from "../answer/answer.js";
import { compactQuote } from "../render/reply.js";

/** The paragraph or table row around a span, for "查看原文". */
export function passageAround(d: LoadedDoc, span: [number, number]): string {
  const table = d.model.tables.find((t) => t.present && t.span[0] <= span[0] && span[1] <= t.span[1]);
  if (table) {
    const row = table.rows.find(
      (r) => r.span[0] <= span[0] && span[1] <= Math.max(r.span[1], span[1]) && span[0] < r.span[1],
    );
    const cols = table.columns.length ? `\n栏目：${table.columns.join(" | ")}` : "";
    const rowText = row ? d.model.text.slice(row.span[0], row.span[1]) : d.model.text.slice(span[0], span[1]);
    return `${[table.number, table.title].filter(Boolean).join(" ")}${table.unit ? `（单位：${table.unit}）` : ""}${cols}\n${rowText.replace(/\s+/g, " ").trim()}`;
  }
  const idx = d.model.sentences.findIndex((s) => s.span[0] <= span[0] && span[0] < s.span[1]);
  if (idx < 0) return d.model.text.slice(span[0], span[1]);
  const section = d.model.sentences[idx]!.section;
  const around = d.model.sentences.filter((s, i) => s.section === section && Math.abs(i - idx) <= 3);
  return compactQuote(d.model.text.slice(around[0]!.span[0], around[around.length - 1]!.span[1]));
}
