import type { LoadedDoc } from "../answer/answer.js";
import type { AnswerItem } from "../answer/types.js";
import { labelKey } from "../ingest/normalize.js";
import { quoteOf } from "./found.js";

/** How a document introduces the reason for a change. */
const REASON = /主要原因|原因是|原因为|主要是|主要由于|主要用于|是由于|系/;

/**
 * The document's own reason for the figure of `it`: the rest of its sentence or the next one or
 * two sentences when they give a reason ("主要原因是…"), verbatim. The item's quote grows to cover
 * them, so the figure and its reason are quoted as one passage.
 */
export function withReason(d: LoadedDoc, it: AnswerItem): AnswerItem {
  if (!it.span || it.source === "computed") return it;
  const sentences = d.model.sentences;
  const at = sentences.findIndex((s) => s.span[0] <= it.span![0] && s.span[1] >= it.span![0]);
  if (at < 0) return it;
  for (let i = at; i <= Math.min(at + 2, sentences.length - 1); i++) {
    const s = sentences[i]!;
    const k = labelKey(s.text);
    if (!REASON.test(k)) continue;
    // The reason must belong to this item: a new item's figure before it ends the search.
    if (i > at && /\d+(\.\d+)?万?元/.test(k.split(REASON)[0] ?? "")) break;
    const span: [number, number] = [it.span[0], Math.max(it.span[1], s.span[1])];
    return { ...it, span, quote: quoteOf(d, span), reason: quoteOf(d, s.span) };
  }
  return it;
}
