// Who gets answers, and what the bot does with hostile or odd input.
import { afterEach, describe, expect, it } from "vitest";
import { groupChat, privateChat, user, type SentMessage } from "../helpers/telegram-server.js";
import { answered, item, scriptedEngine, startBotHarness, type BotHarness } from "./harness.js";

const alice = user(1001, "Alice");
const stranger = user(2002, "Mallory");
const group = groupChat(-100500);
const otherGroup = groupChat(-100777, "隔壁群");

let harness: BotHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const figureEngine = () => scriptedEngine(() => answered([item()]));

describe("allow-list", () => {
  it("refuses a private chat outside the allow-list once, politely, with no figures", async () => {
    const engine = figureEngine();
    harness = await startBotHarness({ getEngine: () => engine, allowed: [alice.id, group.id] });
    const { server } = harness;

    server.sendText(privateChat(stranger), stranger, "焦作示范区工信局2022年基本支出多少");
    server.sendText(privateChat(stranger), stranger, "/docs");
    server.sendText(privateChat(stranger), stranger, "再问一次基本支出");
    server.sendText(privateChat(alice), alice, "基本支出多少"); // an allowed chat is still served
    await server.waitForMessages(alice.id, 1);
    await server.waitUntil(
      () => (server.pendingUpdateIds.length === 0 ? true : undefined),
      5_000,
      "updates fetched",
    );
    await new Promise((r) => setTimeout(r, 100));

    const refusals = server.sentMessages(stranger.id);
    expect(refusals).toHaveLength(1); // told once, not flooded
    expect(refusals[0]!.text).toContain("未获授权");
    expect(refusals[0]!.text).toContain(String(stranger.id));
    expect(refusals[0]!.text).not.toContain("223.76");
    expect(engine.asked.map((a) => a.question)).toEqual(["基本支出多少"]);
  });

  it("refuses a group outside the allow-list when addressed, and ignores its chatter", async () => {
    const engine = figureEngine();
    harness = await startBotHarness({ getEngine: () => engine, allowed: [group.id] });
    const { server } = harness;
    const mark = server.mark;

    server.sendText(otherGroup, alice, "随便聊聊");
    const { message } = server.sendText(otherGroup, alice, "/ask 基本支出多少");
    const [refusal] = await server.waitForMessages(otherGroup.id, 1, { since: mark });
    await new Promise((r) => setTimeout(r, 100));

    expect(server.sentMessages(otherGroup.id)).toHaveLength(1);
    expect(refusal!.reply_to_message?.message_id).toBe(message.message_id);
    expect(refusal!.text).not.toContain("223.76");
    expect(engine.asked).toEqual([]);
  });

  it("with an empty allow-list answers nobody, tells each chat its id, and warns at start-up", async () => {
    const engine = figureEngine();
    harness = await startBotHarness({ getEngine: () => engine, allowed: [], admins: [alice.id] });
    const { server } = harness;

    server.sendText(privateChat(alice), alice, "基本支出多少");
    server.sendText(group, stranger, `@${server.botUser.username} 基本支出多少`);
    const [toAlice] = await server.waitForMessages(alice.id, 1);
    const [toGroup] = await server.waitForMessages(group.id, 1);

    expect(toAlice!.text).toContain(`此对话的 ID 是 ${alice.id}`);
    expect(toAlice!.text).toContain("ALLOWED_CHAT_IDS");
    expect(toGroup!.text).toContain(`此对话的 ID 是 ${group.id}`);
    expect(engine.asked).toEqual([]);
    expect(harness.logs.some((l) => l.level === 40 && /ALLOWED_CHAT_IDS is empty/.test(l.msg))).toBe(true);
  });

  it("refuses buttons pressed in a chat that is not allowed", async () => {
    const engine = figureEngine();
    harness = await startBotHarness({ getEngine: () => engine, allowed: [alice.id] });
    const { server } = harness;
    server.sendText(privateChat(alice), alice, "基本支出多少");
    const [answer] = await server.waitForMessages(alice.id, 1);
    // The same message as seen from a chat that is not on the list (e.g. a forged update).
    const { queryId } = server.pressData(
      stranger,
      { ...answer!, chat: privateChat(stranger) },
      answer!.reply_markup!.inline_keyboard[0]![0]!.callback_data!,
    );
    await server.waitForCall("answerCallbackQuery", (c) => c.params.callback_query_id === queryId);
    expect(String(server.callbackAnswer(queryId)?.text)).toContain("未获授权");
    expect(server.sentMessages(stranger.id)).toHaveLength(0);
  });
});

