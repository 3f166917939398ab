// Nothing lost, nothing answered twice: the journal across crashes, 429 storms, stops and
// webhook redeliveries, against the fake Bot API server over real HTTP.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createBot } from "../../src/bot/bot.js";
import { startWebhook } from "../../src/bot/run.js";
import { privateChat, startTelegramServer, user, type SentMessage } from "../helpers/telegram-server.js";
import { answered, item, memoryLogger, scriptedEngine, startBotHarness, tempJournal } from "./harness.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Per chat, the questions its replies answer ("答：c3-q7" → "c3-q7"), checked against what was
 * asked: all answered, in order, and a repeat only right after itself (the reply in flight at a
 * kill). Returns the number of repeats per chat.
 */
function checkReplies(sent: SentMessage[], asked: Map<number, string[]>): Map<number, number> {
  const repeats = new Map<number, number>();
  for (const [chatId, questions] of asked) {
    const got = sent.filter((m) => m.chat.id === chatId).map((m) => m.text.replace(/^答：/, ""));
    const unique = got.filter((q, i) => i === 0 || q !== got[i - 1]);
    expect(unique, `chat ${chatId}`).toEqual(questions);
    repeats.set(chatId, got.length - unique.length);
  }
  return repeats;
}

describe("a bot process killed mid-burst (SIGKILL) and restarted", () => {
  it("answers every question of 1,000 from 50 chats, each chat in order, repeating at most the reply in flight per chat per kill", async () => {
    const server = await startTelegramServer();
    cleanups.push(() => server.close());
    const indexDir = mkdtempSync(join(tmpdir(), "crash-index-"));
    cleanups.push(() => rmSync(indexDir, { recursive: true, force: true }));
    const users = Array.from({ length: 50 }, (_, i) => user(7000 + i));
    let child: ChildProcess | undefined;
    cleanups.push(() => void child?.kill("SIGKILL"));
    let stderr = "";
    const start = () => {
      const proc = spawn(process.execPath, ["--import", "tsx", "test/bot/fixtures/echo-bot.ts"], {
        env: {
          ...process.env,
          TELEGRAM_BOT_TOKEN: server.token,
          TELEGRAM_API_ROOT: server.apiRoot,
          ALLOWED_CHAT_IDS: users.map((u) => u.id).join(","),
          ADMIN_USER_IDS: "",
          WEBHOOK_URL: "",
          INDEX_DIR: indexDir,
          LOG_LEVEL: "warn",
        },
        stdio: ["ignore", "ignore", "pipe"],
      });
      proc.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      return proc;
    };
    const polls = () => server.calls.filter((c) => c.method === "getUpdates").length;
    const killAt = async (replies: number) => {
      await server.waitUntil(
        () => (server.sentMessages().length >= replies ? true : undefined),
        30_000,
        `${replies} replies`,
      );
      const proc = child!;
      const exited = new Promise((resolve) => proc.once("exit", resolve));
      proc.kill("SIGKILL");
      await exited;
    };

    child = start();
    await server.waitUntil(() => (polls() > 0 ? true : undefined), 30_000, "the bot to poll");
    const asked = new Map<number, string[]>();
    for (let q = 0; q < 20; q++)
      for (const [c, u] of users.entries()) {
        const question = `c${c}-q${q}`;
        server.sendText(privateChat(u), u, question);
        asked.set(u.id, [...(asked.get(u.id) ?? []), question]);
      }

    await killAt(150); // early: most updates received, few answered
    const seen = polls();
    child = start();
    await server.waitUntil(() => (polls() > seen ? true : undefined), 30_000, "the restarted bot to poll");
    await killAt(600); // in the middle of the outbox
    child = start();
    await server.waitUntil(
      () => (new Set(server.sentMessages().map((m) => m.text)).size >= 1000 ? true : undefined),
      30_000,
      "every question answered",
    );
    await sleep(300); // anything sent twice would arrive now
    child.kill("SIGTERM");
    await new Promise((resolve) => child!.once("exit", resolve));

    const repeats = checkReplies(server.sentMessages(), asked);
    for (const [chatId, n] of repeats) expect(n, `repeats in chat ${chatId}`).toBeLessThanOrEqual(2);
    expect(stderr).not.toMatch(/"level":(50|60)/); // no error or fatal logged
  }, 60_000);
});

