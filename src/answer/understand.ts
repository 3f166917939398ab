import { halfWidth, labelKey } from "../ingest/normalize.js";
import type { Measure } from "../facts/measure.js";
import { findIntents, type Intent } from "../intents/index.js";

export interface Understanding {
  /** Normalised question. */
  text: string;
  year: number | null;
  /** "22年" and "今年/去年" resolved against the newest document year. */
  measure: Measure;
  /** Whether the question said 预算 or 决算/实际 explicitly (picks the document kind too). */
  stage: "预算" | "决算" | null;
  intents: Intent[];
  /** The trigger words found, parallel to `intents`. */
  triggers: string[];
  /** Subject code (3/5/7 digits) named in the question. */
  code: string | null;
  /** The words left once department, year and question words are removed: the metric to look for. */
  residual: string;
  /** 哪个单位…最多 / 各单位… */
  ranking: "max" | "min" | "list" | null;
  /** 基本支出加项目支出 */
  sum: boolean;
  /** "多少万元" / "多少元": the unit the asker wants the figure converted to. */
  wantUnit: "万元" | "元" | null;
}

const QUESTION_WORDS =
  /哪个单位|哪个部门|哪家单位|哪些单位|哪些部门|哪一个|哪个|哪些|哪家|各单位|各部门|每个单位|每个部门|所有单位|所有部门|各个单位|最多|最高|最大|最少|最低|最小|排名|请问|一共|总共|合计是|是多少钱|是多少|有多少|多少钱|多少|几个|几辆|几人|几|是什么|什么|为多少|为|吗|呢|啊|了|？|\?|。|！|!|，|,|的|是|有|共|情况|金额|数额|数据|数字|年度|同比|比上年|较上年|上年|去年|今年|增长率|增长|增加(?!值)|减少|下降|变化|占比|比例|比重|预算数|决算数|执行数|(?<!一般公共|政府性基金|国有资本经营)预算|决算|实际|执行|支出了|花了|安排|全年|年初|查一下|查询|告诉我/g;

export function understand(
  question: string,
  intents: Intent[],
  newestYear: number | null,
  namesToStrip: string[],
): Understanding {
  const text = [...question].map(halfWidth).join("").replace(/\s+/g, "").slice(0, 500);
  let year: number | null = null;
  const y4 = /(?<!\d)(20\d\d)(?!\d)\s*年?/.exec(text);
  const y2 = /(?<!\d)(\d\d)年(?!度?\d)/.exec(text);
  if (y4) year = Number(y4[1]);
  else if (y2) year = 2000 + Number(y2[1]);
  else if (newestYear && /今年|本年度/.test(text)) year = newestYear;
  else if (newestYear && /(?<![比较与])(去年|上年)(?!相比)/.test(text) && !/比|较/.test(text))
    year = newestYear - 1;

  let measure: Measure = "value";
  if (
    /(比|较)(年初|全年|调整后)?预算(数)?.{0,4}(增加|减少|多|少|节约|超|差)|(决算|实际|执行|支出).{0,8}(比|较|与)(年初|全年)?预算|预算.{0,8}(比|较|与).{0,4}(决算|实际|执行)|(超支|节约)(了)?(多少|预算)|(超出|低于|少于|高于)预算/.test(
      text,
    )
  )
    measure = "预算差额";
  else if (
    /增长率|增幅|降幅|增长(了)?(多少|百分之|几)|下降(了)?(多少|百分之|几)|(增长|增加|下降|减少)(了)?百分|同比(增长|下降)/.test(
      text,
    )
  )
    measure = "增长率";
  else if (
    /增加(了)?多少|减少(了)?多少|增减|变化(了)?多少|差额|多(了)?多少|少(了)?多少|增加额|减少额/.test(text)
  )
    measure = "增减额";
  else if (/占比|比重|占.{0,12}(比例|百分比|多少)|所占/.test(text)) measure = "占比";
  else if (/完成率|执行率|完成.{0,6}预算的|完成(了)?(多少|百分)/.test(text)) measure = "完成率";
  else if (/(?<![比较与])(上年|去年)(?!相比).{0,8}(多少|是)|上年数|上年预算|上年决算/.test(text))
    measure = "上年数";
  // Metric names that contain 预算/年初/执行 do not say budget or actual ("一般公共预算", "年初结转和结余").
  const hits = findIntents(labelKey(text), intents);
  let stageText = text.replace(
    /(一般公共|政府性基金|国有资本经营|社会保险基金)预算|预算单位|年初结转(和结余)?|年初结余/g,
    "",
  );
  for (const h of hits) if (h.intent.measure) stageText = stageText.split(h.trigger).join("");
  let stage: Understanding["stage"] = null;
  if (/决算|实际|执行数|实际支出|花了/.test(stageText)) stage = "决算";
  else if (/预算|年初|安排|计划/.test(stageText)) stage = "预算";
  if (measure === "预算差额") stage = null;
  if (measure === "value" && stage) measure = stage === "决算" ? "决算数" : "预算数";

  let residual = text;
  // Department mentions ("焦作示范区工信局"): any org name that starts with a known place or name.
  for (const m of text.match(/\d{0,6}[\u4e00-\u9fa5]{1,20}?(局|部门|委员会|委|办公室|中心)/g) ?? []) {
    if (namesToStrip.some((n) => n.length >= 2 && m.startsWith(n) && text.includes(n)))
      residual = residual.split(m).join("");
  }
  for (const n of namesToStrip) if (n && residual.includes(n)) residual = residual.split(n).join("");
  // After the names: a unit's budget code ("350科技和工信部门") is not a subject code.
  const code =
    /(?<!\d)(\d{7}|\d{5}|\d{3})(?!\d)/.exec(residual.replace(/(?<!\d)20\d\d(?!\d)年?/g, ""))?.[1] ?? null;
  residual = labelKey(
    residual
      .replace(/(部门|单位)(预算|决算)(表)?/g, "")
      .replace(/亿元|万元|千元|元/g, "")
      .replace(/(20)?\d\d\s*年度?/g, "")
      .replace(QUESTION_WORDS, ""),
  );
  let ranking: Understanding["ranking"] = null;
  if (/最多|最高|最大|排名第一|哪.{0,3}(个|家).{0,12}(多|高|大)/.test(text)) ranking = "max";
  else if (/最少|最低|最小|哪.{0,3}(个|家).{0,12}(少|低|小)/.test(text)) ranking = "min";
  else if (
    /各单位|各部门|每个单位|每个部门|所有单位|所有部门|各个单位|哪些单位|哪些部门|分别是多少/.test(text)
  )
    ranking = "list";
  const wantUnit = /(多少|几)万元|以万元|按万元|换算成万元|折合.{0,2}万元/.test(text)
    ? "万元"
    : /(多少|几)元|以元|按元|换算成元|折合.{0,2}元/.test(text)
      ? "元"
      : null;
  const sum =
    /[加和与及、+].{1,20}(一共|合计|总共|加起来|之和|共计|总和)|加上|\+/.test(text) && hits.length >= 2;
  return {
    text,
    year,
    measure,
    stage,
    wantUnit,
    intents: hits.map((h) => h.intent),
    triggers: hits.map((h) => h.trigger),
    code,
    residual,
    ranking,
    sum,
  };
}
