// Start-up, rate limits, admin commands, graceful stop and webhook mode.
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { IngestReport } from "../../src/engine/index.js";
import { createBot } from "../../src/bot/bot.js";
import { startWebhook } from "../../src/bot/run.js";
import {
  groupChat,
  privateChat,
  startTelegramServer,
  user,
  type TelegramServer,
} from "../helpers/telegram-server.js";
import {
  answered,
  DOCS,
  item,
  memoryLogger,
  scriptedEngine,
  startBotHarness,
  tempJournal,
  type BotHarness,
} from "./harness.js";
import { localDay, type Journal } from "../../src/journal/index.js";

const admin = user(1001, "Admin");
const bob = user(1002, "Bob");
const stranger = user(2002, "Mallory");
const group = groupChat(-100500);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
async function harnessFor(options: Parameters<typeof startBotHarness>[0]): Promise<BotHarness> {
  const h = await startBotHarness(options);
  cleanups.push(() => h.stop());
  return h;
}
/** A fresh journal, closed and removed after the test. */
function journalFor(): Journal {
  const j = tempJournal();
  cleanups.push(j.dispose);
  return j.journal;
}
async function fakeTelegram(): Promise<TelegramServer> {
  const server = await startTelegramServer();
  cleanups.push(() => server.close());
  return server;
}

const report: IngestReport = {
  documents: DOCS.map((d) => ({
    ...d,
    format: "txt" as const,
    pageCount: 0,
    tables: [
      {
        title: "收入支出决算总表",
        number: null,
        unit: "万元",
        rows: 30,
        columns: 6,
        present: true,
        empty: false,
        pages: [],
        checks: { run: 0, failed: 0 },
      },
    ],
    sections: 12,
    sentences: 340,
    warnings: [],
  })),
  failed: [{ file: "broken.pdf.txt", reason: "binary file" }],
};

describe("start-up", () => {
  it("registers the Chinese command menu, with /reload and /stats for admins only", async () => {
    const server = await fakeTelegram();
    server.registerChat(privateChat(admin)); // the admin has talked to the bot before
    const engine = scriptedEngine(() => answered([item()]));
    await harnessFor({ server, getEngine: () => engine, allowed: [admin.id], admins: [admin.id, 4242] });

    const names = (scope: string) => server.commands.get(scope)?.map((c) => c.command);
    expect(names("default")).toEqual(["start", "help", "ask", "docs"]);
    expect(names(`chat:${admin.id}`)).toEqual(["start", "help", "ask", "docs", "reload", "stats"]);
    expect(server.commands.has("chat:4242")).toBe(false); // unknown chat: logged, not fatal
    for (const c of server.commands.get("default")!) expect(c.description).toMatch(/[\u4e00-\u9fff]/);
    expect(server.calls.find((c) => c.method === "deleteWebhook")).toBeDefined();
  });
});

describe("rate limits", () => {
  it("waits out a 429 retry_after and sends the answer once", async () => {
    const server = await fakeTelegram();
    const engine = scriptedEngine(() => answered([item()]));
    await harnessFor({ server, getEngine: () => engine, allowed: [bob.id] });
    server.failNext("sendMessage", {
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 1",
      parameters: { retry_after: 1 },
    });

    server.sendText(privateChat(bob), bob, "基本支出多少");
    const [reply] = await server.waitForMessages(bob.id, 1);

    const attempts = server.calls.filter((c) => c.method === "sendMessage");
    expect(attempts.map((c) => c.response?.ok)).toEqual([false, true]);
    expect(attempts[1]!.receivedAt - attempts[0]!.receivedAt).toBeGreaterThanOrEqual(950);
    expect(reply!.text).toContain("223.76 万元");
  });

  it("keeps a reply through a retry_after far above 60 s, serves other chats meanwhile, and sends it once later", async () => {
    const server = await fakeTelegram();
    const engine = scriptedEngine(() => answered([item()]));
    let skew = 0;
    const h = await harnessFor({
      server,
      getEngine: () => engine,
      allowed: [bob.id, group.id],
      now: () => Date.now() + skew,
    });
    server.failNext("sendMessage", {
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 3600",
      parameters: { retry_after: 3600 },
    });
    server.sendText(privateChat(bob), bob, "基本支出多少");
    await server.waitForCall("sendMessage", (c) => c.response?.error_code === 429);
    server.sendText(group, bob, "/ask 基本支出多少");
    await server.waitForMessages(group.id, 1);
    await sleep(300);
    expect(server.sentMessages(bob.id)).toEqual([]);
    expect((await h.journal.stats(Date.now())).pendingReplies).toBe(1); // kept, not dropped

    skew = 3_601_000; // an hour later
    const [reply] = await server.waitForMessages(bob.id, 1, { timeoutMs: 5_000 });
    expect(reply!.text).toContain("223.76 万元");
    await sleep(200);
    expect(server.sentMessages(bob.id)).toHaveLength(1);
    expect((await h.journal.stats(Date.now())).pendingReplies).toBe(0);
  });
});