describe("a 429 storm", () => {
  it("loses nothing when retry_after exceeds the stop grace: the stop is prompt, the restart sends each reply once", async () => {
    const server = await startTelegramServer();
    cleanups.push(() => server.close());
    const { journal, dispose } = tempJournal();
    cleanups.push(dispose);
    const engine = scriptedEngine((q) => ({ status: "not_found", answers: [], reply: `答：${q}` }));
    const users = Array.from({ length: 5 }, (_, i) => user(8000 + i));
    const allowed = users.map((u) => u.id);
    server.storm("sendMessage", 60_000, 90); // Telegram says: wait 90 s

    const first = await startBotHarness({ server, journal, getEngine: () => engine, allowed });
    const asked = new Map<number, string[]>();
    for (let q = 0; q < 4; q++)
      for (const [c, u] of users.entries()) {
        server.sendText(privateChat(u), u, `c${c}-q${q}`);
        asked.set(u.id, [...(asked.get(u.id) ?? []), `c${c}-q${q}`]);
      }
    await server.waitUntil(
      () => (engine.asked.length === 20 ? true : undefined),
      10_000,
      "every question handled",
    );
    await server.waitUntil(
      () =>
        new Set(
          server.calls
            .filter((c) => c.method === "sendMessage" && c.response?.error_code === 429)
            .map((c) => c.params.chat_id),
        ).size === 5
          ? true
          : undefined,
      10_000,
      "each chat throttled",
    );
    const started = Date.now();
    await first.running.stop(); // default grace (25 s): nothing can be sent before it ends
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(server.sentMessages()).toEqual([]);
    expect((await journal.stats(Date.now())).pendingReplies).toBe(20);

    server.calm("sendMessage");
    // The restart happens after the 90 s Telegram asked for (the clock moves forward).
    const second = await startBotHarness({
      server,
      journal,
      getEngine: () => engine,
      allowed,
      now: () => Date.now() + 91_000,
    });
    cleanups.push(() => second.running.stop());
    await server.waitUntil(
      () => (server.sentMessages().length >= 20 ? true : undefined),
      10_000,
      "every reply sent",
    );
    await sleep(300);
    const repeats = checkReplies(server.sentMessages(), asked);
    expect([...repeats.values()].every((n) => n === 0)).toBe(true);
    expect(engine.asked).toHaveLength(20); // answered once, sent after the restart
  });

  it("a stop aborts a send hanging past the deadline; the reply stays queued and goes out once after a restart", async () => {
    const server = await startTelegramServer();
    cleanups.push(() => server.close());
    const { journal, dispose } = tempJournal();
    cleanups.push(dispose);
    const engine = scriptedEngine(() => answered([item()]));
    const bob = user(8100);
    const first = await startBotHarness({
      server,
      journal,
      getEngine: () => engine,
      allowed: [bob.id],
      stopTimeoutMs: 1_500,
    });
    const hung = server.holdNext("sendMessage");
    server.sendText(privateChat(bob), bob, "基本支出多少");
    await hung.arrived;
    const started = Date.now();
    await first.running.stop();
    expect(Date.now() - started).toBeLessThan(2_500);
    hung.release(); // the aborted request does not count (Telegram never got it)

    const second = await startBotHarness({ server, journal, getEngine: () => engine, allowed: [bob.id] });
    cleanups.push(() => second.running.stop());
    await server.waitForMessages(bob.id, 1);
    await sleep(300);
    expect(server.sentMessages(bob.id)).toHaveLength(1);
    expect(engine.asked).toHaveLength(1);
  });
});

