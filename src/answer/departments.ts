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

/** The names of one document, prepared once: questions are scored against every document. */
interface NameProfile {
  unit: string | null;
  aliases: string[];
  /** Region forms of at least two characters. */
  regions: string[];
  /** All region forms, stripped from org mentions. */
  forms: string[];
  /** Each name with its places removed, for matching abbreviations as subsequences. */
  cores: string[];
}

const profiles = new WeakMap<DocMeta, NameProfile>();

function profileOf(meta: DocMeta): NameProfile {
  let p = profiles.get(meta);
  if (!p) {
    const regions = regionForms(meta.region).filter((r) => r.length >= 2);
    const allForms = regionForms(meta.region);
    const names = [meta.unit, ...meta.aliases].filter((n): n is string => !!n);
    const cores = names.map((n) => allForms.reduce((s, r) => s.replace(r, ""), n));
    p = { unit: meta.unit, aliases: meta.aliases, regions, forms: allForms, cores };
    profiles.set(meta, p);
  }
  return p;
}

/** Org names the question mentions ("焦作示范区工信局"), found once per question. */
const orgMentions = (q: string) => [...q.matchAll(ORG_MENTION)].map((m) => m[0]);

/** How strongly a question names a document's department (0 = not at all). */
function departmentScore(q: string, mentions: string[], doc: DocRef): number {
  const { meta } = doc;
  const p = profileOf(meta);
  // The longest name found decides; an alias that dropped the leading place ranks lower.
  const unitHit = p.unit && p.unit.length >= 4 && q.includes(p.unit) ? 100.5 + p.unit.length : 0;
  const alias = p.aliases
    .filter((n) => n.length >= 4 && q.includes(n))
    .sort((a, b) => b.length - a.length)[0];
  // An alias that extends the full name ("350科技和工信部门") is more specific than the name itself.
  const extendsUnit = alias && p.unit && alias.includes(p.unit);
  const placeLost = alias && !extendsUnit && meta.region && !p.regions.some((r) => alias.startsWith(r));
  const aliasHit = alias ? (placeLost ? 60 : extendsUnit ? 100.5 : 100) + alias.length : 0;
  if (unitHit || aliasHit) return Math.max(unitHit, aliasHit);
  let score = 0;
  for (const r of p.regions) if (q.includes(r)) score = Math.max(score, 10 + r.length);
  // Strip the place from each org mention and compare the rest with the names as a subsequence.
  let orgHit = 0;
  for (let mention of mentions) {
    for (const r of p.forms) mention = mention.replace(r, "");
    mention = mention.replace(/^[\d年度的]+/, "");
    if (mention.length < 2) continue;
    for (const core of p.cores) {
      if (core.startsWith(mention[0]!) && isSubsequence(mention, core))
        orgHit = Math.max(orgHit, 5 + mention.length);
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
  const mentions = orgMentions(q);
  const scored = docs.map((d) => ({ d, s: departmentScore(q, mentions, d) })).filter((x) => x.s > 0);
  if (scored.length) {
    const top = Math.max(...scored.map((x) => x.s));
    // Within a point: the same name as one document's unit and another's alias (两份同一单位的文件).
    return { named: scored.filter((x) => x.s >= top - 1).map((x) => x.d), unknownMention: null };
  }
  const mention = mentions.find((m) => m.length >= 4 && !/^(哪个|各|每个|所有|全部|本|该)/.test(m));
  return { named: [], unknownMention: mention ?? null };
}