describe("admin commands", () => {
  it("/reload swaps the engine for an admin, refuses others, and invalidates old buttons", async () => {
    const before = scriptedEngine(() => answered([item()]), {}, "gen-1");
    const after = scriptedEngine(() => answered([item({ value: "230.00" })]), {}, "gen-2");
    let current = before;
    let reloads = 0;
    const server = await fakeTelegram();
    await harnessFor({
      server,
      getEngine: () => current,
      reload: async () => {
        reloads++;
        current = after;
        return report;
      },
      allowed: [admin.id, bob.id],
      admins: [admin.id],
    });
    const adminChat = privateChat(admin);

    server.sendText(adminChat, admin, "基本支出多少");
    const [oldAnswer] = await server.waitForMessages(admin.id, 1);

    server.sendText(privateChat(bob), bob, "/reload");
    const [refused] = await server.waitForMessages(bob.id, 1);
    expect(refused!.text).toBe("此命令仅限管理员使用。");
    server.sendText(privateChat(stranger), stranger, "/reload");
    const [refusedStranger] = await server.waitForMessages(stranger.id, 1);
    expect(refusedStranger!.text).toContain("未获授权");
    expect(reloads).toBe(0);

    let mark = server.mark;
    server.sendText(adminChat, admin, "/reload");
    const [started, summary] = await server.waitForMessages(admin.id, 2, { since: mark });
    expect(reloads).toBe(1);
    expect(started!.text).toBe("正在重新加载文档，请稍候…");
    expect(summary!.text).toMatch(/^重新加载完成（\d+\.\d 秒）：2 份文档，1 个文件无法读取。/);
    expect(summary!.text).toContain("• 焦作示范区工信局 · 2022年 · 部门决算：1 张表，12 个章节");
    expect(summary!.text).toContain("✗ broken.pdf.txt：binary file");

    mark = server.mark;
    server.sendText(adminChat, admin, "基本支出多少");
    const [fresh] = await server.waitForMessages(admin.id, 1, { since: mark });
    expect(fresh!.text).toContain("230.00 万元");

    const { queryId } = server.pressButton(admin, oldAnswer!, "查看原文");
    await server.waitForCall("answerCallbackQuery", (c) => c.params.callback_query_id === queryId);
    expect(server.callbackAnswer(queryId)?.text).toBe("文档已经更新，请重新提问。");
  });

  it("/reload reports a failure and keeps the old engine; a second /reload meanwhile is told to wait", async () => {
    const engine = scriptedEngine(() => answered([item()]));
    let failReload!: (err: Error) => void;
    const server = await fakeTelegram();
    await harnessFor({
      server,
      getEngine: () => engine,
      reload: () => new Promise<IngestReport>((_, reject) => (failReload = reject)),
      allowed: [admin.id, group.id],
      admins: [admin.id],
    });
    server.sendText(privateChat(admin), admin, "/reload");
    await server.waitForMessages(admin.id, 1);
    server.sendText(group, admin, `/reload@${server.botUser.username}`);
    const [busy] = await server.waitForMessages(group.id, 1);
    expect(busy!.text).toBe("已有一次重新加载正在进行，请稍后再试。");

    failReload(new Error("DOCS_DIR <missing>"));
    const [, failed] = await server.waitForMessages(admin.id, 2);
    expect(failed!.text).toBe("重新加载失败，仍在使用原来的文档：DOCS_DIR <missing>");
    expect(engine.generation).toBe("gen-1");
  });

  it("/stats shows the questions log from the journal to an admin only", async () => {
    const engine = scriptedEngine((q) =>
      q.includes("培训费") ? { status: "not_found", answers: [], reply: "没有找到。" } : answered([item()]),
    );
    const server = await fakeTelegram();
    await harnessFor({ server, getEngine: () => engine, allowed: [admin.id, bob.id], admins: [admin.id] });
    server.sendText(privateChat(bob), bob, "基本支出多少");
    server.sendText(privateChat(bob), bob, "培训费多少");
    server.sendText(privateChat(bob), bob, "培训费多少");
    server.sendText(privateChat(bob), bob, "会议费培训费");
    server.sendText(privateChat(bob), bob, "/stats");
    const replies = await server.waitForMessages(bob.id, 5);
    expect(replies[4]!.text).toBe("此命令仅限管理员使用。");

    server.sendText(privateChat(admin), admin, "/stats");
    const [stats] = await server.waitForMessages(admin.id, 1);
    const today = localDay(Date.now());
    expect(stats!.text).toContain("问答统计（近 7 天，共 4 个问题）");
    expect(stats!.text).toContain(`${today}：4 问（已回答 1，未找到 3，反问 0）`);
    expect(stats!.text).toContain("1. 培训费多少（2 次）\n2. 会议费培训费（1 次）");
    expect(stats!.text).toContain("文档：2 份，已在内存 2 份（版本 gen-1）");
  });
});

