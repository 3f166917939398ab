import type { Lexicon } from "../lexicon/index.js";
import { matchUnits, prepareUnits, unitNameForms, type UnitProfile } from "../names/index.js";
import { followUp, looksLikeFollowUp, parseQuery } from "../query/index.js";
import { wordKey } from "../query/normalize.js";
import type { LoadedDoc } from "./answer.js";
import type { Language } from "./ask.js";

/**
 * The language side of answering over a lexicon: questions parsed (a follow-up fills its missing
 * slots from the previous question's context) and unit names generated from each document's own
 * metadata by the lexicon's organisation rules, prepared once per collection.
 */
export function createLanguage(lexicon: Lexicon, totals: string[] = []): Language {
  return {
    totalTerms: totals,
    countTerms: (unit) => lexicon.metrics.filter((m) => m.countUnit === unit).flatMap((m) => m.terms),
    parse(question, context) {
      const query = parseQuery(question, lexicon);
      if (context && looksLikeFollowUp(query)) return followUp(query, context);
      return { query, assumed: [] };
    },
    unitForms: (d) => unitNameForms(d.meta, lexicon.orgs),
    unitMatcher(docs: LoadedDoc[]) {
      const profiles: UnitProfile[] = docs.map((d) => ({
        id: d.id,
        forms: unitNameForms(d.meta, lexicon.orgs),
        full: wordKey(d.meta.unit ?? ""),
      }));
      const prepared = prepareUnits(profiles, lexicon.orgs.suffixes);
      return (text) => matchUnits(text, prepared);
    },
  };
}
