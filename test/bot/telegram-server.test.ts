// The fake Bot API must enforce Telegram's rules, or the bot tests would prove nothing.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  parseTelegramHtml,
  privateChat,
  startTelegramServer,
  user,
  type ApiResult,
  type TelegramServer,
} from "../helpers/telegram-server.js";

let server: TelegramServer;
beforeEach(async () => {
  server = await startTelegramServer();
});
afterEach(async () => {
  await server.close();
});

const alice = user(7, "Alice");

async function call(
  method: string,
  body: unknown,
  encoding: "json" | "urlencoded" | "multipart" = "json",
): Promise<ApiResult> {
  const url = `${server.apiRoot}/bot${server.token}/${method}`;
  const params = Object.entries(body as Record<string, unknown>).map(
    ([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)] as [string, string],
  );
  const init: RequestInit =
    encoding === "json"
      ? { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }
      : encoding === "urlencoded"
        ? { method: "POST", body: new URLSearchParams(params) }
        : {
            method: "POST",
            body: params.reduce((form, [k, v]) => (form.append(k, v), form), new FormData()),
          };
  return (await fetch(url, init)).json() as Promise<ApiResult>;
}

describe("Telegram HTML", () => {
  it("accepts the supported tags and reports entities in UTF-16 offsets", () => {
    const parsed = parseTelegramHtml(
      '😀<b>预算 <i>1&amp;2</i></b>\n<blockquote>引文</blockquote><a href="https://x.y">链接</a>',
    );
    expect(parsed.text).toBe("😀预算 1&2\n引文链接");
    expect(parsed.entities).toEqual([
      { type: "bold", offset: 2, length: 6 },
      { type: "italic", offset: 5, length: 3 },
      { type: "blockquote", offset: 9, length: 2 },
      { type: "text_link", offset: 11, length: 2, url: "https://x.y" },
    ]);
  });

  it.each([
    ["<script>x</script>", /unsupported start tag "script"/],
    ["<b>x", /can't find end tag/],
    ["<b><i>x</b></i>", /unmatched end tag/],
    ["a & b", /unsupported HTML entity/],
    ["a &nbsp; b", /unsupported HTML entity/],
    ["1 < 2", /unsupported start tag/],
    ["2 > 1", /unexpected ">"/],
    ["<span>x</span>", /tg-spoiler/],
    ["<code><b>x</b></code>", /can't be nested/],
  ])("rejects %s", (html, error) => {
    expect(() => parseTelegramHtml(html)).toThrow(error);
  });
});

describe("Bot API methods", () => {
  it("checks the token, and knows only real methods", async () => {
    const wrong = await fetch(`${server.apiRoot}/bot1:nope/getMe`, { method: "POST" });
    expect(wrong.status).toBe(401);
    expect((await call("getMe", {})).result).toMatchObject({
      id: server.botUser.id,
      username: "budget_test_bot",
    });
    expect(await call("sendSomethingOdd", {})).toMatchObject({ ok: false, error_code: 404 });
  });

  it("reads JSON, urlencoded and multipart bodies alike", async () => {
    server.registerChat(privateChat(alice));
    for (const encoding of ["json", "urlencoded", "multipart"] as const) {
      const res = await call(
        "sendMessage",
        {
          chat_id: alice.id,
          text: `<b>${encoding}</b>`,
          parse_mode: "HTML",
          reply_markup: { inline_keyboard: [[{ text: "按钮", callback_data: "b:1" }]] },
        },
        encoding,
      );
      expect(res).toMatchObject({
        ok: true,
        result: { text: encoding, reply_markup: { inline_keyboard: [[{ callback_data: "b:1" }]] } },
      });
    }
    expect(server.calls.map((c) => c.encoding)).toEqual(["json", "urlencoded", "multipart"]);
  });

  it("enforces Telegram's limits on sendMessage", async () => {
    server.registerChat(privateChat(alice));
    const send = (extra: Record<string, unknown>) =>
      call("sendMessage", { chat_id: alice.id, text: "x", ...extra });
    expect(await call("sendMessage", { chat_id: 99, text: "x" })).toMatchObject({
      description: "Bad Request: chat not found",
    });
    expect(await send({ text: "  " })).toMatchObject({ description: "Bad Request: message text is empty" });
    expect(await send({ text: "字".repeat(4097) })).toMatchObject({
      description: "Bad Request: message is too long",
    });
    expect((await send({ text: `<b>${"字".repeat(4096)}</b>`, parse_mode: "HTML" })).ok).toBe(true); // counted after parsing
    expect(await send({ text: "<b>x", parse_mode: "HTML" })).toMatchObject({ error_code: 400 });
    expect(
      await send({ reply_markup: { inline_keyboard: [[{ text: "b", callback_data: "x".repeat(65) }]] } }),
    ).toMatchObject({ description: "Bad Request: BUTTON_DATA_INVALID" });
    expect(await send({ reply_parameters: { message_id: 12345 } })).toMatchObject({
      description: "Bad Request: message to be replied not found",
    });
    expect(
      (await send({ reply_parameters: { message_id: 12345, allow_sending_without_reply: true } })).ok,
    ).toBe(true);
  });

  it("long-polls getUpdates, honouring timeout, offset and limit", async () => {
    const started = Date.now();
    expect((await call("getUpdates", { timeout: 1 })).result).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);

    const waiting = call("getUpdates", { timeout: 10 });
    await new Promise((r) => setTimeout(r, 50));
    const first = server.sendText(privateChat(alice), alice, "一");
    const second = server.sendText(privateChat(alice), alice, "二");
    const got = (await waiting).result as Array<{ update_id: number }>;
    expect(got[0]!.update_id).toBe(first.updateId);

    expect(
      ((await call("getUpdates", { offset: first.updateId, limit: 1 })).result as unknown[]).length,
    ).toBe(1);
    const rest = (await call("getUpdates", { offset: first.updateId + 1 })).result as Array<{
      update_id: number;
    }>;
    expect(rest.map((u) => u.update_id)).toEqual([second.updateId]);
    expect(server.confirmedOffset).toBe(first.updateId + 1);
    expect(server.pendingUpdateIds).toEqual([second.updateId]);
  });

  it("fails on demand with a 429 and retry_after", async () => {
    server.failNext("getMe", {
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 5",
      parameters: { retry_after: 5 },
    });
    expect(await call("getMe", {})).toMatchObject({ error_code: 429, parameters: { retry_after: 5 } });
    expect((await call("getMe", {})).ok).toBe(true);
  });

  it("answers a callback query once", async () => {
    server.registerChat(privateChat(alice));
    const sent = (
      await call("sendMessage", {
        chat_id: alice.id,
        text: "x",
        reply_markup: { inline_keyboard: [[{ text: "按钮", callback_data: "d" }]] },
      })
    ).result as Parameters<TelegramServer["pressButton"]>[1];
    const { queryId } = server.pressButton(alice, sent, "按钮");
    expect((await call("answerCallbackQuery", { callback_query_id: queryId, text: "好" })).ok).toBe(true);
    expect((await call("answerCallbackQuery", { callback_query_id: queryId })).ok).toBe(false);
  });
});
