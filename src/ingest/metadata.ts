import type { DocKind, DocMeta, Table } from "./model.js";
import { isSubsequence } from "./normalize.js";
import { splitLines } from "./lines.js";
import { inOrder } from "../lexicon/pattern.js";
import { layout } from "./layout.js";

// The words are data (intents/lexicon/layout.yaml): orgSuffixes, regionSuffixes, notRegions…
const ORG_SUFFIX = `(?:${inOrder(layout.orgSuffixes)})`;
const REGION_SUFFIX = `(?:${inOrder(layout.regionSuffixes)})`;
/** Words that end in 区/市/县 but are not places. */
const NOT_REGION = new RegExp(`^(${inOrder(layout.notRegions)})$`);
/** Openings of a sentence, not of a unit's name. */
const NOT_NAME_OPENING = new RegExp(`^(${inOrder(layout.notNameOpeners)})`);

/** Heading and date words that PDF titles glue in front of the unit name. */
const LEADING_NOISE = /^(第[一二三四五六七八九十\d]{1,3}部分|\d{4}\s*年度?|年度|关于)+/;
/** Words a title may start with before the unit's name. */
const PARTY_PREFIX = /^(中国共产党|中共)/;
const LEADING_TITLE_NOISE = /^(关于)/;

const count = <T>(xs: T[]) => {
  const m = new Map<T, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
};

const ORG_NAME = `[\\u4e00-\\u9fa5（）()]{2,40}${ORG_SUFFIX}`;
/** "预算主管部门：X" / "预算单位：X" / "部门：X": the name runs to the end of its line. */
const LABELLED_RE = new RegExp(
  `(${inOrder([...layout.unitNameLabels, ...layout.departmentNameLabels])})[:：]\\s*(${ORG_NAME})(?=[\\s\\d]|$|${inOrder(layout.afterLabelledName)})`,
  "gm",
);
/** A title: "X 2017 年度部门预算" or "2017 年度X部门预算". */
const TITLE_RE = new RegExp(
  `^(?:(${ORG_NAME})\\s*20\\d\\d\\s*年度?|20\\d\\d\\s*年度?([\\u4e00-\\u9fa5（）()]{2,40}?${ORG_SUFFIX})(?=${inOrder(layout.afterTitleName)}))`,
);

/**
 * Full unit name. In order: the name a label gives (预算主管部门/预算单位: the document's own
 * statement of whose budget it is), the name in the title, other labelled names, and the most
 * frequent "<place><org>" name. Title and labels often abbreviate one another (江苏省委办公厅 /
 * 中共江苏省委办公厅): the title's name is kept unless a labelled one contains it.
 */
function findUnit(head: string, all: string): string | null {
  const labelled = [...all.matchAll(LABELLED_RE)].map((m) => ({ label: m[1]!, name: m[2]! }));
  const own = labelled.find((l) => !layout.departmentNameLabels.includes(l.label));
  if (own) return own.name;
  const t = TITLE_RE.exec(head.replace(LEADING_TITLE_NOISE, ""));
  const titled = t ? (t[1] ?? t[2] ?? null) : null;
  const dept = labelled[0]?.name ?? null;
  if (titled && dept && dept.length > titled.length && isSubsequence(titled, dept)) return dept;
  if (titled) return titled;
  if (dept) return dept;
  // A table header line such as "350科技和工信部门": code + unit name.
  const coded = new RegExp(`^\\d{3,6}([\\u4e00-\\u9fa5]{2,30}${ORG_SUFFIX})$`, "m").exec(all);
  if (coded?.[1]) return coded[1];
  const orgRe = new RegExp(
    `[\\u4e00-\\u9fa5]{2,12}?${REGION_SUFFIX}[\\u4e00-\\u9fa5]{0,20}?${ORG_SUFFIX}`,
    "g",
  );
  const names = [...all.matchAll(orgRe)]
    .map((m) => m[0].replace(LEADING_NOISE, ""))
    .filter((n) => !NOT_NAME_OPENING.test(n));
  const freq = count(names);
  let best: string | null = null;
  let bestScore = 0;
  for (const [n, c] of freq) {
    const score = c * 2 + n.length + (head.includes(n) ? 10 : 0);
    if (score > bestScore) {
      best = n;
      bestScore = score;
    }
  }
  return best;
}

function regionsOf(name: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`([\\u4e00-\\u9fa5]{1,8}?)${REGION_SUFFIX}`, "g");
  for (const m of name.matchAll(re)) {
    if (m.index !== undefined && m[1] && !NOT_REGION.test(m[1]) && m.index === out.join("").length)
      out.push(m[0]);
    else break;
  }
  return out;
}

const ORG_END = new RegExp(`${ORG_SUFFIX}$`);

