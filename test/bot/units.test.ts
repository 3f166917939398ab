import { describe, expect, it } from "vitest";
import { AccessPolicy } from "../../src/bot/access.js";
import { ButtonStore, type ButtonAction } from "../../src/bot/buttons.js";
import { openSqliteJournal } from "../../src/journal/index.js";
import { addressedText, cleanText, parseUpdate, type IncomingMessage } from "../../src/bot/updates.js";
import { escapeHtml } from "../../src/bot/html.js";

const pick = (question: string): ButtonAction => ({
  kind: "pick",
  question,
  doc: "d".repeat(200),
  label: "很长的单位名称".repeat(20),
  generation: "g",
});

describe("ButtonStore", () => {
  it("gives short callback_data whatever the action", async () => {
    const journal = openSqliteJournal(":memory:");
    const store = new ButtonStore(journal);
    const data = await Promise.all(["一", "二", "三", "四"].map((q) => store.put(pick(q))));
    for (const d of data) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(64);
    expect(new Set(data).size).toBe(4);
    expect(await store.get(data[3]!)).toMatchObject({ question: "四" });
    expect(await store.get("not-ours")).toBeUndefined();
    expect(await store.get("b:unknown")).toBeUndefined();
  });

  it("keeps a button for its whole 24 h however many answers come after it (not a small ring)", async () => {
    let now = 1_000;
    const journal = openSqliteJournal(":memory:");
    const store = new ButtonStore(journal, undefined, () => now);
    const first = await store.put(pick("一"));
    for (let i = 0; i < 6_000; i++) await store.put(pick(`问题${i}`));
    now += 24 * 60 * 60 * 1000 - 1;
    expect(await store.get(first)).toMatchObject({ question: "一" });
    now += 1;
    expect(await store.get(first)).toBeUndefined();
  });
});

describe("AccessPolicy", () => {
  it("refuses a chat at most once per interval, and says how to get allowed when closed", () => {
    let now = 0;
    const open = new AccessPolicy({ allowedChatIds: [1], adminUserIds: [9] }, 600_000, () => now);
    expect(open.isAllowedChat(1)).toBe(true);
    expect(open.isAllowedChat(2)).toBe(false);
    expect(open.isAdmin(9)).toBe(true);
    expect(open.isAdmin(undefined)).toBe(false);
    expect(open.refusalFor(2)).toContain("未获授权");
    now += 599_999;
    expect(open.refusalFor(2)).toBeNull();
    now += 1;
    expect(open.refusalFor(2)).not.toBeNull();

    const closed = new AccessPolicy({ allowedChatIds: [], adminUserIds: [] });
    expect(closed.isClosed).toBe(true);
    expect(closed.refusalFor(-100123)).toContain("<code>-100123</code>");
    expect(closed.refusalFor(-100123)).toBeNull();
  });
});

describe("addressedText", () => {
  const me = { id: 42, username: "Budget_Bot" };
  const group = { id: -5, type: "group" as const };
  const msg = (text: string, extra: Partial<IncomingMessage> = {}): IncomingMessage => ({
    message_id: 1,
    chat: group,
    text,
    ...extra,
  });

  it("reads commands, mentions (case-insensitive) and text mentions; ignores other bots' commands", () => {
    const cmd = (text: string, length: number) =>
      msg(text, { entities: [{ type: "bot_command", offset: 0, length }] });
    expect(addressedText(cmd("/ask@budget_bot 三公经费", 15), me)).toEqual({
      kind: "command",
      name: "ask",
      args: "三公经费",
      addressedToMe: true,
    });
    expect(addressedText(cmd("/ask@other_bot 三公经费", 14), me)).toEqual({ kind: "none" });
    expect(addressedText(cmd("/DOCS", 5), me)).toMatchObject({
      kind: "command",
      name: "docs",
      addressedToMe: false,
    });

    const mention = msg("请问 @BUDGET_BOT 基本支出多少", {
      entities: [{ type: "mention", offset: 3, length: 11 }],
    });
    expect(addressedText(mention, me)).toEqual({ kind: "text", text: "请问  基本支出多少" });
    const textMention = msg("预算助手 基本支出多少", {
      entities: [{ type: "text_mention", offset: 0, length: 4, user: { id: 42 } }],
    });
    expect(addressedText(textMention, me)).toEqual({ kind: "text", text: "预算助手 基本支出多少" });
    const otherMention = msg("@someone 基本支出多少", {
      entities: [{ type: "mention", offset: 0, length: 8 }],
    });
    expect(addressedText(otherMention, me)).toEqual({ kind: "none" });
  });

  it("takes replies to the bot in groups and every text in private", () => {
    expect(
      addressedText(msg("那项目支出呢", { reply_to_message: { message_id: 9, from: { id: 42 } } }), me),
    ).toEqual({
      kind: "text",
      text: "那项目支出呢",
    });
    expect(addressedText(msg("好的", { reply_to_message: { message_id: 9, from: { id: 7 } } }), me)).toEqual({
      kind: "none",
    });
    expect(addressedText(msg("基本支出", { chat: { id: 5, type: "private" } }), me)).toEqual({
      kind: "text",
      text: "基本支出",
    });
  });
});

describe("parseUpdate", () => {
  it("never throws, and tells malformed from uninteresting updates", () => {
    for (const raw of [null, 42, "x", [], {}, { update_id: "1" }, { update_id: 1, message: null }]) {
      expect(parseUpdate(raw).kind).toBe("malformed");
    }
    expect(parseUpdate({ update_id: 1, edited_message: {} }).kind).toBe("other");
    expect(
      parseUpdate({ update_id: 1, message: { message_id: 2, chat: { id: 3, type: "private" } } }).kind,
    ).toBe("message");
  });
});

describe("echoed text", () => {
  it("loses control characters and lone surrogates, keeps emoji, newlines and Chinese (regression: NUL echoed back)", () => {
    expect(cleanText("三公\u0000经费\u0007多少\ud800？\udc00\n😀")).toBe("三公经费多少？\n😀");
    expect(escapeHtml("a\u0000<b>\ud83d & 😀")).toBe("a&lt;b&gt; &amp; 😀");
    const me = { id: 42, username: "Budget_Bot" };
    const message = {
      message_id: 1,
      chat: { id: 7, type: "private" as const },
      text: "\u0000基本支出\udfff多少",
    } satisfies IncomingMessage;
    expect(addressedText(message, me)).toEqual({ kind: "text", text: "基本支出多少" });
  });
});
