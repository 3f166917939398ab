import { matchKey, wordKey } from "../query/normalize.js";

/** A unit that questions may name: its id (a document), the forms staff use and its full name. */
export interface UnitProfile {
  id: string;
  forms: string[];
  full: string;
}

/** A unit named in a question. */
export interface UnitMention {
  id: string;
  /** Offsets in the text given to `matchUnits`. */
  start: number;
  end: number;
  /** The form matched (a generated form, or the words of the question for a subsequence). */
  form: string;
  /** Found as a form (`form`) or as a subsequence of the full name (`subsequence`). */
  via: "form" | "subsequence";
  /** The same words name several different units (different full names): resolve should ask. */
  collision: boolean;
}

interface Node {
  next: Map<string, Node>;
  /** Profiles (by index) having this exact form. */
  ids?: number[];
}

/** Profiles prepared once per collection: a trie of all forms, and the full names by last word. */
export interface PreparedUnits {
  profiles: UnitProfile[];
  fulls: string[];
  /** Distinct full names, and the profiles of each. */
  unique: string[];
  uniqueIds: number[][];
  /** Distinct full names (by index) by each character of their last words. */
  byEnd: Map<string, number[]>;
  root: Node;
  /** Suffix words of organisations, longest first. */
  suffixes: string[];
}

/** Default organisation suffixes when none are given (intents/lexicon/orgs.yaml has the real list). */
const DEFAULT_SUFFIXES = [
  "街道",
  "中心",
  "局",
  "委",
  "办",
  "院",
  "厅",
  "部",
  "处",
  "室",
  "站",
  "所",
  "会",
  "馆",
  "队",
  "检",
];

/** The longest mention found as a subsequence of a full name, in characters. */
const MAX_MENTION = 14;
/** How far a subsequence may spread in the full name beyond the mention's own length. */
const MAX_SPREAD = 12;
/** The mention's last character must fall within this many characters of the full name's end. */
const SUFFIX_ZONE = 4;

const preparedCache = new WeakMap<UnitProfile[], Map<string, PreparedUnits>>();

/** Prepares profiles for matching (a trie of every form); done once per collection. */
export function prepareUnits(profiles: UnitProfile[], suffixes: string[] = DEFAULT_SUFFIXES): PreparedUnits {
  const root: Node = { next: new Map() };
  const fulls = profiles.map((p) => wordKey(p.full));
  profiles.forEach((p, idx) => {
    for (const raw of new Set([...p.forms.map(wordKey), fulls[idx]!])) {
      if (raw.length < 2) continue;
      let node = root;
      for (const ch of raw) {
        let n = node.next.get(ch);
        if (!n) {
          n = { next: new Map() };
          node.next.set(ch, n);
        }
        node = n;
      }
      (node.ids ??= []).push(idx);
    }
  });
  const sorted = [...new Set(suffixes.map(wordKey))].filter(Boolean).sort((a, b) => b.length - a.length);
  const unique: string[] = [];
  const uniqueIds: number[][] = [];
  const at = new Map<string, number>();
  fulls.forEach((f, idx) => {
    if (!f) return;
    let u = at.get(f);
    if (u === undefined) {
      at.set(f, (u = unique.length));
      unique.push(f);
      uniqueIds.push([]);
    }
    uniqueIds[u]!.push(idx);
  });
  const byEnd = new Map<string, number[]>();
  unique.forEach((f, u) => {
    for (const ch of new Set(f.slice(-SUFFIX_ZONE))) {
      let list = byEnd.get(ch);
      if (!list) byEnd.set(ch, (list = []));
      list.push(u);
    }
  });
  return { profiles, fulls, unique, uniqueIds, byEnd, root, suffixes: sorted };
}

/**
 * The start of the longest mention ending at `e` of `key` that is a subsequence of `full`, its last
 * character within the suffix zone and compact enough; -1 when none. Matching backwards, each
 * character as late as possible, is what lets a mention extend furthest to the left.
 */
