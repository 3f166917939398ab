import type { LoadedDoc } from "../answer/answer.js";
import type { AnswerItem } from "../answer/types.js";

/** All prose of the answers lives here: operations return data, this turns it into sentences. */

/** "江苏省人民检察院 2018年部门预算". */
export function describeDoc(d: { meta: LoadedDoc["meta"]; id: string }): string {
  const m = d.meta;
  return `${m.unit ?? d.id}${m.year ? ` ${m.year}年` : ""}${m.kind !== "其他" ? m.kind : ""}`;
}

/** Quotes keep their words; hard wraps and PDF spaces inside Chinese are dropped for reading. */
export const compactQuote = (q: string) =>
  q
    .replace(/\s*\n\s*/g, "")
    .replace(/([\u4e00-\u9fa5，。：；、（）])\s+(?=[\u4e00-\u9fa5，。：；、（）])/g, "$1")
    .replace(/\s{2,}/g, " ");

/** "第12页 · 公开05表 一般公共预算支出表 · 行政运行（2010101）". */
export function whereOf(it: AnswerItem): string {
  // A table figure ends with its row as printed ("行政运行（2010101）").
  const row = it.source === "table" ? it.label.split(" › ")[0]! : "";
  return [it.page ? `第${it.page}页` : "", it.section ?? "", row].filter(Boolean).join(" · ");
}

/**
 * User words echoed in a reply: control characters, lone surrogates and markup characters out,
 * at most 60 characters (the channels escape again for their own format).
 */
export const echo = (s: string) =>
  s
    // eslint-disable-next-line no-control-regex -- removing control characters is the point
    .replace(/[\u0000-\u001f\u007f<>&"'`]|[\ud800-\udfff]/g, "")
    .slice(0, 60);

/** One figure with its source, as a person reads it. */
export function renderItem(d: LoadedDoc, it: AnswerItem): string {
  const value = it.value ? `${it.value} ${it.unit}` : "（表中该栏为空白，未填数字）";
  const lines = [`${describeDoc(d)}：${it.label} ${value}`];
  if (it.formula) lines.push(`${it.source === "computed" ? "计算" : "换算"}：${it.formula}`);
  // Each input of a computed answer with its own source passage.
  it.inputs?.forEach((x, i) =>
    lines.push(`依据${i + 1}：${x.label} ${x.value} ${x.unit}「${compactQuote(x.quote)}」`),
  );
  if (it.quote && !it.inputs?.length) lines.push(`原文：「${compactQuote(it.quote)}」`);
  if (it.reason) lines.push(`原因：「${compactQuote(it.reason)}」`);
  const where = [d.meta.title ?? d.file, whereOf(it)].filter(Boolean).join(" · ");
  lines.push(`出处：${where}`);
  return lines.join("\n");
}

export const CONFLICT_NOTE = "⚠ 正文与表格数字不一致，两处原文如下：";

/** One document's items: a conflict shows both printings. */
export function renderDocItems(d: LoadedDoc, items: AnswerItem[]): string {
  return items.map((it) => renderItem(d, it)).join(`\n${CONFLICT_NOTE}\n`);
}

/** A compact line of a list over many documents. */
export function renderListLine(i: number, d: LoadedDoc, it: AnswerItem): string {
  return `${i + 1}. ${describeDoc(d)}：${it.value} ${it.unit}\n   原文：「${compactQuote(it.quote)}」`;
}

export const replies = {
  empty: () => "请输入一个问题，例如：“曾都区科经局2022年三公经费多少”。",
  tooLong: (n: number, max: number) => `问题太长了（${n} 字），请缩短到 ${max} 字以内。`,
  noDocs: () => "目前没有载入任何公开文件。",
  unknownUnit: (mention: string, have: string[]) =>
    `没有找到“${echo(mention)}”的公开文件。已载入：${have.slice(0, 12).join("；")}${have.length > 12 ? "等" : ""}。`,
  noYear: (year: string, have: string[]) =>
    `没有找到${year}的相关公开文件。${have.length ? `该单位已载入：${have.join("；")}。` : ""}`,
  notDisclosed: (doc: string, label: string) => `${doc}：文件没有公开“${echo(label)}”。`,
  othersSilent: (n: number, label: string) => `其余 ${n} 个文件中也没有找到“${echo(label)}”的数字。`,
  statedNone: (doc: string, quote: string) => `${doc}：文件写明「${compactQuote(quote)}」`,
  unreadable: (doc: string, label: string, tables: string[]) =>
    `${doc}：正文没有给出“${echo(label)}”；文件中的表格（${tables.slice(0, 4).join("、")}${tables.length > 4 ? "等" : ""}）是图片，无法读取，不能据此说未公开。`,
  askWhich: (label: string, n: number) => `有 ${n} 个单位的文件都有“${label}”，请问是哪个单位？`,
  listHeader: (label: string, n: number) => `${label}（${n} 个单位的文件有此数字）：`,
  rankHeader: (max: boolean, top: string, value: string, label: string, converted: boolean) =>
    `${max ? "最多" : "最少"}的是 ${top}：${value}。各单位${label}${converted ? "（按万元换算比较）" : ""}：`,
  moreRows: (total: number, shown: number) =>
    `……共 ${total} 个单位，只列出前 ${shown} 个；写明地区或年份可以缩小范围。`,
  assumed: (what: string[]) => `（按上一个问题理解：${what.join("，")}）`,
  nothingRelated: (words: string) =>
    `没有找到与“${echo(words)}”相关的内容。可以问：收支总计、三公经费、机关运行经费、基本支出、某个科目（如“基本工资”）等。`,
  related: (words: string, lines: string[]) =>
    `没有找到能直接回答的数字。与“${echo(words)}”最相关的原文：\n${lines.join("\n")}`,
  passage: (doc: string, label: string, quote: string) => `${doc}（${label}）：\n「${compactQuote(quote)}」`,
  cannotCompute: (label: string) => `文件没有印出计算“${label}”所需的全部数字，无法计算。`,
};