/** Short names staff use, derived from the full name and from names the text itself uses. */
function aliasesFor(unit: string | null, regions: string[], all: string): string[] {
  const out = new Set<string>();
  const bare = unit?.replace(PARTY_PREFIX, "") ?? null;
  const unitOrg = bare ? bare.slice(regions.join("").length).replace(ORG_END, "") : "";
  // Only the innermost place names the same body: 上海市普陀区财政局 is 普陀区财政局, while
  // 上海市财政局 is another bureau.
  const inner = regions.at(-1);
  if (bare && inner && regions.length > 1) out.add(inner + bare.slice(regions.join("").length));
  // Abbreviated names in the text ("山海关区科工局"): kept when the org part abbreviates the unit's
  // own name (科工 in 科技和工信), so another bureau the text mentions (财政局) is not an alias.
  const abbrRe = new RegExp(
    `([\\u4e00-\\u9fa5]{2,6}?${REGION_SUFFIX})([\\u4e00-\\u9fa5]{1,6}?局|[\\u4e00-\\u9fa5]{2,8}?部门)`,
    "g",
  );
  for (const m of all.matchAll(abbrRe)) {
    const org = m[2]!.replace(ORG_END, "");
    if (unitOrg && !(org && org[0] === unitOrg[0] && isSubsequence(org, unitOrg))) continue;
    let place = m[1]!;
    const known = regions.find((r) => place.endsWith(r));
    if (known) place = known;
    else if (NOT_REGION.test(place.slice(0, -1)) || regions.length) continue;
    out.add(place + m[2]!);
  }
  if (unit) out.delete(unit);
  return [...out].filter((a) => a.length >= 4 && a.length <= 30);
}

/** A title's year and the words naming the document ("2017 年度部门预算"). */
const DOCUMENT_TITLE_RE = new RegExp(
  `(20\\d\\d)\\s*年度?\\s*(?:[\\u4e00-\\u9fa5]{0,30}?)(?:部门|单位)?(?:${inOrder(layout.documentTitles)})`,
);

function findYear(head: string, all: string): number | null {
  const explicit = /预算年度[:：]\s*(20\d\d)/.exec(all);
  if (explicit) return Number(explicit[1]);
  const titled = DOCUMENT_TITLE_RE.exec(head);
  if (titled) return Number(titled[1]);
  const years = [...all.matchAll(/(20\d\d)\s*年度?/g)].map((m) => Number(m[1]));
  const freq = [...count(years)].sort((a, b) => b[1] - a[1]);
  return freq[0]?.[0] ?? null;
}

function findKind(head: string, all: string, tables: Table[]): DocKind {
  const titleText =
    head + tables.map((t) => t.title).join(" ") + (all.match(/(部门|单位)(预算|决算)/g) ?? []).join(" ");
  const unitLevel = /单位(?:预算|决算)/.test(head) && !/部门(?:预算|决算)/.test(head);
  if (/整体支出.{0,6}绩效.{0,4}自评|绩效自评报告/.test(head)) return "整体支出绩效自评";
  const budget = (titleText.match(/预算(?!.{0,4}决算)/g) ?? []).length;
  const final = (titleText.match(/决算/g) ?? []).length;
  if (final > 0 && final >= budget / 2) return unitLevel ? "单位决算" : "部门决算";
  if (budget > 0) return unitLevel ? "单位预算" : "部门预算";
  return "其他";
}

export function extractMeta(text: string, tables: Table[]): DocMeta {
  const lines = splitLines(text).filter((l) => !l.blank);
  // Titles are often hard-wrapped: join the first lines without separators.
  const head = lines
    .slice(0, 8)
    .map((l) => l.norm)
    .join("");
  const all = lines.map((l) => l.norm).join("\n");
  const unit = findUnit(head, all);
  // "中共江苏省委办公厅": the party prefix is not part of the place.
  const regions = unit ? regionsOf(unit.replace(PARTY_PREFIX, "")) : [];
  const aliases = aliasesFor(unit, regions, all);
  // The place may only appear in abbreviations ("山海关区科工局") when the unit name has none.
  let region = regions.length ? regions.join("") : null;
  if (!region) {
    const places = aliases.map((a) => regionsOf(a)[0]).filter((r): r is string => !!r);
    region = [...count(places)].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length)[0]?.[0] ?? null;
  }
  // "反映山海关区科工部门": cut words glued before the place.
  const cleanAliases = region
    ? [...new Set(aliases.map((a) => (a.includes(region!) ? a.slice(a.indexOf(region!)) : a)))]
    : aliases;
  // Tables headed "350科技和工信部门" name the unit with its budget code: staff type it that way too.
  const coded = unit ? new RegExp(`^(\\d{3,6})${unit}$`, "m").exec(all) : null;
  if (coded && unit) cleanAliases.push(`${coded[1]}${unit}`);
  const year = findYear(head, all);
  const kind = findKind(head, all, tables);
  // The document's own title: a cover line naming the unit, the year and the kind
  // ("江苏省人民检察院2017年部门预算"); else the same words put together from what was read
  // ("上海市普陀区财政局2025年部门预算" from "普陀区2025年区级部门预算 / 预算主管部门：…").
  const own = lines
    .slice(0, 12)
    .map((l) => l.norm.replace(/\s+/g, ""))
    .find(
      (l) => l.length <= 40 && !!unit && l.includes(unit) && /\d{4}年/.test(l) && /(预|决)算|自评/.test(l),
    );
  const composed = unit && year ? `${unit}${year}年${kind !== "其他" ? kind : ""}` : null;
  const first = lines
    .slice(0, 3)
    .map((l) => l.norm)
    .join("");
  return {
    unit,
    aliases: cleanAliases,
    region,
    year,
    kind,
    title: (own ?? composed ?? (first || null))?.slice(0, 80) ?? null,
  };
}