describe("concurrency", () => {
  it("handles chats concurrently but delivers each chat's answers in order, one request at a time", async () => {
    const server = await fakeTelegram();
    const engine = scriptedEngine((q) => answered([item({ label: q })]));
    await harnessFor({ server, getEngine: () => engine, allowed: [bob.id, admin.id] });

    const slow = server.holdNext("sendMessage"); // bob's first answer is stuck on its way
    server.sendText(privateChat(bob), bob, "问题一");
    await slow.arrived;
    server.sendText(privateChat(bob), bob, "问题二");
    server.sendText(privateChat(admin), admin, "别的对话");
    await server.waitForMessages(admin.id, 1); // another chat is not blocked…
    await sleep(100);
    // …bob's second question is answered (queued in the outbox) but not sent past the first.
    expect(engine.asked.map((a) => a.question)).toContain("问题二");
    expect(
      server.calls.filter((c) => c.method === "sendMessage" && c.params.chat_id === bob.id),
    ).toHaveLength(1);

    slow.release();
    const answers = await server.waitForMessages(bob.id, 2);
    expect(answers.map((m) => m.text.split("：")[0])).toEqual(["问题一", "问题二"]);
  });
});

describe("graceful stop", () => {
  it("finishes the update in hand, confirms it, and a restarted bot does not answer it again", async () => {
    const server = await fakeTelegram();
    const engine = scriptedEngine((q) => answered([item({ label: q })]));
    const first = await startBotHarness({ server, getEngine: () => engine, allowed: [bob.id] });
    const chat = privateChat(bob);

    await server.waitUntil(
      () => (server.calls.some((c) => c.method === "getUpdates") ? true : undefined),
      2_000,
      "poll",
    );
    // The runner confirms a batch with its next poll; hold that poll so it never gets through.
    const nextPoll = server.holdNext("getUpdates");
    const answer = server.holdNext("sendMessage");
    const { updateId } = server.sendText(chat, bob, "基本支出多少");
    await nextPoll.arrived;
    await answer.arrived; // the answer is on its way when the stop is requested
    let stopped = false;
    const stopping = first.running.stop().then(() => (stopped = true));
    await sleep(300);
    expect(stopped).toBe(false);
    answer.release();
    await stopping;
    await first.running.done;
    nextPoll.release(); // aborted by the stop: it must not count

    expect(server.sentMessages(bob.id)).toHaveLength(1);
    expect(server.confirmedOffset).toBe(updateId + 1);
    const callsAfterStop = server.mark;
    await sleep(100);
    expect(server.mark).toBe(callsAfterStop); // no polling after stop

    server.sendText(chat, bob, "项目支出多少"); // arrives while the bot is down
    const second = await startBotHarness({ server, getEngine: () => engine, allowed: [bob.id] });
    cleanups.push(() => second.stop());
    await server.waitForMessages(bob.id, 2);
    await sleep(150);
    expect(engine.asked.map((a) => a.question)).toEqual(["基本支出多少", "项目支出多少"]);
    expect(server.sentMessages(bob.id)).toHaveLength(2);
  });

  it("stops promptly while idle in a long poll", async () => {
    const server = await fakeTelegram();
    const engine = scriptedEngine(() => answered([item()]));
    const h = await startBotHarness({ server, getEngine: () => engine, allowed: [bob.id] });
    await server.waitUntil(
      () => (server.calls.some((c) => c.method === "getUpdates") ? true : undefined),
      2_000,
      "poll",
    );
    const started = Date.now();
    await h.running.stop();
    await h.running.done;
    expect(Date.now() - started).toBeLessThan(1_000); // the 5 s long poll was aborted
  });
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe("webhook mode", () => {
  it("registers the webhook with its secret, answers delivered updates, and rejects a wrong secret", async () => {
    const server = await fakeTelegram();
    const engine = scriptedEngine(() => answered([item()]));
    const { logger } = memoryLogger();
    const app = createBot({
      token: server.token,
      apiRoot: server.apiRoot,
      getEngine: () => engine,
      reload: () => Promise.reject(new Error("unused")),
      config: { ALLOWED_CHAT_IDS: [bob.id], ADMIN_USER_IDS: [] },
      journal: journalFor(),
      logger,
    });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/telegram/hook`;
    const running = await startWebhook(app, { url, secret: "s3cret_token", port, host: "127.0.0.1", logger });
    cleanups.push(() => running.stop());

    expect(server.webhook).toEqual({
      url,
      secret: "s3cret_token",
      allowed_updates: ["message", "callback_query"],
    });
    const { updateId } = server.sendText(privateChat(bob), bob, "基本支出多少");
    const [reply] = await server.waitForMessages(bob.id, 1);
    expect(reply!.text).toContain("223.76 万元");
    await server.waitUntil(
      () => (server.confirmedOffset > updateId ? true : undefined),
      2_000,
      "webhook confirmed",
    );

    const forged = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "wrong" },
      body: JSON.stringify({
        update_id: 999,
        message: { message_id: 1, date: 0, chat: privateChat(bob), from: bob, text: "基本支出多少" },
      }),
    });
    expect(forged.status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/other`, { method: "POST" })).status).toBe(404);
    expect(engine.asked).toHaveLength(1);
    expect(server.calls.some((c) => c.method === "getUpdates")).toBe(false);

    await running.stop();
    await running.done;
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
