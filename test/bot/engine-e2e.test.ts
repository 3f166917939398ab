// End to end: the real bot, its real polling loop and the real engine over seeds/, against the fake Bot API.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openEngine, type Engine } from "../../src/engine/index.js";
import { MAX_LISTED } from "../../src/operations/many.js";
import { groupChat, privateChat, user, type SentMessage } from "../helpers/telegram-server.js";
import { startBotHarness, type BotHarness } from "./harness.js";

const alice = user(1001, "Alice");
const admin = user(1003, "Admin");
const stranger = user(2002, "Mallory");
const group = groupChat(-100500);

const SEEDS = "seeds";
const squash = (s: string) => s.replace(/\s+/g, "");
const seedText = readdirSync(SEEDS)
  .map((f) => squash(readFileSync(join(SEEDS, f), "utf8")))
  .join("\n");

const spans = (m: SentMessage, type: string) =>
  (m.entities ?? []).filter((e) => e.type === type).map((e) => m.text.slice(e.offset, e.offset + e.length));
const buttonTexts = (m: SentMessage) => (m.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.text);

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

let engine: Engine;
let indexDir: string;
beforeAll(async () => {
  indexDir = tempDir("bot-e2e-index-");
  ({ engine } = await openEngine({ docsDir: SEEDS, indexDir, intentsDir: "intents" }));
});
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

let harness: BotHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

describe("with the real engine over seeds/", () => {
  it("answers a private question with the exact figure, the document's own words and the source", async () => {
    harness = await startBotHarness({ getEngine: () => engine, allowed: [alice.id] });
    const { server } = harness;

    server.sendText(privateChat(alice), alice, "焦作示范区工信局2022年基本支出多少");
    const [reply] = await server.waitForMessages(alice.id, 1);

    expect(spans(reply!, "bold")).toContain("223.76 万元");
    const [quote] = spans(reply!, "blockquote");
    expect(quote).toContain("基本支出 223.76万元");
    expect(seedText).toContain(squash(quote!)); // verbatim from the document, whitespace aside
    expect(reply!.text).toContain("来源：焦作市城乡一体化示范区工业和信息化局 · 2022年 · 部门决算");
    expect(buttonTexts(reply!)).toEqual(["查看原文"]);

    const mark = server.mark;
    server.pressButton(alice, reply!, "查看原文");
    const [passage] = await server.waitForMessages(alice.id, 1, { since: mark });
    const [original] = spans(passage!, "blockquote");
    expect(original).toContain("基本支出 223.76万元");
    expect(original).toContain("项目支出 3655.08 万元"); // the whole paragraph, not just the quote
    expect(seedText).toContain(squash(original!));
  });

  it("answers “三公经费多少” in a group with every document's figure and source, as a reply", async () => {
    harness = await startBotHarness({ getEngine: () => engine, allowed: [group.id] });
    const { server } = harness;

    const { message } = server.sendText(group, alice, `@${server.botUser.username} 三公经费多少`);
    const [reply] = await server.waitForMessages(group.id, 1);

    expect(reply!.reply_to_message?.message_id).toBe(message.message_id);
    const expected = engine.ask("三公经费多少");
    if (expected.status === "ambiguous") {
      expect(buttonTexts(reply!)).toEqual(expected.choices!.map((c) => c.label));
    } else {
      expect(expected.answers.length).toBeGreaterThan(1);
      const figures = spans(reply!, "bold");
      for (const a of expected.answers) expect(figures).toContain(`${a.value} ${a.unit}`);
      const sources = reply!.text.split("\n").filter((l) => l.startsWith("来源："));
      expect(sources).toHaveLength(expected.answers.length);
      expect(new Set(expected.answers.map((a) => a.department)).size).toBeGreaterThan(1);
      expect(buttonTexts(reply!)).toEqual(expected.answers.map((_, i) => `查看原文 ${i + 1}`));
    }
  });

  it("lists the loaded documents with unit, year and kind on /docs@bot", async () => {
    harness = await startBotHarness({ getEngine: () => engine, allowed: [group.id] });
    const { server } = harness;
    server.sendText(group, alice, `/docs@${server.botUser.username}`);
    const [reply] = await server.waitForMessages(group.id, 1);
    expect(reply!.text).toContain("已载入 5 份文档：");
    expect(reply!.text).toContain("焦作市城乡一体化示范区工业和信息化局 · 2022年 · 部门决算");
    expect(reply!.text).toContain("曾都区科学技术和经济信息化局 · 2022年 · 部门决算");
  });

  it("/start and /help give examples the engine really answers", async () => {
    harness = await startBotHarness({ getEngine: () => engine, allowed: [alice.id] });
    const { server } = harness;
    server.sendText(privateChat(alice), alice, "/start");
    server.sendText(privateChat(alice), alice, "/help");
    const [start, help] = await server.waitForMessages(alice.id, 2);
    expect(start!.text).toMatch(/^你好！/);
    const examples = help!.text
      .split("\n")
      .filter((l) => l.startsWith("• "))
      .map((l) => l.slice(2));
    expect(examples.length).toBeGreaterThanOrEqual(4);
    for (const example of examples) {
      expect(start!.text).toContain(example);
      expect({ example, status: engine.ask(example).status }).toEqual({ example, status: "answered" });
    }
  });

  it("escapes a hostile question echoed back by the engine", async () => {
    harness = await startBotHarness({ getEngine: () => engine, allowed: [alice.id] });
    const { server } = harness;
    const question = '<script>alert("x")</script>&天气<b>怎么样';
    server.sendText(privateChat(alice), alice, question);
    const [reply] = await server.waitForMessages(alice.id, 1);
    const result = engine.ask(question);
    expect(result.answers).toEqual([]);
    expect(reply!.text).toBe(result.reply.trim()); // shown literally, not interpreted
    expect(reply!.entities ?? []).toEqual([]);
  });

  it("gives a chat outside the allow-list no figures", async () => {
    harness = await startBotHarness({ getEngine: () => engine, allowed: [alice.id] });
    const { server } = harness;
    server.sendText(privateChat(stranger), stranger, "焦作示范区工信局2022年基本支出多少");
    const [reply] = await server.waitForMessages(stranger.id, 1);
    expect(reply!.text).toContain("未获授权");
    expect(reply!.text).not.toMatch(/\d+\.\d+/);
  });

  it("reloads for an admin: new engine, summary, old buttons politely expired", async () => {
    let current = engine;
    harness = await startBotHarness({
      getEngine: () => current,
      reload: async () => {
        const opened = await openEngine({ docsDir: SEEDS, indexDir, intentsDir: "intents", rebuild: true });
        current = opened.engine;
        return opened.report;
      },
      allowed: [admin.id],
      admins: [admin.id],
    });
    const { server } = harness;
    const chat = privateChat(admin);
    server.sendText(chat, admin, "焦作示范区工信局2022年基本支出多少");
    const [answer] = await server.waitForMessages(admin.id, 1);

    const mark = server.mark;
    server.sendText(chat, admin, "/reload");
    const [, summary] = await server.waitForMessages(admin.id, 2, { since: mark, timeoutMs: 60_000 });
    expect(summary!.text).toMatch(/重新加载完成（[\d.]+ 秒）：5 份文档，0 个文件无法读取。/);
    expect(summary!.text).toContain("焦作市城乡一体化示范区工业和信息化局 · 2022年 · 部门决算");
    expect(current).not.toBe(engine);
    expect(current.generation).not.toBe(engine.generation);

    const { queryId } = server.pressButton(admin, answer!, "查看原文");
    await server.waitForCall("answerCallbackQuery", (c) => c.params.callback_query_id === queryId);
    expect(server.callbackAnswer(queryId)?.text).toBe("文档已经更新，请重新提问。");
  });
});

