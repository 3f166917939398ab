// The real bot and its polling loop against the fake Bot API, with a scripted engine.
import { afterEach, describe, expect, it } from "vitest";
import type { AnswerResult } from "../../src/answer/types.js";
import { groupChat, privateChat, user, type SentMessage } from "../helpers/telegram-server.js";
import { answered, item, scriptedEngine, startBotHarness, type BotHarness } from "./harness.js";

const alice = user(1001, "Alice");
const bob = user(1002, "Bob");
const group = groupChat(-100500);

let harness: BotHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const basicItem = item();
const engineFor = (fn: (q: string) => AnswerResult = () => answered([basicItem])) =>
  scriptedEngine(fn, {
    "jz-gxj-2022:1200-1230":
      "（二）基本支出\n2022年度基本支出223.76万元，占总支出的41.2%。主要用于人员经费和日常公用经费。",
  });

const boldTexts = (m: SentMessage) =>
  (m.entities ?? []).filter((e) => e.type === "bold").map((e) => m.text.slice(e.offset, e.offset + e.length));
const quotes = (m: SentMessage) =>
  (m.entities ?? [])
    .filter((e) => e.type === "blockquote")
    .map((e) => m.text.slice(e.offset, e.offset + e.length));
const buttonTexts = (m: SentMessage) => (m.reply_markup?.inline_keyboard ?? []).flat().map((b) => b.text);

describe("private chat", () => {
  it("answers any text with the figure in bold, the quote and the source", async () => {
    const engine = engineFor();
    harness = await startBotHarness({ getEngine: () => engine, allowed: [alice.id] });
    const { server } = harness;

    server.sendText(privateChat(alice), alice, "焦作示范区工信局2022年基本支出多少");
    const [reply] = await server.waitForMessages(alice.id, 1);

    expect(engine.asked).toEqual([{ question: "焦作示范区工信局2022年基本支出多少", options: undefined }]);
    expect(reply!.parseMode).toBe("HTML");
    expect(boldTexts(reply!)).toContain("223.76 万元");
    expect(quotes(reply!)).toEqual(["2022年度基本支出223.76万元，占总支出的41.2%。"]);
    expect(reply!.text).toContain(
      "来源：焦作示范区工信局 · 2022年 · 部门决算 · 第二部分 › 三、支出决算情况说明",
    );
    expect(reply!.reply_to_message).toBeUndefined(); // private chats get plain messages
    expect(buttonTexts(reply!)).toEqual(["查看原文"]);
  });

  it("shows the original passage when 查看原文 is pressed", async () => {
    const engine = engineFor();
    harness = await startBotHarness({ getEngine: () => engine, allowed: [alice.id] });
    const { server } = harness;
    server.sendText(privateChat(alice), alice, "基本支出多少");
    const [answer] = await server.waitForMessages(alice.id, 1);

    const mark = server.mark;
    const { queryId } = server.pressButton(alice, answer!, "查看原文");
    const [passage] = await server.waitForMessages(alice.id, 1, { since: mark });

    expect(server.callbackAnswer(queryId)).toBeDefined();
    expect(quotes(passage!)).toEqual([
      "（二）基本支出\n2022年度基本支出223.76万元，占总支出的41.2%。主要用于人员经费和日常公用经费。",
    ]);
    expect(passage!.text).toContain("来源：焦作示范区工信局 · 2022年 · 部门决算");
  });

  it("shows the formula of a computed answer", async () => {
    const computed = item({
      value: "12.5",
      unit: "%",
      source: "computed",
      label: "基本支出增长率",
      formula: "(223.76 - 198.90) / 198.90 × 100 = 12.5",
    });
    const engine = engineFor(() => answered([computed]));
    harness = await startBotHarness({ getEngine: () => engine, allowed: [alice.id] });
    harness.server.sendText(privateChat(alice), alice, "基本支出增长了多少");
    const [reply] = await harness.server.waitForMessages(alice.id, 1);
    expect(reply!.text).toContain("计算：(223.76 - 198.90) / 198.90 × 100 = 12.5");
    const code = reply!.entities?.find((e) => e.type === "code");
    expect(code && reply!.text.slice(code.offset, code.offset + code.length)).toBe(
      "(223.76 - 198.90) / 198.90 × 100 = 12.5",
    );
    expect(boldTexts(reply!)).toContain("12.5 %");
  });
});

