import { Decimal } from "decimal.js";

/**
 * Column layouts of standard national disclosure forms whose multi-level headers do not survive
 * text extraction. The 财政拨款"三公"经费支出(预)决算表 prints one row of figures under a
 * multi-level header; its columns come in a few fixed orders (the Ministry of Finance form, the
 * form with 会议费 and 培训费, and the order some provinces print), and blank cells vanish from the
 * text. The figures are mapped by trying each order, with blanks anywhere, and keeping only what the
 * form's own sums (公务用车 = 购置 + 运行; 三公 = 出国 + 公务用车 + 接待; 合计 = 三公 + 会议 + 培训) allow.
 */

type Key = "合计" | "三公" | "出国" | "车" | "购置" | "运行" | "接待" | "会议" | "培训" | "机关运行";

const PATH: Record<Key, string> = {
  合计: "合计",
  三公: "“三公”经费 › 小计",
  出国: "因公出国（境）费",
  车: "公务用车购置及运行费 › 小计",
  购置: "公务用车购置及运行费 › 公务用车购置费",
  运行: "公务用车购置及运行费 › 公务用车运行费",
  接待: "公务接待费",
  会议: "会议费",
  培训: "培训费",
  机关运行: "机关运行经费",
};

/** Print orders of the form; `needs` are header words that must be printed for the order to apply. */
const ORDERS: Array<{ keys: Key[]; needs?: RegExp }> = [
  { keys: ["合计", "出国", "车", "购置", "运行", "接待"] },
  { keys: ["合计", "三公", "出国", "车", "购置", "运行", "接待", "会议", "培训"], needs: /会议/ },
  { keys: ["合计", "出国", "接待", "车", "购置", "运行"] },
  { keys: ["合计", "出国", "接待", "车", "购置", "运行", "机关运行"], needs: /机关运行经费/ },
  { keys: ["合计", "出国", "车", "购置", "运行", "接待", "机关运行"], needs: /机关运行经费/ },
];

/** Name of the metric an unlabelled template row measures ("三公经费"), or null. */
export function templateRowLabel(title: string): string | null {
  return /三公/.test(title) ? "三公经费" : null;
}

const num = (t: string) => {
  const s = t.replace(/,/g, "").replace("−", "-");
  return /^-?\d+(\.\d+)?$/.test(s) ? new Decimal(s) : /^[-—–]*$/.test(s) ? new Decimal(0) : null;
};

function places(texts: string[]): Decimal {
  const dp = Math.max(0, ...texts.map((t) => /\.(\d+)$/.exec(t)?.[1]?.length ?? 0));
  return new Decimal(1).dividedBy(new Decimal(10).pow(dp));
}

/** Whether the form's sums hold for figures placed under `keys` (absent keys are blank, i.e. 0). */
function consistent(keys: Array<Key | null>, texts: string[]): boolean {
  const at = new Map<Key, Decimal>();
  keys.forEach((k, i) => {
    const v = num(texts[i]!);
    if (k && v) at.set(k, v);
  });
  const v = (k: Key) => at.get(k) ?? new Decimal(0);
  const tol = places(texts);
  const eq = (a: Decimal, b: Decimal) => a.minus(b).abs().lte(tol);
  if (!eq(v("车"), v("购置").plus(v("运行")))) return false;
  const three = v("出国").plus(v("车")).plus(v("接待"));
  if (keys.includes("三公")) {
    if (!eq(v("三公"), three)) return false;
    if (!eq(v("合计"), v("三公").plus(v("会议")).plus(v("培训")))) return false;
  } else if (!eq(v("合计"), three)) return false;
  return true;
}

/** Every way to place `m` figures in order under `keys`, leaving the others blank. */
function placements(keys: Key[], m: number): Array<Array<Key | null>> {
  const out: Array<Array<Key | null>> = [];
  const pick = (start: number, chosen: Key[]) => {
    if (chosen.length === m) return void out.push([...chosen]);
    for (let i = start; i <= keys.length - (m - chosen.length); i++) pick(i + 1, [...chosen, keys[i]!]);
  };
  if (m <= keys.length && m > 0) pick(0, []);
  return out;
}

/** Column of each figure of one group (预算数 or 决算数); null where the sums leave it open. */
function groupColumns(texts: string[], header: string): Array<string | null> | null {
  const found: Array<Array<Key | null>> = [];
  for (const o of ORDERS) {
    if (o.needs && !o.needs.test(header)) continue;
    for (const p of placements(o.keys, texts.length)) if (consistent(p, texts)) found.push(p);
  }
  if (!found.length) return null;
  return texts.map((_, i) => {
    const k = found[0]![i]!;
    return found.every((f) => f[i] === k) && k ? PATH[k] : null;
  });
}

/**
 * Column paths of an unlabelled row of figures in a 三公 table ("预算数 › 公务接待费"), or null when
 * the figures fit no print order of the form. `header` is the table's header text.
 */
export function columnTemplateFor(title: string, texts: string[], header = ""): Array<string | null> | null {
  if (!/三公/.test(title)) return null;
  const measure = /决算/.test(title) ? "决算数" : "预算数";
  const whole = groupColumns(texts, header);
  if (whole) return whole.map((c) => (c ? `${measure} › ${c}` : null));
  // 预算数 and 决算数 side by side: two groups of equal length.
  if (texts.length % 2 === 0) {
    const half = texts.length / 2;
    const a = groupColumns(texts.slice(0, half), header);
    const b = groupColumns(texts.slice(half), header);
    if (a && b)
      return [...a.map((c) => (c ? `预算数 › ${c}` : null)), ...b.map((c) => (c ? `决算数 › ${c}` : null))];
  }
  // A zero may be printed out of its place (a line lower in a PDF): zeros count as blanks in the
  // sums, so the others are placed without them and the zeros keep no column.
  const isZero = (t: string) => num(t)?.isZero() ?? false;
  // Not for a form printing 预算数 beside 决算数: which half a figure is in would be a guess.
  const twoHalves = /预算/.test(header) && /决算/.test(header);
  if (!twoHalves && texts.some(isZero) && texts.some((t) => !isZero(t))) {
    const kept = texts.map((t, i) => ({ t, i })).filter((x) => !isZero(x.t));
    const placed = groupColumns(
      kept.map((x) => x.t),
      header,
    );
    if (placed) {
      const out: Array<string | null> = texts.map(() => null);
      kept.forEach((x, k) => (out[x.i] = placed[k] ? `${measure} › ${placed[k]}` : null));
      return out;
    }
  }
  return null;
}
