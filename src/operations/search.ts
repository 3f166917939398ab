import type { LoadedDoc } from "../answer/answer.js";
import type { AnswerResult } from "../answer/types.js";
import type { DocModel } from "../ingest/index.js";
import { compactQuote, describeDoc, replies } from "../render/reply.js";
import { byRelevance, searchPassages, type SearchHit } from "../search/fulltext.js";
import { tokenize } from "../search/tokenizer.js";
import { quoteOf } from "./found.js";
import { answeringPatterns } from "./words.js";

const MAX_FULLTEXT_DOCS = 20;

/** Fallback when no figure answers: the passages that best hold the words, quoted; no figure claimed. */
export function fulltextAnswer(all: LoadedDoc[], words: string, text: string): AnswerResult {
  const query = words || text;
  // Many documents: search only those whose words hold the query's words (memoised check),
  // so one question does not load and search every document's index.
  let candidates = all;
  if (all.length > MAX_FULLTEXT_DOCS) {
    const words = tokenize(query).filter((t) => t.length >= 2);
    candidates = all
      .map((d) => ({ d, n: words.filter((w) => d.mentions(w)).length }))
      .filter((x) => x.n > 0)
      .sort((a, b) => b.n - a.n)
      .slice(0, MAX_FULLTEXT_DOCS)
      .map((x) => x.d);
  }
  const hits: Array<SearchHit & { d: LoadedDoc }> = [];
  const { notTopic } = answeringPatterns();
  for (const d of candidates)
    for (const h of searchPassages(d.search(), query, 2, notTopic)) hits.push({ d, ...h });
  hits.sort(byRelevance);
  const top = hits.slice(0, 3);
  if (!top.length)
    return { status: "not_found", answers: [], reply: replies.nothingRelated(query), via: "fulltext" };
  const related = top.map((h) => ({ d: h.d, quote: quoteOf(h.d, spanOfRef(h.d.model, h.ref)) }));
  return {
    status: "not_found",
    answers: [],
    reply: replies.related(
      query,
      related.map((r) => `${describeDoc(r.d)}：「${compactQuote(r.quote)}」`),
    ),
    via: "fulltext",
    related: related.map((r) => ({ doc: r.d.id, quote: r.quote })),
  };
}

function spanOfRef(model: DocModel, ref: string): [number, number] {
  if (ref.includes(":")) {
    const [ti, ri] = ref.split(":").map(Number);
    return model.tables[ti!]!.rows[ri!]!.span;
  }
  return model.sentences[Number(ref)]!.span;
}
