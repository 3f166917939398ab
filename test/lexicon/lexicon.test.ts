import { mkdtempSync, mkdirSync, writeFileSync, cpSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LexiconFileError, jiebaUserWords, loadLexicon } from "../../src/lexicon/index.js";
import { loadIntents } from "../../src/intents/index.js";
import { parseQuery } from "../../src/query/index.js";
import { intentsWith } from "../helpers/lexicon.js";

const lexicon = loadLexicon("intents");

describe("lexicon", () => {
  it("compiles once per folder", () => expect(loadLexicon("intents")).toBe(lexicon));

  it("segments longest first: domain words are not read as shorter words", () => {
    const words = (s: string) => lexicon.segment(s).map((m) => m.entry.word);
    expect(words("一般公共预算收入")).toEqual(["一般公共预算收入"]);
    expect(words("上年结转")).toEqual(["上年结转"]);
    expect(words("年初结转和结余")).toEqual(["年初结转和结余"]);
    expect(words("预算单位")).toEqual(["预算单位"]);
    expect(words("项目支出")).toEqual(["项目支出"]);
  });

  it("never removes characters from inside words it does not know", () => {
    // Names and labels full of characters that are also filler, stage or operation words.
    const texts = [
      "江苏省人大常委会办公厅",
      "一般公共服务支出",
      "共青团江阴市委员会",
      "金坛区共同富裕办公室",
      "请示报告管理中心",
      "上海市普陀区人民政府万里街道办事处",
      "加强基层建设专项",
      "比赛场馆运维费",
      "中小企业发展专项",
      "曾都区科学技术和经济信息化局",
    ];
    for (const t of texts) {
      const q = parseQuery(`${t}2022年是多少`, lexicon);
      expect(q.rest).toContain(t);
    }
  });

  it("gives jieba user words from metric names, triggers and terms", () => {
    const words = jiebaUserWords(lexicon);
    expect(words).toContain("公务接待费");
    expect(words).toContain("招待费");
    expect(words).toContain("机关运行经费");
    expect(words.every((w) => [...w].length >= 2)).toBe(true);
    expect(new Set(words).size).toBe(words.length);
  });

  it("keeps the intent loader working over the same folder", () => {
    const intents = loadIntents("intents");
    expect(intents.find((i) => i.name === "车辆")?.count).toBe("辆");
    expect(intents.find((i) => i.name === "基本工资")?.terms).toContain("基本工资");
  });

  it("names the file and the field of an invalid lexicon file", () => {
    const dir = mkdtempSync(join(tmpdir(), "lex-"));
    cpSync("intents", dir, { recursive: true });
    writeFileSync(join(dir, "lexicon", "bad.yaml"), "words:\n  - words: [多少]\n    stage: 明年\n");
    expect(() => loadLexicon(dir)).toThrow(LexiconFileError);
    expect(() => loadLexicon(dir)).toThrow(/bad\.yaml.*words\.0\.stage/);
  });

  it("rejects a word given two meanings", () => {
    const dir = mkdtempSync(join(tmpdir(), "lex-"));
    cpSync("intents", dir, { recursive: true });
    writeFileSync(join(dir, "lexicon", "clash.yaml"), "words:\n  - words: [决算]\n    stage: 预算\n");
    expect(() => loadLexicon(dir)).toThrow(
      /(clash|stages)\.yaml: word "决算": field "stage".*(clash|stages)\.yaml/,
    );
  });

  it("the answering words are data: a folder without them is refused by name, and they are what answers compare with", () => {
    const dir = mkdtempSync(join(tmpdir(), "lex-"));
    cpSync("intents", dir, { recursive: true });
    rmSync(join(dir, "lexicon", "answering.yaml"));
    expect(() => loadLexicon(dir)).toThrow(/no file defines "answering"/);
    const words = loadLexicon("intents").answering;
    expect(words.connectors).toContain("预算数");
    expect(words.generic).toContain("经费");
    expect(words.joiners).toContain("和");
  });

  it("names the file and the key of a malformed answering-word list (issue 10 lists)", () => {
    const bad = (edit: (w: Record<string, unknown>) => void) => {
      const dir = intentsWith((w) => edit(w as unknown as Record<string, unknown>));
      return () => loadLexicon(dir);
    };
    expect(bad((w) => delete w.downWords)).toThrow(/answering\.yaml: field "answering\.downWords"/);
    expect(bad((w) => (w.itemClosers = []))).toThrow(/answering\.yaml: field "answering\.itemClosers"/);
    expect(bad((w) => (w.countUnits = ["个", ""]))).toThrow(
      /answering\.yaml: field "answering\.countUnits\.1"/,
    );
    expect(bad((w) => ((w.sameCount as Record<string, string[]>)["人"] = ["人", "艘"]))).toThrow(
      /answering\.yaml: field "answering\.sameCount\.人\.1": "艘" is not one of countUnits/,
    );
    expect(bad((w) => ((w.statedNone as { notWords: string[] }).notWords = ["有效"]))).toThrow(
      /answering\.yaml: field "answering\.statedNone\.notWords\.0"/,
    );
    expect(bad((w) => ((w.statedNone as { extra?: string }).extra = "x"))).toThrow(
      /answering\.yaml: field "answering\.statedNone"/,
    );
  });

  it("requires the lexicon folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "lex-"));
    mkdirSync(dir, { recursive: true });
    cpSync("intents/items.yaml", join(dir, "items.yaml"));
    expect(() => loadLexicon(dir)).toThrow(/lexicon folder/);
  });
});