describe("a bot that dies with updates in hand (halted) and a new bot on the same journal", () => {
  it("answers every update once: nothing handled twice, nothing lost", async () => {
    const server = await startTelegramServer();
    cleanups.push(() => server.close());
    const { journal, dispose } = tempJournal();
    cleanups.push(dispose);
    const engine = scriptedEngine((q) => ({ status: "not_found", answers: [], reply: `答：${q}` }));
    const users = Array.from({ length: 10 }, (_, i) => user(8200 + i));
    const allowed = users.map((u) => u.id);
    const first = await startBotHarness({ server, journal, getEngine: () => engine, allowed });
    const asked = new Map<number, string[]>();
    for (let q = 0; q < 20; q++)
      for (const [c, u] of users.entries()) {
        server.sendText(privateChat(u), u, `c${c}-q${q}`);
        asked.set(u.id, [...(asked.get(u.id) ?? []), `c${c}-q${q}`]);
      }
    await server.waitUntil(
      () => (server.sentMessages().length >= 40 ? true : undefined),
      10_000,
      "40 replies",
    );
    first.app.halt(); // as if the process died: nothing more handled, sent or recorded
    await first.running.stop();

    const second = await startBotHarness({ server, journal, getEngine: () => engine, allowed });
    cleanups.push(() => second.running.stop());
    await server.waitUntil(
      () => (new Set(server.sentMessages().map((m) => m.text)).size >= 200 ? true : undefined),
      10_000,
      "every question answered",
    );
    await sleep(200);
    const repeats = checkReplies(server.sentMessages(), asked);
    // Only a reply whose request was in flight at the halt may go out again: one per chat at most.
    for (const [chatId, n] of repeats) expect(n, `repeats in chat ${chatId}`).toBeLessThanOrEqual(1);
    const questions = engine.asked.map((a) => a.question);
    expect(new Set(questions).size).toBe(200);
  });
});

describe("two instances polling with one token", () => {
  it("the second one stops with a clear message and the running one keeps serving", async () => {
    const server = await startTelegramServer();
    cleanups.push(() => server.close());
    const engine = scriptedEngine(() => answered([item()]));
    const bob = user(8400);
    // The first has been running for a while (its start-up window is over).
    const first = await startBotHarness({
      server,
      getEngine: () => engine,
      allowed: [bob.id],
      conflictAtStartMs: 0,
    });
    cleanups.push(() => first.stop());
    await server.waitUntil(
      () => (server.calls.some((c) => c.method === "getUpdates") ? true : undefined),
      5_000,
      "poll",
    );
    const second = await startBotHarness({ server, getEngine: () => engine, allowed: [bob.id] });
    cleanups.push(() => second.stop());
    await expect(second.running.done).rejects.toThrow(/another instance is already polling with this token/);
    expect(second.logs.some((l) => l.level === 60 && /this one stops/.test(l.msg))).toBe(true);

    server.sendText(privateChat(bob), bob, "基本支出多少");
    const [reply] = await server.waitForMessages(bob.id, 1, { timeoutMs: 5_000 });
    expect(reply!.text).toContain("223.76 万元");
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
  it("refuses a body over 1 MB with 413 before parsing, keeps serving, and answers a duplicate update once", async () => {
    const server = await startTelegramServer();
    cleanups.push(() => server.close());
    const { journal, dispose } = tempJournal();
    cleanups.push(dispose);
    const engine = scriptedEngine(() => answered([item()]));
    const bob = user(8300);
    server.registerChat(privateChat(bob));
    const { logger, lines } = memoryLogger();
    const app = createBot({
      token: server.token,
      apiRoot: server.apiRoot,
      getEngine: () => engine,
      reload: () => Promise.reject(new Error("unused")),
      config: { ALLOWED_CHAT_IDS: [bob.id], ADMIN_USER_IDS: [] },
      journal,
      logger,
    });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hook`;
    const running = await startWebhook(app, { url, secret: "hook_secret", port, host: "127.0.0.1", logger });
    cleanups.push(() => running.stop());
    const post = (body: string) =>
      fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": "hook_secret" },
        body,
      });

    // 2 MB of valid-looking JSON: refused on its declared length, never parsed.
    const huge = JSON.stringify({ update_id: 1, message: { text: "x".repeat(2 * 1024 * 1024) } });
    const refused = await post(huge);
    expect(refused.status).toBe(413);
    expect(lines.some((l) => l.msg === "webhook body too large: refused")).toBe(true);

    const update = {
      update_id: 424242,
      message: { message_id: 1, date: 0, chat: privateChat(bob), from: bob, text: "基本支出多少" },
    };
    expect((await post(JSON.stringify(update))).status).toBe(200);
    expect((await post(JSON.stringify(update))).status).toBe(200); // Telegram delivering it again
    await server.waitForMessages(bob.id, 1);
    await sleep(300);
    expect(server.sentMessages(bob.id)).toHaveLength(1);
    expect(engine.asked).toHaveLength(1);
    expect(await journal.stateOf(424242)).toBe("sent");
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
