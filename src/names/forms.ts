import type { OrgRules } from "../lexicon/schema.js";
import { wordKey } from "../query/normalize.js";

/** What is known of a document's unit (from its metadata). */
export interface UnitMeta {
  unit: string | null;
  region: string | null;
  kind: string;
  aliases: string[];
}

interface Place {
  name: string;
  /** The place without its suffix (普陀区 → 普陀). */
  short: string;
  level: string;
}

/** The rules' lists in the order they are tried, sorted once per rules object (not per name). */
const sortedOf = new WeakMap<
  OrgRules,
  { places: OrgRules["places"]; words: string[]; suffixes: string[]; notInPlaces: ReadonlySet<string> }
>();
function sorted(rules: OrgRules) {
  let s = sortedOf.get(rules);
  if (!s) {
    s = {
      places: [...rules.places].sort((a, b) => b.suffix.length - a.suffix.length),
      words: Object.keys(rules.words).sort((a, b) => b.length - a.length),
      suffixes: [...rules.suffixes].sort((a, b) => b.length - a.length),
      notInPlaces: new Set(rules.notInPlaces),
    };
    sortedOf.set(rules, s);
  }
  return s;
}

/** Splits leading place names off a name: 上海市普陀区商务委员会 → [上海市, 普陀区], 商务委员会. */
function splitPlaces(name: string, rules: OrgRules): { places: Place[]; core: string } {
  const places: Place[] = [];
  let rest = name;
  const suffixes = sorted(rules).places;
  const notInPlaces = sorted(rules).notInPlaces;
  for (;;) {
    let found: Place | null = null;
    // The shortest place first (江苏省 before 江苏省人大…): the suffix nearest the start.
    for (let len = rules.placeLength.min; len <= rules.placeLength.max && !found; len++) {
      for (const p of suffixes) {
        if (rest.startsWith(p.suffix, len) && rest.length > len + p.suffix.length) {
          const short = rest.slice(0, len);
          // A place name has no organisation word in it (人民政府… is not a place).
          if ([...short].some((ch) => notInPlaces.has(ch))) continue;
          found = { name: short + p.suffix, short, level: p.level };
          break;
        }
      }
    }
    if (!found) break;
    places.push(found);
    rest = rest.slice(found.name.length);
  }
  return { places, core: rest };
}

/** Applies the substitution rules to a body name, each on the results of the others (bounded). */
function abbreviate(core: string, rules: OrgRules): string[] {
  const out = new Set<string>([core]);
  let frontier = [core];
  for (let round = 0; round < 4 && frontier.length; round++) {
    const next: string[] = [];
    for (const v of frontier) {
      for (const r of rules.abbreviations) {
        const at = v.indexOf(r.from);
        if (at < 0) continue;
        for (const to of r.to) {
          const w = v.slice(0, at) + to + v.slice(at + r.from.length);
          if (w && !out.has(w) && out.size < 64) {
            out.add(w);
            next.push(w);
          }
        }
      }
    }
    frontier = next;
  }
  // 科学技术和经济信息化局 → 科经局 (first characters of the 和-joined parts) and 科经信局 (word by word).
  for (const v of [...out]) {
    const suffix = sorted(rules).suffixes.find((s) => v.endsWith(s) && v.length > s.length + 1);
    if (!suffix) continue;
    const body = v.slice(0, v.length - suffix.length);
    const joiner = rules.joiners.find((j) => body.includes(j));
    if (joiner) {
      const parts = body.split(joiner).filter(Boolean);
      if (parts.length >= 2) out.add(parts.map((p) => p[0]).join("") + suffix);
    }
    const byWord = shortWords(body, rules);
    if (byWord && byWord.length >= 1 && byWord.length < body.length) out.add(byWord + suffix);
  }
  return [...out];
}

/** 科学技术工业和信息化 → 科工信, when known words (and joiners) cover the whole body. */
function shortWords(body: string, rules: OrgRules): string | null {
  const words = sorted(rules).words;
  let out = "";
  let i = 0;
  while (i < body.length) {
    const j = rules.joiners.find((x) => body.startsWith(x, i));
    if (j) {
      i += j.length;
      continue;
    }
    const w = words.find((x) => body.startsWith(x, i));
    if (!w) return null;
    out += rules.words[w];
    i += w.length;
  }
  return out || null;
}

/**
 * The names staff use for a unit, generated from rules (intents/lexicon/orgs.yaml): the full name,
 * aliases, the place replaced by its level word (江苏省… → 省…, 上海市普陀区… → 区… and 普陀区…), a
 * 街道 by its own name, party/政协 prefixes folded, and suffix abbreviations (人民检察院 → 检察院/检,
 * 人民政府办公室 → 政府办/府办, 委员会 → 委, 和-joined parts → first characters). Normalised match
 * keys, longest first, without duplicates.
 */
export function unitNameForms(meta: UnitMeta, rules: OrgRules): string[] {
  const forms = new Set<string>();
  const add = (s: string) => {
    const k = wordKey(s);
    if (k.length >= 2) forms.add(k);
  };
  for (const a of meta.aliases) add(a);
  const full = meta.unit ? wordKey(meta.unit) : "";
  if (!full) return [...forms].sort((a, b) => b.length - a.length);
  add(full);

  let name = full;
  let prefix: string | null = null;
  for (const p of rules.prefixes) {
    if (name.startsWith(p)) {
      prefix = p;
      name = name.slice(p.length);
      break;
    }
  }
  for (const w of rules.wraps) {
    if (name.startsWith(w.prefix)) {
      prefix = w.prefix;
      name = name.slice(w.prefix.length);
    }
  }
  let { places, core } = splitPlaces(name, rules);
  const region = meta.region ? wordKey(meta.region) : "";
  if (!places.length && region) places = splitPlaces(region + "X", rules).places;
  for (const w of rules.wraps) {
    if (prefix === w.prefix && core.startsWith(w.core)) core = w.to + core.slice(w.core.length);
  }
  add(places.map((p) => p.name).join("") + core);

  // A body with a name of its own (万里街道办事处): its own name, with or without the district.
  const own = rules.own.find((o) => core.endsWith(o.suffix));
  if (own) {
    let body = core.slice(0, core.length - own.suffix.length);
    for (const d of rules.drop) if (body.startsWith(d) && body.length > d.length) body = body.slice(d.length);
    if (body.length >= 1) {
      const last = places[places.length - 1];
      for (const f of own.forms) {
        add(body + f);
        if (last) add(last.name + body + f);
      }
      add(body + own.suffix);
      return [...forms].sort((a, b) => b.length - a.length);
    }
  }

  const variants = abbreviate(core, rules);
  const last = places[places.length - 1];
  for (const v of variants) {
    const needsPlace = rules.needsPlace.some((p) => v.startsWith(p));
    if (last) {
      add(last.level + v);
      add(last.name + v);
      if (!needsPlace || !v.startsWith("委")) add(last.short + v);
      add(places.map((p) => p.name).join("") + v);
    }
    if (!needsPlace && [...v].length >= rules.minBare) add(v);
    if (!last) add(v);
  }
  return [...forms].sort((a, b) => b.length - a.length);
}