function longestSubsequenceStart(key: string, e: number, full: string): number {
  let j = full.length - 1;
  let lastAt = -1;
  let start = -1;
  for (let i = e - 1; i >= 0 && e - i <= MAX_MENTION; i--) {
    let k = j;
    while (k >= 0 && full[k] !== key[i]) k--;
    if (k < 0) break;
    if (lastAt < 0) {
      if (full.length - 1 - k >= SUFFIX_ZONE) return -1;
      lastAt = k;
    }
    if (lastAt - k + 1 > e - i + MAX_SPREAD) break;
    start = i;
    j = k - 1;
  }
  return start;
}

/**
 * Finds the units named in a normalised question: any generated form (longest match), or words
 * ending with an organisation suffix (局, 委, 办, 街道…) that are a subsequence of a full name
 * (省人大办公厅 ⊂ 江苏省人大常委会办公厅). Overlapping mentions: the longest wins; one span naming
 * several units returns each, with `collision` when their full names differ. Pass the same
 * `profiles` array (or a `prepareUnits` result) each time: it is prepared once and cached.
 */
export function matchUnits(
  text: string,
  profiles: UnitProfile[] | PreparedUnits,
  suffixes?: string[],
): UnitMention[] {
  let prepared: PreparedUnits;
  if (Array.isArray(profiles)) {
    let bySuffix = preparedCache.get(profiles);
    if (!bySuffix) preparedCache.set(profiles, (bySuffix = new Map()));
    const k = (suffixes ?? DEFAULT_SUFFIXES).join("|");
    let p = bySuffix.get(k);
    if (!p) bySuffix.set(k, (p = prepareUnits(profiles, suffixes)));
    prepared = p;
  } else prepared = profiles;

  const { key, pos } = matchKey(text);
  interface Cand {
    start: number;
    end: number;
    ids: number[];
    via: "form" | "subsequence";
  }
  const cands: Cand[] = [];
  // Exact forms.
  for (let i = 0; i < key.length; i++) {
    let node: Node | undefined = prepared.root;
    let best: Cand | null = null;
    for (let j = i; j < key.length; j++) {
      node = node.next.get(key[j]!);
      if (!node) break;
      if (node.ids) best = { start: i, end: j + 1, ids: node.ids, via: "form" };
    }
    if (best) cands.push(best);
  }
  // Subsequences ending with an organisation suffix.
  for (let e = 1; e <= key.length; e++) {
    const suffix = prepared.suffixes.find((x) => key.startsWith(x, e - x.length));
    if (!suffix) continue;
    let best = e - suffix.length - 2;
    let ids: number[] = [];
    for (const u of prepared.byEnd.get(key[e - 1]!) ?? []) {
      const s = longestSubsequenceStart(key, e, prepared.unique[u]!);
      if (s < 0 || s > best) continue;
      if (s < best) {
        best = s;
        ids = [];
      }
      ids.push(...prepared.uniqueIds[u]!);
    }
    if (ids.length) cands.push({ start: best, end: e, ids, via: "subsequence" });
  }
  // Longest first; a form beats a subsequence on the same span.
  cands.sort(
    (a, b) => b.end - b.start - (a.end - a.start) || (a.via === "form" ? -1 : 1) || a.start - b.start,
  );
  const taken = new Uint8Array(key.length);
  const out: UnitMention[] = [];
  for (const c of cands) {
    let free = true;
    for (let i = c.start; i < c.end; i++) if (taken[i]) free = false;
    if (!free) continue;
    taken.fill(1, c.start, c.end);
    const fulls = new Set(c.ids.map((i) => prepared.fulls[i]));
    const start = pos[c.start]!;
    const end = pos[c.end - 1]! + 1;
    for (const i of c.ids) {
      out.push({
        id: prepared.profiles[i]!.id,
        start,
        end,
        form: key.slice(c.start, c.end),
        via: c.via,
        collision: fulls.size > 1,
      });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