describe("groups", () => {
  it("ignores chatter, answers a mention as a reply, and strips the mention", async () => {
    const engine = engineFor();
    harness = await startBotHarness({ getEngine: () => engine, allowed: [group.id] });
    const { server } = harness;
    const mark = server.mark;

    server.sendText(group, alice, "今天开会吗？三公经费的表做完了没");
    const { message: question } = server.sendText(group, bob, `@${server.botUser.username} 基本支出多少`);
    const sent = await server.waitForMessages(group.id, 1, { since: mark });
    // Same chat, handled in order: had the chatter been answered, its reply would come first.
    await new Promise((r) => setTimeout(r, 100));

    expect(server.sentMessages(group.id, mark)).toHaveLength(1);
    expect(engine.asked.map((a) => a.question)).toEqual(["基本支出多少"]);
    expect(sent[0]!.reply_to_message?.message_id).toBe(question.message_id);
  });

  it("answers /ask@botname and /ask, but not /ask@otherbot", async () => {
    const engine = engineFor();
    harness = await startBotHarness({ getEngine: () => engine, allowed: [group.id] });
    const { server } = harness;
    const mark = server.mark;

    server.sendText(group, alice, "/ask@some_other_bot 基本支出多少");
    const { message: q1 } = server.sendText(group, alice, `/ask@${server.botUser.username} 项目支出多少`);
    const { message: q2 } = server.sendText(group, bob, "/ask 三公经费多少");
    const sent = await server.waitForMessages(group.id, 2, { since: mark });

    expect(engine.asked.map((a) => a.question)).toEqual(["项目支出多少", "三公经费多少"]);
    expect(sent.map((m) => m.reply_to_message?.message_id)).toEqual([q1.message_id, q2.message_id]);
  });

  it("answers a reply to one of its own messages, and explains a bare /ask", async () => {
    const engine = engineFor();
    harness = await startBotHarness({ getEngine: () => engine, allowed: [group.id] });
    const { server } = harness;
    const mark = server.mark;

    server.sendText(group, alice, "/ask");
    const [usage] = await server.waitForMessages(group.id, 1, { since: mark });
    expect(usage!.text).toContain("请在 /ask 后面写上问题");

    const { message: followUp } = server.sendText(group, alice, "那项目支出呢", {
      replyTo: usage!.message_id,
    });
    const sent = await server.waitForMessages(group.id, 2, { since: mark });
    expect(engine.asked.map((a) => a.question)).toEqual(["那项目支出呢"]);
    expect(sent[1]!.reply_to_message?.message_id).toBe(followUp.message_id);
  });

  it("ignores replies to other people's messages and a sticker", async () => {
    const engine = engineFor();
    harness = await startBotHarness({ getEngine: () => engine, allowed: [group.id] });
    const { server } = harness;
    const mark = server.mark;
    const { message: chatter } = server.sendText(group, alice, "明天交报表");
    server.sendText(group, bob, "好的", { replyTo: chatter.message_id });
    server.sendSticker(group, bob);
    server.sendText(group, bob, "/ask 基本支出多少");
    await server.waitForMessages(group.id, 1, { since: mark });
    await new Promise((r) => setTimeout(r, 100));
    expect(server.sentMessages(group.id, mark)).toHaveLength(1);
    expect(engine.asked.map((a) => a.question)).toEqual(["基本支出多少"]);
  });
});

describe("ambiguous questions", () => {
  it("offers the documents as buttons and re-asks restricted to the one picked", async () => {
    const engine = scriptedEngine((_q, options) =>
      options?.docs
        ? answered([item({ value: "1.2", label: "三公经费 › 决算数", doc: options.docs[0]! })])
        : {
            status: "ambiguous",
            answers: [],
            reply: "有多份文档提到三公经费，请选择单位和年度。",
            choices: [
              { doc: "jz-gxj-2022", label: "焦作示范区工信局 2022年 部门决算" },
              { doc: "zd-kjj-2023", label: "曾都区科学技术和经济信息化局 2023年 部门预算" },
            ],
          },
    );
    harness = await startBotHarness({ getEngine: () => engine, allowed: [group.id] });
    const { server } = harness;
    const mark = server.mark;

    server.sendText(group, alice, "/ask 三公经费多少");
    const [choice] = await server.waitForMessages(group.id, 1, { since: mark });
    expect(choice!.text).toContain("有多份文档提到三公经费");
    expect(buttonTexts(choice!)).toEqual([
      "焦作示范区工信局 2022年 部门决算",
      "曾都区科学技术和经济信息化局 2023年 部门预算",
    ]);
    for (const b of choice!.reply_markup!.inline_keyboard.flat()) {
      expect(Buffer.byteLength(b.callback_data!)).toBeLessThanOrEqual(64);
    }

    const { queryId } = server.pressButton(bob, choice!, "曾都区科学技术和经济信息化局 2023年 部门预算");
    const sent = await server.waitForMessages(group.id, 2, { since: mark });

    expect(engine.asked.at(-1)).toEqual({ question: "三公经费多少", options: { docs: ["zd-kjj-2023"] } });
    expect(server.callbackAnswer(queryId)?.text).toContain("已选择：曾都区科学技术和经济信息化局");
    expect(boldTexts(sent[1]!)).toContain("1.2 万元");
    expect(sent[1]!.reply_to_message?.message_id).toBe(choice!.message_id);
  });

  it("answers a button from before a reload, or an unknown one, politely", async () => {
    const engine = engineFor();
    harness = await startBotHarness({ getEngine: () => engine, allowed: [alice.id] });
    const { server } = harness;
    server.sendText(privateChat(alice), alice, "基本支出多少");
    const [answer] = await server.waitForMessages(alice.id, 1);

    engine.generation = "gen-2"; // documents reloaded since the button was made
    const stale = server.pressButton(alice, answer!, "查看原文");
    const forged = server.pressData(alice, answer!, "b:doesnotexist");
    const noise = server.pressData(alice, answer!, "x".repeat(64));
    await server.waitForCall("answerCallbackQuery", (c) => c.params.callback_query_id === noise.queryId);

    expect(server.callbackAnswer(stale.queryId)?.text).toBe("文档已经更新，请重新提问。");
    expect(server.callbackAnswer(forged.queryId)?.text).toBe("这个按钮已过期，请重新提问。");
    expect(server.callbackAnswer(noise.queryId)?.text).toBe("这个按钮已过期，请重新提问。");
    expect(server.sentMessages(alice.id)).toHaveLength(1); // no passage was sent
    expect(harness.logs.filter((l) => l.level >= 50)).toEqual([]);
  });
});
