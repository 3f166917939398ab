// The SQLite journal: what the bot relies on (see src/journal/types.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { journalPath } from "../../src/bot/start.js";
import { loadConfig } from "../../src/config/env.js";
import { journalFileOf, localDay, openSqliteJournal, type SqliteJournal } from "../../src/journal/index.js";
import { SCHEMA_VERSION } from "../../src/journal/sqlite.js";

const dirs: string[] = [];
const open: SqliteJournal[] = [];
afterEach(async () => {
  for (const j of open.splice(0)) await j.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function journalFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "journal-"));
  dirs.push(dir);
  return join(dir, "journal.sqlite");
}
function openAt(path: string): SqliteJournal {
  const j = openSqliteJournal(path);
  open.push(j);
  return j;
}
const update = (updateId: number, chatKey: string | null = "1") => ({
  updateId,
  chatKey,
  raw: { update_id: updateId },
});
const DAY = 24 * 60 * 60 * 1000;

describe("the SQLite journal", () => {
  it("records each update_id once, across reopening the file", async () => {
    const path = journalFile();
    const a = openAt(path);
    expect((await a.receive([update(1), update(2)], 1000)).map((u) => u.updateId)).toEqual([1, 2]);
    expect((await a.receive([update(2), update(3)], 1000)).map((u) => u.updateId)).toEqual([3]);
    await a.close();
    const b = openAt(path);
    expect(await b.receive([update(1), update(3)], 2000)).toEqual([]);
    expect((await b.unanswered()).map((u) => u.updateId)).toEqual([1, 2, 3]);
    expect((await b.unanswered())[0]!.raw).toEqual({ update_id: 1 });
  });

  it("moves an update received → answered → sent as its replies go out; a reply is queued once per position", async () => {
    const j = openAt(journalFile());
    await j.receive([update(10)], 0);
    const entry = {
      updateId: 10,
      seq: 0,
      chatKey: "1",
      method: "sendMessage" as const,
      payload: { text: "a" },
    };
    const first = await j.enqueue(entry, 5);
    expect(first).toMatchObject({ updateId: 10, seq: 0, attempts: 0, notBefore: 5, payload: { text: "a" } });
    expect(await j.enqueue(entry, 6)).toBeNull(); // handled again after a crash: not queued twice
    const second = await j.enqueue({ ...entry, seq: 1, payload: { text: "b" } }, 6);
    expect(await j.stateOf(10)).toBe("received");
    await j.answered(10, null, 7);
    expect(await j.stateOf(10)).toBe("answered");
    expect((await j.unanswered()).length).toBe(0);

    await j.retryLater(first!.id, 90_000, "429");
    expect((await j.pending()).map((m) => [m.seq, m.attempts, m.notBefore])).toEqual([
      [0, 1, 90_000],
      [1, 0, 6],
    ]);
    await j.sent(first!.id, 91_000);
    expect(await j.stateOf(10)).toBe("answered");
    await j.dropped(second!.id, "403: blocked", 91_000);
    expect(await j.stateOf(10)).toBe("sent");
    expect(await j.pending()).toEqual([]);
  });

  it("keeps buttons until they expire", async () => {
    const j = openAt(journalFile());
    await j.putButton("abc", { kind: "pick", doc: "d" }, 1000);
    expect(await j.getButton("abc", 999)).toEqual({ kind: "pick", doc: "d" });
    expect(await j.getButton("abc", 1000)).toBeUndefined();
    expect(await j.getButton("nope", 0)).toBeUndefined();
  });

  it("counts questions per day and lists the most frequent unanswered ones", async () => {
    const j = openAt(journalFile());
    const now = new Date(2026, 10, 20, 12).getTime();
    const ask = async (
      id: number,
      question: string,
      status: "answered" | "not_found" | "ambiguous",
      at: number,
    ) => {
      await j.receive([update(id)], at);
      await j.answered(id, { question, status, chatId: 1, userId: 2 }, at);
    };
    await ask(1, "三公经费多少", "answered", now - DAY);
    await ask(2, "培训费多少", "not_found", now - DAY);
    await ask(3, "培训费多少", "not_found", now);
    await ask(4, "哪个单位", "ambiguous", now);
    await ask(5, "会议费", "not_found", now);
    await ask(6, "很久以前", "not_found", now - 30 * DAY);
    const stats = await j.stats(now);
    expect(stats.days).toEqual([
      { day: localDay(now - DAY), questions: 2, answered: 1, notFound: 1, ambiguous: 0, errors: 0 },
      { day: localDay(now), questions: 3, answered: 0, notFound: 2, ambiguous: 1, errors: 0 },
    ]);
    expect(stats.unanswered).toEqual([
      { question: "培训费多少", count: 2 },
      { question: "会议费", count: 1 },
    ]);
  });

  it("prunes sent updates after a week and expired buttons, never what is still to do", async () => {
    const j = openAt(journalFile());
    await j.receive([update(1), update(2)], 0);
    await j.answered(1, null, 0); // no replies: sent at once
    await j.enqueue({ updateId: 2, seq: 0, chatKey: "1", method: "sendMessage", payload: {} }, 0);
    await j.answered(2, null, 0);
    await j.putButton("old", {}, 10);
    await j.prune(8 * DAY);
    expect(await j.stateOf(1)).toBeUndefined();
    expect(await j.stateOf(2)).toBe("answered");
    expect((await j.pending()).length).toBe(1);
    expect(await j.getButton("old", 0)).toBeUndefined();
  });

  it("logs questions asked outside Telegram with their channel, counted per channel", async () => {
    const j = openAt(journalFile());
    const now = new Date(2026, 10, 20, 12).getTime();
    await j.receive([update(1), update(2)], now);
    await j.answered(1, { question: "培训费多少", status: "not_found", chatId: 1 }, now);
    await j.answered(1, { question: "培训费多少", status: "not_found", chatId: 1 }, now); // again: logged once
    await j.answered(2, { question: "三公经费", status: "answered", chatId: 1 }, now);
    await j.logQuestion({ channel: "web", question: "培训费多少", status: "not_found" }, now);
    await j.logQuestion({ channel: "web", question: "哪个单位", status: "ambiguous" }, now - DAY);
    await j.logQuestion({ channel: "web", question: "长".repeat(600), status: "error" }, now);
    const stats = await j.stats(now);
    expect(stats.days).toEqual([
      { day: localDay(now - DAY), questions: 1, answered: 0, notFound: 0, ambiguous: 1, errors: 0 },
      { day: localDay(now), questions: 4, answered: 1, notFound: 2, ambiguous: 0, errors: 1 },
    ]);
    expect(stats.channels).toEqual([
      { channel: "telegram", questions: 2, answered: 1, notFound: 1, ambiguous: 0, errors: 0 },
      { channel: "web", questions: 3, answered: 0, notFound: 1, ambiguous: 1, errors: 1 },
    ]);
    // The bot's and the help desk's unanswered questions are counted together.
    expect(stats.unanswered).toEqual([{ question: "培训费多少", count: 2 }]);
    await j.prune(now + 91 * DAY);
    expect((await j.stats(now + 91 * DAY)).channels).toEqual([]);
  });

  it("migrates a journal written before the questions log had channels, keeping what it holds", async () => {
    const path = journalFile();
    const now = new Date(2026, 10, 20, 12).getTime();
    // The first schema, as journals were written before versioning (user_version 0).
    const old = new Database(path);
    old.pragma("journal_mode = WAL");
    old.exec(`
      CREATE TABLE updates (update_id INTEGER PRIMARY KEY, chat_key TEXT, raw TEXT,
        state TEXT NOT NULL CHECK (state IN ('received','answered','sent')), received_at INTEGER NOT NULL,
        answered_at INTEGER, sent_at INTEGER);
      CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, update_id INTEGER, seq INTEGER NOT NULL,
        chat_key TEXT NOT NULL, method TEXT NOT NULL, payload TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending','sent','dropped')), created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0, not_before INTEGER NOT NULL, last_error TEXT, done_at INTEGER,
        UNIQUE (update_id, seq));
      CREATE TABLE questions (update_id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL, user_id INTEGER,
        question TEXT NOT NULL, status TEXT NOT NULL, day TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE INDEX questions_day ON questions(day);
      CREATE TABLE buttons (id TEXT PRIMARY KEY, action TEXT NOT NULL, expires_at INTEGER NOT NULL);
    `);
    old
      .prepare("INSERT INTO updates VALUES (7, '1', '{\"update_id\":7}', 'received', ?, NULL, NULL)")
      .run(now);
    old.prepare("INSERT INTO updates VALUES (5, '1', '{}', 'sent', ?, ?, ?)").run(now, now, now);
    old
      .prepare(
        "INSERT INTO outbox (update_id, seq, chat_key, method, payload, state, created_at, not_before) VALUES (6, 0, '1', 'sendMessage', '{\"text\":\"a\"}', 'pending', ?, ?)",
      )
      .run(now, now);
    old
      .prepare("INSERT INTO questions VALUES (5, 1, 2, '会议费', 'not_found', ?, ?)")
      .run(localDay(now), now);
    old.prepare("INSERT INTO buttons VALUES ('b', '{\"kind\":\"pick\"}', ?)").run(now + DAY);
    old.close();

    const j = openAt(path);
    expect((await j.unanswered()).map((u) => u.raw)).toEqual([{ update_id: 7 }]);
    expect((await j.pending()).map((m) => m.payload)).toEqual([{ text: "a" }]);
    expect(await j.getButton("b", now)).toEqual({ kind: "pick" });
    await j.answered(5, { question: "会议费", status: "not_found", chatId: 1 }, now); // seen: not logged twice
    await j.logQuestion({ channel: "web", question: "会议费", status: "not_found" }, now);
    const stats = await j.stats(now);
    expect(stats.channels.map((c) => [c.channel, c.questions])).toEqual([
      ["telegram", 1],
      ["web", 1],
    ]);
    expect(stats.unanswered).toEqual([{ question: "会议费", count: 2 }]);
    await j.close();

    // Opened again (the bot and the help desk both open it): migrated once, nothing lost.
    const again = openAt(path);
    expect((await again.stats(now)).unanswered).toEqual([{ question: "会议费", count: 2 }]);
    const db = new Database(path, { readonly: true });
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it("is the same file for the bot and the help desk", () => {
    for (const env of [{ INDEX_DIR: "idx" }, { INDEX_DIR: "idx", JOURNAL_FILE: "/var/lib/qa/journal.db" }]) {
      const config = loadConfig(env);
      expect(journalFileOf(config)).toBe(journalPath(config));
    }
    expect(journalFileOf(loadConfig({ INDEX_DIR: "idx" }))).toBe(join("idx", "journal.sqlite"));
  });
});
