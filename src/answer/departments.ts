import { isSubsequence, type DocMeta } from "../ingest/index.js";

export interface DocRef {
  id: string;
  meta: DocMeta;
}

const REGION_SUFFIX = /(省|自治区|市|区|县|旗|州|盟)$/;
const ORG_MENTION = /[\u4e00-\u9fa5]{1,20}?(局|部门|委员会|委|办公室|办|中心|院|厅)/g;

/** "焦作市城乡一体化示范区" → ["焦作市", "焦作", "城乡一体化示范区", "城乡一体化示范", "示范区"]. */
export function regionForms(region: string | null): string[] {
  if (!region) return [];
  const parts = region.match(/[\u4e00-\u9fa5]+?(省|自治区|市|区|县|旗|州|盟)/g) ?? [region];
  const forms = new Set<string>();
  for (const p of parts) {
    forms.add(p);
    const bare = p.replace(REGION_SUFFIX, "");
    if (bare.length >= 2) forms.add(bare);
    const tail = /(示范区|开发区|新区|高新区)$/.exec(p);
    if (tail) forms.add(tail[0]);
  }
  return [...forms];
}

/** How strongly a question names a document's department (0 = not at all). */
function departmentScore(q: string, doc: DocRef): number {
  const { meta } = doc;
  const names = [meta.unit, ...meta.aliases].filter((n): n is string => !!n);
  // The longest name found decides; an alias that dropped the leading place ranks lower.
  const unitHit = meta.unit && meta.unit.length >= 4 && q.includes(meta.unit) ? 100.5 + meta.unit.length : 0;
  const alias = meta.aliases.filter((n) => n.length >= 4 && q.includes(n)).sort((a, b) => b.length - a.length)[0];
  // An alias that extends the full name ("350科技和工信部门") is more specific than the name itself.
  const extendsUnit = alias && meta.unit && alias.includes(meta.unit);
  const placeLost = alias && !extendsUnit && meta.region && !regionForms(meta.region).some((r) => r.length >= 2 && alias.startsWith(r));
  const aliasHit = alias ? (placeLost ? 60 : extendsUnit ? 100.5 : 100) + alias.length : 0;
  if (unitHit || aliasHit) return Math.max(unitHit, aliasHit);
  const regions = regionForms(meta.region);
  let score = 0;
  for (const r of regions) if (r.length >= 2 && q.includes(r)) score = Math.max(score, 10 + r.length);
  // Strip the place from each org mention and compare the rest with the names as a subsequence.
  const mentions = [...q.matchAll(ORG_MENTION)].map((m) => m[0]);
  let orgHit = 0;
  for (let mention of mentions) {
    for (const r of regions) mention = mention.replace(r, "");
    mention = mention.replace(/^[\d年度的]+/, "");
    if (mention.length < 2) continue;
    for (const n of names) {
      const core = regions.reduce((s, r) => s.replace(r, ""), n);
      if (core.startsWith(mention[0]!) && isSubsequence(mention, core)) orgHit = Math.max(orgHit, 5 + mention.length);
    }
  }
  if (orgHit && score) return score + orgHit;
  // A named org that is not this unit's (another bureau of the same place) is not a match.
  if (score && mentions.length && !orgHit) return 0;
  // Only an abbreviation, no place: a weak match that any place-qualified match outranks.
  return score || orgHit / 2;
}

export interface DepartmentResolution {
  /** Documents the question names, best first; empty when it names none. */
  named: DocRef[];
  /** The question names an organisation that matches no document. */
  unknownMention: string | null;
}

export function resolveDepartments(q: string, docs: DocRef[]): DepartmentResolution {
  const scored = docs.map((d) => ({ d, s: departmentScore(q, d) })).filter((x) => x.s > 0);
  if (scored.length) {
    const top = Math.max(...scored.map((x) => x.s));
    // Within a point: the same name as one document's unit and another's alias (两份同一单位的文件).
    return { named: scored.filter((x) => x.s >= top - 1).map((x) => x.d), unknownMention: null };
  }
  const mention = [...q.matchAll(ORG_MENTION)].map((m) => m[0]).find((m) => m.length >= 4 && !/^(哪个|各|每个|所有|全部|本|该)/.test(m));
  return { named: [], unknownMention: mention ?? null };
}