describe("with more units than a reply lists", () => {
  it("offers a keyboard of units and answers for the one picked", async () => {
    // More units print the parts of a sum than one reply lists: the engine asks which one.
    const places =
      "安平 宝丰 昌乐 大名 定远 丰宁 阜平 固安 海兴 怀来 获嘉 冀州 涞源 临城 隆化 滦平 孟村 南和 平乡 清河 荣昌 沙河 泰和 通化".split(
        " ",
      );
    const docsDir = tempDir("bot-e2e-docs-");
    places.forEach((c, i) =>
      writeFileSync(
        join(docsDir, `county-${String(i).padStart(2, "0")}.txt`),
        `${c}县科学技术局2021年度部门决算\n一、收入支出决算总体情况说明\n2021年度本年支出合计${i + 4}.5万元，其中：基本支出 ${i + 2}.5 万元，项目支出 2.0 万元。\n`,
      ),
    );
    const { engine: wide } = await openEngine({
      docsDir,
      indexDir: tempDir("bot-e2e-index-wide-"),
      intentsDir: "intents",
    });
    const question = "基本支出加项目支出一共多少";
    const ambiguous = wide.ask(question);
    expect(ambiguous.status).toBe("ambiguous");
    expect(ambiguous.choices!.length).toBeGreaterThan(MAX_LISTED);
    harness = await startBotHarness({ getEngine: () => wide, allowed: [group.id] });
    const { server } = harness;

    server.sendText(group, alice, `/ask ${question}`);
    const [choices] = await server.waitForMessages(group.id, 1);
    // The first 20 as buttons (the reply says how many units print it).
    expect(buttonTexts(choices!)).toEqual(ambiguous.choices!.slice(0, 20).map((c) => c.label));

    const pick = ambiguous.choices!.find((c) => c.label.startsWith("定远"))!;
    const mark = server.mark;
    server.pressButton(alice, choices!, pick.label);
    const [answer] = await server.waitForMessages(group.id, 1, { since: mark });

    const expected = wide.ask(question, { docs: [pick.doc] });
    expect(expected.status).toBe("answered");
    const item = expected.answers[0]!;
    expect(item.doc).toBe(pick.doc);
    // 定远 is the fifth county: 基本支出 6.5 + 项目支出 2.0.
    expect(item.value).toBe("8.5");
    expect(spans(answer!, "bold")).toContain(`${item.value} ${item.unit}`);
    expect(answer!.reply_to_message?.message_id).toBe(choices!.message_id);
  });
});
