import type { Lexicon } from "../lexicon/index.js";
import { matchUnits, prepareUnits, unitNameForms, type UnitProfile } from "../names/index.js";
import { followUp, looksLikeFollowUp, parseQuery } from "../query/index.js";
import { wordKey } from "../query/normalize.js";
import type { LoadedDoc } from "./answer.js";
import type { Language } from "./ask.js";

/**
 * The unit's forms, plus each form that starts with its place written without the place's level
 * word ("山海关区科工局" → "山海关科工局"): staff drop 区/县/市 as often as they keep it.
 */
function formsOf(d: LoadedDoc, lexicon: Lexicon): string[] {
  const forms = unitNameForms(d.meta, lexicon.orgs);
  const region = d.meta.region ?? "";
  const place = /^(.{2,})[省市区县旗州盟]$/.exec(region.replace(/^.*?[省市](?=.{3,}$)/, ""))?.[1];
  if (!place) return forms;
  const full = place + region.slice(-1);
  const extra = forms.filter((f) => f.startsWith(full)).map((f) => place + f.slice(full.length));
  return [...new Set([...forms, ...extra.filter((f) => f.length > place.length + 1)])];
}

/**
 * The language side of answering over a lexicon: questions parsed (a follow-up fills its missing
 * slots from the previous question's context) and unit names generated from each document's own
 * metadata by the lexicon's organisation rules, prepared once per collection.
 */
export function createLanguage(lexicon: Lexicon, totals: string[] = []): Language {
  // Both the unit matcher and the figures' unit names ask for each document's forms: made once.
  const forms = new WeakMap<LoadedDoc, string[]>();
  const formsOnce = (d: LoadedDoc) => {
    let f = forms.get(d);
    if (!f) forms.set(d, (f = formsOf(d, lexicon)));
    return f;
  };
  return {
    totalTerms: totals,
    answering: lexicon.answering,
    orgs: lexicon.orgs,
    countTerms: (unit) => lexicon.metrics.filter((m) => m.countUnit === unit).flatMap((m) => m.terms),
    parse(question, context) {
      const query = parseQuery(question, lexicon);
      if (context && looksLikeFollowUp(query, lexicon)) return followUp(query, context);
      return { query, assumed: [] };
    },
    unitForms: formsOnce,
    unitMatcher(docs: LoadedDoc[]) {
      const profiles: UnitProfile[] = docs.map((d) => ({
        id: d.id,
        forms: formsOnce(d),
        full: wordKey(d.meta.unit ?? ""),
      }));
      const prepared = prepareUnits(profiles, lexicon.orgs.suffixes);
      return (text) => matchUnits(text, prepared);
    },
  };
}
