// The fixed question set of the benchmark, derived from a corpus manifest so that every size asks
// the same kinds of questions about documents that exist in it.
import type { CorpusDoc } from "./corpus.js";

export interface BenchQuestion {
  text: string;
  /** Document the question is about (null for questions about the whole collection). */
  target: string | null;
  /** Word a naive scan would look for: the baseline greps the corpus for it. */
  keyword: string;
}

type Template = { ask: (name: string, year: string) => string; keyword: string };

// Figures the intents are meant to answer straight from tables and sentences.
const FIGURE_TEMPLATES: Template[] = [
  { ask: (n, y) => `${n}${y}“三公”经费是多少？`, keyword: "三公" },
  { ask: (n, y) => `${n}${y}公务接待费多少万元`, keyword: "公务接待费" },
  { ask: (n, y) => `${n}${y}收入总计`, keyword: "收入总计" },
  { ask: (n, y) => `${n}${y}支出总计是多少`, keyword: "支出总计" },
  { ask: (n, y) => `${n}${y}科学技术支出多少`, keyword: "科学技术支出" },
  { ask: (n, y) => `${n}${y}机关运行经费`, keyword: "机关运行经费" },
  { ask: (n, y) => `${n}${y}行政运行支出是多少`, keyword: "行政运行" },
  { ask: (n, y) => `${n}${y}基本支出多少`, keyword: "基本支出" },
  { ask: (n, y) => `${n}${y}项目支出是多少万元`, keyword: "项目支出" },
  { ask: (n, y) => `${n}${y}住房公积金支出`, keyword: "住房公积金" },
  { ask: (n, y) => `${n}${y}一般公共预算财政拨款支出`, keyword: "财政拨款" },
  { ask: (n, y) => `${n}${y}公务用车运行维护费`, keyword: "公务用车" },
];

// Section intents (职责, 机构) and open questions that match no intent: the latter fall through to
// full-text search.
const TEXT_TEMPLATES: Template[] = [
  { ask: (n) => `${n}的主要职责是什么`, keyword: "职责" },
  { ask: (n) => `${n}内设哪些机构`, keyword: "内设" },
  { ask: (n) => `${n}整体绩效目标`, keyword: "绩效目标" },
  { ask: (n) => `${n}高新技术企业认定情况`, keyword: "高新技术企业" },
  { ask: (n) => `${n}5G基站建设情况`, keyword: "5G" },
  { ask: (n) => `${n}中小企业以奖代补资金`, keyword: "以奖代补" },
  { ask: (n) => `${n}节能降耗工作怎么开展的`, keyword: "节能" },
  { ask: (n) => `${n}科技成果转化工作`, keyword: "成果转化" },
  { ask: (n) => `${n}企业技术改造`, keyword: "技术改造" },
  { ask: (n) => `${n}规模工业增加值增长多少`, keyword: "规模工业增加值" },
];

// Questions naming no unit: exercise search over the whole collection.
const OPEN_QUESTIONS: BenchQuestion[] = [
  { text: "哪些单位有政府采购预算", target: null, keyword: "政府采购" },
  { text: "两化融合发展战略", target: null, keyword: "两化" },
  { text: "企业技术改造项目申报", target: null, keyword: "技术改造" },
  { text: "科技创新促进中心", target: null, keyword: "科技创新促进中心" },
  { text: "预算执行率", target: null, keyword: "预算执行率" },
  { text: "国有资产占用情况", target: null, keyword: "国有资产" },
  { text: "专精特新企业培育", target: null, keyword: "专精特新" },
  { text: "绿色制造体系创建", target: null, keyword: "绿色制造" },
];

/**
 * About `count` questions (at least 100 for any non-empty corpus): figure questions and open text
 * questions about documents spread over the corpus, plus a few collection-wide ones. Deterministic.
 */
export function benchQuestions(docs: CorpusDoc[], count = 120): BenchQuestion[] {
  const named = docs.filter((d) => d.unit !== null);
  if (named.length === 0) return OPEN_QUESTIONS;
  const out: BenchQuestion[] = [...OPEN_QUESTIONS];
  const templates = [...FIGURE_TEMPLATES, ...TEXT_TEMPLATES];
  for (let i = 0; out.length < count; i++) {
    // A stride coprime with common sizes spreads questions over seeds and positions in the corpus.
    const doc = named[(i * 37) % named.length]!;
    const template = templates[i % templates.length]!;
    // Alternate the full name and the short name people actually type.
    const name = i % 3 === 2 && doc.shortName ? doc.shortName : doc.unit!;
    const year = doc.year === null ? "" : `${doc.year}年`;
    out.push({ text: template.ask(name, year), target: doc.id, keyword: template.keyword });
  }
  return out;
}
