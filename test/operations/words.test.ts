import { describe, expect, it } from "vitest";
import type { Fact } from "../../src/facts/extract.js";
import { loadLexicon } from "../../src/lexicon/index.js";
import { labelOf } from "../../src/operations/found.js";
import { namesFor } from "../../src/operations/target.js";
import { answeringPatterns, useAnsweringWords } from "../../src/operations/words.js";
import { openEngine } from "../../src/engine/index.js";
import { tempDocs } from "../helpers/docs.js";
import { intentsWith } from "../helpers/lexicon.js";

/**
 * The word lists the operations read items and printed figures with are data
 * (intents/lexicon/answering.yaml), compiled once per answerer: a made-up lexicon with one more
 * word changes what is answered.
 */
const words = loadLexicon("intents").answering;
const madeUp = (dir: string) => loadLexicon(dir).answering;

describe("answering words from the lexicon", () => {
  it("drops a container's own tail by containerEndings and containerMarkers (a made-up marker counts)", () => {
    useAnsweringWords(words);
    const bare = (c: string) => c.replace(answeringPatterns().containerTail, "");
    expect(bare("财政拨款收支预算总表")).toBe("财政拨款收支预算总");
    expect(bare("基本支出预算表")).toBe("基本支出");
    expect(bare("社会保障和就业支出里")).toBe("社会保障和就业支出");
    expect(bare("基本支出表内")).toBe("基本支出表内");
    useAnsweringWords(madeUp(intentsWith((w) => w.containerMarkers.push("表内"))));
    expect(bare("基本支出表内")).toBe("基本支出");
    useAnsweringWords(words);
  });

  it("compiles the patterns from the YAML lists, once per answerer", () => {
    useAnsweringWords(words);
    const p = answeringPatterns();
    expect(p.itemClosers.source).toContain("合计是");
    expect(p.itemOpeners.source).toContain("一共有");
    for (const w of words.downWords) expect(p.down.source).toContain(w);
    for (const w of words.statedNone.words) expect(p.statedNone.source).toContain(w);
    expect([...p.countUnits]).toEqual([...new Set(words.countUnits)]);
    expect(p.sameCount("人")).toEqual(["人", "名", "人次"]);
    expect(p.sameCount("辆")).toEqual(["辆"]);
    // The same object for every question until the next answerer.
    expect(answeringPatterns()).toBe(p);
  });

  it("keeps the stated-'none' exceptions: 无效/无偿/无形 are no 'none', nor '，有无' asking whether", () => {
    useAnsweringWords(words);
    const none = answeringPatterns().statedNone;
    expect(none.test("本单位无公务接待费")).toBe(true);
    expect(none.test("有无公务接待费")).toBe(true);
    expect(none.test("无偿划转资产")).toBe(false);
    expect(none.test("无形资产")).toBe(false);
    expect(none.test("说明,有无公务接待")).toBe(false);
    expect(none.test("本年度未发生公务接待费")).toBe(true);
  });

  it("trims an item's question particles from itemOpeners/itemClosers/itemDropped (an added particle is trimmed)", () => {
    useAnsweringWords(words);
    expect(namesFor("关于会议费的情况呢", [])).toEqual(["会议费"]);
    expect(namesFor("会议费嘛", [])).toEqual(["会议费嘛"]);
    useAnsweringWords(madeUp(intentsWith((w) => w.itemClosers.push("嘛"))));
    expect(namesFor("会议费嘛", [])).toEqual(["会议费"]);
    useAnsweringWords(madeUp(intentsWith((w) => w.itemOpeners.push("请问"))));
    expect(namesFor("请问会议费", [])).toEqual(["会议费"]);
    useAnsweringWords(madeUp(intentsWith((w) => w.itemDropped.push("啦"))));
    expect(namesFor("会议啦费", [])).toEqual(["会议费"]);
    useAnsweringWords(words);
  });

  it("reads an item also without the itemLinks word joining its levels (regression: '城乡社区管理事务的行政运行' matched no row)", () => {
    useAnsweringWords(words);
    expect(namesFor("城乡社区管理事务的行政运行", [])).toContain("城乡社区管理事务行政运行");
    expect(namesFor("城乡社区管理事务之行政运行", [])).not.toContain("城乡社区管理事务行政运行");
    useAnsweringWords(madeUp(intentsWith((w) => w.itemLinks.push("之"))));
    expect(namesFor("城乡社区管理事务之行政运行", [])).toContain("城乡社区管理事务行政运行");
    useAnsweringWords(words);
  });

  it("prints an item's total as 合计 by totalEndings and drops a generic ending by itemEndings", () => {
    useAnsweringWords(words);
    expect(namesFor("项目支出总额", [])).toContain("项目支出合计");
    expect(namesFor("行政运行支出", [])).toContain("行政运行");
    expect(namesFor("会议费总量", [])).not.toContain("会议费合计");
    expect(namesFor("行政运行开支", [])).not.toContain("行政运行");
    useAnsweringWords(
      madeUp(
        intentsWith((w) => {
          w.totalEndings.push("总量");
          w.itemEndings.push("开支");
        }),
      ),
    );
    expect(namesFor("会议费总量", [])).toContain("会议费合计");
    expect(namesFor("行政运行开支", [])).toContain("行政运行");
    useAnsweringWords(words);
  });

  it("splits a difference and closes a share's parts by differenceSplitters and shareClosers", () => {
    useAnsweringWords(words);
    expect("会议费相比培训费".split(answeringPatterns().differenceSplit)).toEqual(["会议费", "培训费"]);
    expect("会议费的比重".replace(answeringPatterns().shareCloser, "")).toBe("会议费");
    useAnsweringWords(
      madeUp(
        intentsWith((w) => {
          w.differenceSplitters.push("对比");
          w.shareClosers.push("占比");
        }),
      ),
    );
    expect("会议费对比培训费".split(answeringPatterns().differenceSplit)).toEqual(["会议费", "培训费"]);
    expect("会议费的占比".replace(answeringPatterns().shareCloser, "")).toBe("会议费");
    useAnsweringWords(words);
  });

  it("closes a sum's parts by partClosers/countedParts and a definition's term by its particles", () => {
    useAnsweringWords(words);
    expect("离休费和退休费加起来".replace(answeringPatterns().partCloser, "")).toBe("离休费和退休费");
    expect("会议费三项".replace(answeringPatterns().partCloser, "")).toBe("会议费");
    expect("会议费三笔".replace(answeringPatterns().partCloser, "")).toBe("会议费三笔");
    expect("的预算是什么".replace(answeringPatterns().definitionParticles, "")).toBe("预算");
    useAnsweringWords(
      madeUp(
        intentsWith((w) => {
          w.partClosers.push("总计");
          w.countedParts.push("笔");
          w.definitionClosers.push("指什么");
        }),
      ),
    );
    expect("会议费总计".replace(answeringPatterns().partCloser, "")).toBe("会议费");
    expect("会议费三笔".replace(answeringPatterns().partCloser, "")).toBe("会议费");
    expect("预算指什么".replace(answeringPatterns().definitionParticles, "")).toBe("预算");
    useAnsweringWords(words);
  });

  it("says a printed change is a decrease by downWords (one list for labels and computed prior-year figures)", () => {
    const fact = { source: "text", label: "会议费比上年缩水", measure: "增减额" } as unknown as Fact;
    useAnsweringWords(words);
    expect(labelOf(fact, "会议费", "增减额")).toBe("会议费 比上年增加");
    expect(labelOf({ ...fact, label: "会议费本年数小于上年" }, "会议费", "增减额")).toBe("会议费 比上年减少");
    useAnsweringWords(madeUp(intentsWith((w) => w.downWords.push("缩水"))));
    expect(labelOf(fact, "会议费", "增减额")).toBe("会议费 比上年减少");
    useAnsweringWords(words);
  });
});