describe("hostile and odd input", () => {
  it("escapes HTML from the question and from the documents", async () => {
    const hostile = item({
      value: "<b>1</b>&amp;",
      unit: "万元<script>",
      quote: '报告写道：<a href="http://evil">点我</a> & 预算 < 决算 > 0',
      label: "基本支出 <i>› 决算数",
      department: "焦作<示范区>",
      section: "</blockquote><b>",
      formula: "a < b && c > d",
    });
    const engine = scriptedEngine((q) => answered([hostile], `关于“${q}”找到：\n1. …`));
    harness = await startBotHarness({ getEngine: () => engine, allowed: [alice.id] });
    const { server } = harness;
    const question = '<b>基本支出</b><script>alert("x")</script> &lt; &';

    server.sendText(privateChat(alice), alice, question);
    const [reply] = await server.waitForMessages(alice.id, 1);

    // Telegram accepted it as HTML (the fake rejects bad tags/entities) and shows the text literally.
    expect(reply!.parseMode).toBe("HTML");
    expect(reply!.text).toContain(`关于“${question}”找到：`);
    expect(reply!.text).toContain('报告写道：<a href="http://evil">点我</a> & 预算 < 决算 > 0');
    expect(reply!.text).toContain("<b>1</b>&amp; 万元<script>");
    expect(reply!.text).toContain("来源：焦作<示范区> · 2022年 · 部门决算 · </blockquote><b>");
    expect((reply!.entities ?? []).some((e) => e.type === "text_link")).toBe(false);
  });

  it("survives a malformed update, an empty message, a sticker and a 10,000-character message", async () => {
    const engine = figureEngine();
    harness = await startBotHarness({ getEngine: () => engine, allowed: [alice.id] });
    const { server } = harness;
    const chat = privateChat(alice);

    server.injectUpdate({ message: { message_id: "x", chat: "nope", text: 42 } });
    server.injectUpdate({ callback_query: { from: null } });
    server.injectUpdate({ edited_message: { message_id: 1, chat, text: "改了" } });
    server.sendText(chat, alice, "   ");
    server.sendSticker(chat, alice);
    server.sendText(chat, alice, "问".repeat(10_000));
    server.sendText(chat, alice, "基本支出多少");
    const replies = await server.waitForMessages(alice.id, 4);

    expect(replies[0]!.text).toMatch(/^请直接写出问题/);
    expect(replies[1]!.text).toMatch(/^我只能回答文字问题/);
    expect(replies[2]!.text).toMatch(/^问题太长了/);
    expect(replies[3]!.text).toContain("223.76 万元");
    expect(engine.asked.map((a) => a.question)).toEqual(["基本支出多少"]);
    expect(harness.logs.filter((l) => /malformed update/.test(l.msg))).toHaveLength(2);
    expect(server.pendingUpdateIds).toEqual([]);
  });

  it("replies politely when the engine throws, logs it, and keeps serving", async () => {
    let fail = true;
    const engine = scriptedEngine(() => {
      if (fail) throw new Error("index corrupted");
      return answered([item()]);
    });
    harness = await startBotHarness({ getEngine: () => engine, allowed: [alice.id] });
    const { server } = harness;
    server.sendText(privateChat(alice), alice, "基本支出多少");
    const [sorry] = await server.waitForMessages(alice.id, 1);
    expect(sorry!.text).toBe("抱歉，处理这个问题时出错了，请稍后再试。");
    expect(harness.logs.some((l) => l.level === 50 && l.msg === "engine.ask failed")).toBe(true);

    fail = false;
    server.sendText(privateChat(alice), alice, "基本支出多少");
    const replies = await server.waitForMessages(alice.id, 2);
    expect(replies[1]!.text).toContain("223.76 万元");
  });

  it("logs a reply Telegram refuses for good (blocked) and keeps serving other chats", async () => {
    const engine = figureEngine();
    harness = await startBotHarness({ getEngine: () => engine, allowed: [alice.id, group.id] });
    const { server } = harness;
    server.failNext("sendMessage", {
      ok: false,
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    });
    server.sendText(privateChat(alice), alice, "基本支出多少");
    await server.waitUntil(
      () => harness!.logs.find((l) => l.msg === "reply refused by Telegram: not sent"),
      5_000,
      "error log",
    );

    server.sendText(group, alice, "/ask 基本支出多少");
    const [reply] = await server.waitForMessages(group.id, 1);
    expect(reply!.text).toContain("223.76 万元");
    expect(server.sentMessages(alice.id)).toEqual([]);
  });
});

describe("long answers", () => {
  it("splits an answer over 4096 characters on line boundaries, keyboard on the last piece", async () => {
    const items = Array.from({ length: 30 }, (_, i) =>
      item({
        value: `${i + 1}00.00`,
        label: `功能分类 2010${String(i).padStart(3, "0")} 行政运行 › 合计`,
        quote: `第${i + 1}项：${"一般公共服务支出，".repeat(20)}合计${i + 1}00.00万元。`,
        span: [i * 100, i * 100 + 50],
      }),
    );
    const engine = scriptedEngine(() => answered(items, "共找到 30 个数字："));
    harness = await startBotHarness({ getEngine: () => engine, allowed: [alice.id] });
    const { server } = harness;

    server.sendText(privateChat(alice), alice, "行政运行支出有哪些");
    await server.waitUntil(
      () => (server.sentMessages(alice.id).some((m) => m.reply_markup) ? true : undefined),
      10_000,
      "the last piece",
    );
    const pieces: SentMessage[] = server.sentMessages(alice.id);

    expect(pieces.length).toBeGreaterThan(1);
    for (const p of pieces) expect(p.source.length).toBeLessThanOrEqual(4096);
    const all = pieces.map((p) => p.text).join("\n");
    // Every figure, once, in order; no item's quote is cut (cuts fall between lines).
    const figures = [...all.matchAll(/(\d+)00\.00 万元/g)].map((m) => Number(m[1]));
    expect(figures).toEqual(items.map((_, i) => i + 1));
    for (const it of items) expect(all).toContain(it.quote);
    expect(pieces.slice(0, -1).every((p) => !p.reply_markup)).toBe(true);
    expect(pieces.at(-1)!.reply_markup!.inline_keyboard.flat()).toHaveLength(10);
  });
});
