import type { LoadedDoc } from "../answer/answer.js";
import { answeringPatterns } from "./words.js";
import type { AnswerItem } from "../answer/types.js";
import { labelKey } from "../ingest/normalize.js";
import { quoteOf } from "./found.js";

/** How a document introduces the reason for a change. */

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
    if (!answeringPatterns().reasons.test(k)) continue;
    // The reason must belong to this item: a new item's figure before it ends the search.
    if (i > at && /\d+(\.\d+)?万?元/.test(k.split(answeringPatterns().reasons)[0] ?? "")) break;
    const span: [number, number] = [it.span[0], Math.max(it.span[1], s.span[1])];
    return { ...it, span, quote: quoteOf(d, span), reason: quoteOf(d, s.span) };
  }
  return it;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A passage quoted as the answer (a definition or a section), with no figure claimed. */
function passageItem(
  d: LoadedDoc,
  span: [number, number],
  label: string,
  section: string | null,
): AnswerItem {
  const m = d.meta;
  return {
    doc: d.id,
    value: "",
    unit: "",
    quote: quoteOf(d, span),
    label,
    department: m.unit,
    year: m.year,
    docKind: m.kind,
    section,
    source: "text",
    span,
  };
}

/**
 * The document's own definition of a term ("机关运行经费：是指…", "…是指…"), verbatim, or null.
 * Tried for each way the term may be printed, most specific first.
 */
export function definitionIn(d: LoadedDoc, terms: string[], label: string): AnswerItem | null {
  const { definitionVerbs } = answeringPatterns();
  for (const t of terms.filter((x) => x.length >= 2)) {
    const re = new RegExp(`${escapeRe(t)}(?:[:：]|${definitionVerbs})`);
    const s = d.model.sentences.find((x) => re.test(labelKey(x.text)));
    if (s) return passageItem(d, s.span, label, null);
  }
  return null;
}

/** The first sentences of the section whose heading names one of `terms` (部门职责, 机构设置…). */
export function sectionIn(d: LoadedDoc, terms: string[], label: string): AnswerItem | null {
  const sec = d.model.sections.find((x) => terms.some((t) => t.length >= 2 && labelKey(x.title).includes(t)));
  if (!sec) return null;
  const inside = d.model.sentences.filter(
    (s) => s.span[0] >= sec.span[0] && s.span[1] <= sec.span[1] && labelKey(s.text) !== labelKey(sec.title),
  );
  if (!inside.length) return null;
  const shown = inside.slice(0, 6);
  return passageItem(d, [shown[0]!.span[0], shown[shown.length - 1]!.span[1]], label, sec.path.join(" › "));
}