describe("answering words in answers", () => {
  const DOC = [
    "某县司法局2025年部门预算",
    "",
    "一、国有资产占用情况",
    "本部门共有车辆 66 辆。",
    "本部门在职人员 274 名。",
    "二、三公经费",
    "2025年本部门游艇购置费零安排。",
  ].join("\n");

  async function ask(intentsDir: string, question: string) {
    const { docsDir, indexDir } = tempDocs({ "sfj_2025.txt": DOC });
    const { engine } = await openEngine({ docsDir, indexDir, intentsDir });
    return engine.ask(question);
  }

  it("reads a count only in a unit of countUnits, and a count word by sameCount ('274 名' answers 多少人)", async () => {
    const cars = "某县司法局2025年车辆有几辆";
    expect((await ask("intents", cars)).answers[0]?.value).toBe("66");
    const noCars = await ask(
      intentsWith((w) => (w.countUnits = w.countUnits.filter((u) => u !== "辆"))),
      cars,
    );
    expect(noCars.answers.map((a) => a.value)).not.toContain("66");
    const staff = "某县司法局2025年在职人员有多少人";
    expect((await ask("intents", staff)).answers[0]?.value).toBe("274");
    const onlyPeople = await ask(
      intentsWith((w) => (w.sameCount["人"] = ["人", "人次"])),
      staff,
    );
    expect(onlyPeople.answers.map((a) => a.value)).not.toContain("274");
  });

  it("quotes a stated 'none' by statedNone.words ('零安排' once it is a cue)", async () => {
    const before = await ask("intents", "某县司法局2025年游艇购置费是多少");
    expect(before.status).toBe("not_found");
    expect(before.reason).toBe("not_disclosed");
    const after = await ask(
      intentsWith((w) => w.statedNone.words.push("零安排")),
      "某县司法局2025年游艇购置费是多少",
    );
    expect(after.reason, after.reply).toBe("stated_none");
  });
});
