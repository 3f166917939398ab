// Input generators shared by the fuzz suites: noise, Chinese budget-like text, numbers in the ways
// disclosures print them, deep brackets, and characters from every Unicode plane.
import fc from "fast-check";

export const cjkChar = fc.integer({ min: 0x4e00, max: 0x9fff }).map((c) => String.fromCharCode(c));

/** Any code point of plane 0–16, lone surrogates included (they occur in broken extractions). */
export const anyPlaneChar = fc
  .integer({ min: 0, max: 16 })
  .chain((plane) => fc.integer({ min: plane * 0x10000, max: plane * 0x10000 + 0xffff }))
  .map((cp) => (cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp)));

export const BUDGET_WORDS = [
  "科学技术支出",
  "合计",
  "万元",
  "元",
  "三公经费",
  "“三公”经费",
  "公务接待费",
  "公务用车运行维护费",
  "收入总计",
  "支出总计",
  "一、",
  "（一）",
  "1.",
  "表",
  "单位：万元",
  "本年支出",
  "决算数",
  "预算数",
  "行政运行",
  "2060101",
  "206",
  "20601",
  "栏次",
  "小计",
  "年初结转和结余",
  "一般公共预算财政拨款",
  "基本支出",
  "项目支出",
  "部门预算收支总表",
  "公开01表",
  "2022年",
  "２０２３年度",
  "较上年增加",
  "增长",
  "%",
  "％",
  "曾都区科经局",
  "焦作市",
  "武冈市",
  "山海关区",
  "是多少",
  "？",
  "。",
  "，",
  "：",
];

const FULL_WIDTH: Record<string, string> = { ",": "，", ".": "．" };
export const toFullWidth = (s: string) =>
  s
    .replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0))
    .replace(/[,.]/g, (c) => FULL_WIDTH[c]!);

const group = (int: string, sep: string) => int.replace(/\B(?=(\d{3})+(?!\d))/g, sep);

/** Amounts as printed: plain, "1,234.56", "1 234.56", full-width, negative, percentages. */
export const amount = fc
  .record({
    int: fc.integer({ min: 0, max: 2_000_000_000 }),
    decimals: fc.integer({ min: 0, max: 2 }),
    frac: fc.integer({ min: 0, max: 99 }),
    style: fc.constantFrom("plain", "comma", "space", "fullwidth", "fullwidth-comma"),
    sign: fc.constantFrom("", "", "-", "−"),
    suffix: fc.constantFrom("", "", "%", "万元", " 万元", "元"),
  })
  .map(({ int, decimals, frac, style, sign, suffix }) => {
    const fraction = decimals === 0 ? "" : `.${String(frac).padStart(2, "0").slice(0, decimals)}`;
    let text = String(int);
    if (style === "comma" || style === "fullwidth-comma") text = group(text, ",");
    if (style === "space") text = group(text, " ");
    text += fraction;
    if (style.startsWith("fullwidth")) text = toFullWidth(text);
    return `${sign}${text}${suffix}`;
  });

const whitespace = fc.constantFrom(" ", "  ", "\n", "\n\n", "\t", "\r\n", "\u3000", "\u00a0");
const bracket = fc.constantFrom("(", ")", "（", "）", "【", "】", "《", "》", "[", "]", "「", "」", "“", "”");

/** Text that looks like an extracted disclosure: words, figures, whitespace and stray brackets. */
export const budgetLikeText = (maxTokens = 400) =>
  fc
    .array(
      fc.oneof(
        { arbitrary: fc.constantFrom(...BUDGET_WORDS), weight: 4 },
        { arbitrary: amount, weight: 3 },
        { arbitrary: whitespace, weight: 3 },
        cjkChar,
        bracket,
      ),
      {
        maxLength: maxTokens,
      },
    )
    .map((parts) => parts.join(""));

export const randomChinese = (maxLength = 300) => fc.string({ unit: cjkChar, maxLength });

export const everyPlaneText = (maxLength = 200) => fc.string({ unit: anyPlaneChar, maxLength });

/** `depth` opening brackets, the inner text, then the closing ones (sometimes left unbalanced). */
export const nestedBrackets = fc
  .record({
    depth: fc.integer({ min: 1, max: 5000 }),
    pair: fc.constantFrom(["(", ")"], ["（", "）"], ["【", "】"], ["《", "》"], ["「", "」"], ["[", "]"]),
    inner: fc.constantFrom("三公经费", "科学技术支出是多少", "2022年", "1,234.56", ""),
    balanced: fc.boolean(),
  })
  .map(
    ({ depth, pair, inner, balanced }) =>
      pair[0]!.repeat(depth) + inner + (balanced ? pair[1]!.repeat(depth) : ""),
  );

/** Characters that carry no meaning for a budget question: symbols, emoji, controls, other scripts. */
export const meaninglessNoise = fc
  .string({ unit: anyPlaneChar, minLength: 1, maxLength: 200 })
  .map((s) => s.replace(/[\p{Script=Han}\p{L}\p{N}]/gu, "§"));

/** A table as PDF extraction prints it: title, unit line, then rows of code, label and amounts,
 * either space-separated on one line or one tab-prefixed cell per line. */
export const tableLikeText = fc
  .record({
    title: fc.constantFrom(
      "部门预算收支总表",
      "收入支出决算总表",
      "一般公共预算财政拨款“三公”经费支出决算表",
      "公开01表",
    ),
    tabs: fc.boolean(),
    rows: fc.array(
      fc.record({
        code: fc.constantFrom("", "206", "20601", "2060101", "2150517", "30201"),
        label: fc.constantFrom(...BUDGET_WORDS, "科学技术管理事务", "其他支出"),
        amounts: fc.array(fc.oneof(amount, fc.constant("")), { minLength: 1, maxLength: 8 }),
      }),
      { minLength: 1, maxLength: 30 },
    ),
    noise: fc.string({ unit: fc.constantFrom(" ", "\n", "\t", "　"), maxLength: 3 }),
  })
  .map(({ title, tabs, rows, noise }) => {
    const head = `${title}\n单位：万元${noise}\n`;
    const body = rows.map((r) =>
      tabs
        ? [r.code, r.label, ...r.amounts].map((c) => `\t${c}\n`).join("") + "\n"
        : `${[r.code, r.label, ...r.amounts].filter(Boolean).join(" ")}\n`,
    );
    return head + body.join("");
  });
