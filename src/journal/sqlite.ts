// The journal in SQLite (better-sqlite3), one file in the index folder. WAL mode; the commit that
// records received updates is synced to disk (synchronous=FULL) before Telegram is told they
// arrived; later commits (replies queued, sent) use synchronous=NORMAL: losing one of those to a
// power cut means an update handled again or a reply sent again, never one lost.
// The schema is versioned (PRAGMA user_version) and migrated when a file is opened, so a journal
// written by an earlier version keeps its updates, replies, buttons and questions.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import {
  MAX_LOGGED_QUESTION,
  QUESTION_CHANNELS,
  type ChannelStats,
  type DayStats,
  type Journal,
  type JournalStats,
  type JournalUpdate,
  type LoggedQuestion,
  type OutboxEntry,
  type OutboxMessage,
  type QuestionOutcome,
  type UpdateState,
} from "./types.js";

/** Version 1: the first schema (files written before versioning have user_version 0 and these tables). */
const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS updates (
  update_id   INTEGER PRIMARY KEY,
  chat_key    TEXT,
  raw         TEXT,
  state       TEXT NOT NULL CHECK (state IN ('received','answered','sent')),
  received_at INTEGER NOT NULL,
  answered_at INTEGER,
  sent_at     INTEGER
);
CREATE INDEX IF NOT EXISTS updates_state ON updates(state, update_id);
CREATE TABLE IF NOT EXISTS outbox (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  update_id   INTEGER,
  seq         INTEGER NOT NULL,
  chat_key    TEXT NOT NULL,
  method      TEXT NOT NULL,
  payload     TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('pending','sent','dropped')),
  created_at  INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  not_before  INTEGER NOT NULL,
  last_error  TEXT,
  done_at     INTEGER,
  UNIQUE (update_id, seq)
);
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox(state, id);
CREATE TABLE IF NOT EXISTS questions (
  update_id   INTEGER PRIMARY KEY,
  chat_id     INTEGER NOT NULL,
  user_id     INTEGER,
  question    TEXT NOT NULL,
  status      TEXT NOT NULL,
  day         TEXT NOT NULL,
  at          INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS questions_day ON questions(day);
CREATE TABLE IF NOT EXISTS buttons (
  id          TEXT PRIMARY KEY,
  action      TEXT NOT NULL,
  expires_at  INTEGER NOT NULL
);
`;

/**
 * Version 2: the questions log holds every channel. Telegram questions keep their update_id
 * (unique, so an update handled again is logged once); questions of the help desk have none.
 */
const SCHEMA_V2 = `
CREATE TABLE questions_v2 (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  channel     TEXT NOT NULL DEFAULT 'telegram',
  update_id   INTEGER UNIQUE,
  chat_id     INTEGER,
  user_id     INTEGER,
  question    TEXT NOT NULL,
  status      TEXT NOT NULL,
  day         TEXT NOT NULL,
  at          INTEGER NOT NULL
);
INSERT INTO questions_v2 (channel, update_id, chat_id, user_id, question, status, day, at)
  SELECT 'telegram', update_id, chat_id, user_id, question, status, day, at FROM questions
  ORDER BY at, update_id;
DROP TABLE questions;
ALTER TABLE questions_v2 RENAME TO questions;
CREATE INDEX questions_day ON questions(day);
CREATE INDEX questions_at ON questions(at);
`;

/** Migrations in order: MIGRATIONS[i] takes a file from user_version i to i + 1. */
const MIGRATIONS = [SCHEMA_V1, SCHEMA_V2];
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the file to SCHEMA_VERSION, one migration per transaction. BEGIN IMMEDIATE and the version
 * read inside it: a bot and a help desk opening the same old file at once migrate it once.
 */
function migrate(db: Database.Database): void {
  const version = () => db.pragma("user_version", { simple: true }) as number;
  while (version() < SCHEMA_VERSION) {
    db.transaction(() => {
      const from = version();
      if (from >= SCHEMA_VERSION) return;
      db.exec(MIGRATIONS[from]!);
      db.pragma(`user_version = ${from + 1}`);
    }).immediate();
  }
}

const DAY_MS = 24 * 60 * 60 * 1000;
/** Sent updates are kept this long to recognise a late duplicate delivery. */
const KEEP_UPDATES_MS = 7 * DAY_MS;
const KEEP_QUESTIONS_MS = 90 * DAY_MS;

interface OutboxRow {
  id: number;
  update_id: number | null;
  seq: number;
  chat_key: string;
  method: OutboxMessage["method"];
  payload: string;
  created_at: number;
  attempts: number;
  not_before: number;
}

const toMessage = (r: OutboxRow): OutboxMessage => ({
  id: r.id,
  updateId: r.update_id,
  seq: r.seq,
  chatKey: r.chat_key,
  method: r.method,
  payload: JSON.parse(r.payload) as Record<string, unknown>,
  createdAt: r.created_at,
  attempts: r.attempts,
  notBefore: r.not_before,
});

/** Local calendar day of a time, YYYY-MM-DD. */
export function localDay(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export class SqliteJournal implements Journal {
  private readonly db: Database.Database;
  private readonly stmt;

  constructor(readonly path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    migrate(this.db);
    const db = this.db;
    this.stmt = {
      insertUpdate: db.prepare(
        "INSERT INTO updates (update_id, chat_key, raw, state, received_at) VALUES (?, ?, ?, 'received', ?) ON CONFLICT DO NOTHING",
      ),
      unanswered: db.prepare(
        "SELECT update_id, chat_key, raw, received_at FROM updates WHERE state = 'received' ORDER BY update_id",
      ),
      stateOf: db.prepare("SELECT state FROM updates WHERE update_id = ?"),
      enqueue: db.prepare(
        `INSERT INTO outbox (update_id, seq, chat_key, method, payload, state, created_at, not_before)
         VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING`,
      ),
      outboxRow: db.prepare("SELECT * FROM outbox WHERE id = ?"),
      answered: db.prepare(
        "UPDATE updates SET state = 'answered', answered_at = ? WHERE update_id = ? AND state = 'received'",
      ),
      question: db.prepare(
        `INSERT INTO questions (channel, update_id, chat_id, user_id, question, status, day, at)
         VALUES ('telegram', ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      ),
      logQuestion: db.prepare(
        "INSERT INTO questions (channel, question, status, day, at) VALUES (?, ?, ?, ?, ?)",
      ),
      settle: db.prepare(
        `UPDATE updates SET state = 'sent', sent_at = ? WHERE update_id = ? AND state = 'answered'
         AND NOT EXISTS (SELECT 1 FROM outbox WHERE update_id = ? AND state = 'pending')`,
      ),
      pending: db.prepare("SELECT * FROM outbox WHERE state = 'pending' ORDER BY id"),
      updateOf: db.prepare("SELECT update_id FROM outbox WHERE id = ?"),
      sent: db.prepare(
        "UPDATE outbox SET state = 'sent', attempts = attempts + 1, done_at = ? WHERE id = ? AND state = 'pending'",
      ),
      retry: db.prepare(
        "UPDATE outbox SET attempts = attempts + 1, not_before = ?, last_error = ? WHERE id = ? AND state = 'pending'",
      ),
      dropped: db.prepare(
        "UPDATE outbox SET state = 'dropped', last_error = ?, done_at = ? WHERE id = ? AND state = 'pending'",
      ),
      rewrite: db.prepare("UPDATE outbox SET payload = ? WHERE id = ? AND state = 'pending'"),
      putButton: db.prepare(
        "INSERT INTO buttons (id, action, expires_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET action = excluded.action, expires_at = excluded.expires_at",
      ),
      getButton: db.prepare("SELECT action, expires_at FROM buttons WHERE id = ?"),
      days: db.prepare(
        `SELECT day, COUNT(*) AS questions,
                SUM(status = 'answered') AS answered, SUM(status = 'not_found') AS notFound,
                SUM(status = 'ambiguous') AS ambiguous, SUM(status = 'error') AS errors
         FROM questions WHERE at >= ? GROUP BY day ORDER BY day`,
      ),
      channels: db.prepare(
        `SELECT channel, COUNT(*) AS questions,
                SUM(status = 'answered') AS answered, SUM(status = 'not_found') AS notFound,
                SUM(status = 'ambiguous') AS ambiguous, SUM(status = 'error') AS errors
         FROM questions WHERE at >= ? GROUP BY channel`,
      ),
      unansweredQuestions: db.prepare(
        `SELECT question, COUNT(*) AS count FROM questions WHERE status = 'not_found' AND at >= ?
         GROUP BY question ORDER BY count DESC, MAX(at) DESC LIMIT ?`,
      ),
      pendingCount: db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE state = 'pending'"),
    };
  }

  private settle(updateId: number | null, now: number): void {
    if (updateId !== null) this.stmt.settle.run(now, updateId, updateId);
  }

  async receive(updates: Array<Omit<JournalUpdate, "receivedAt">>, now: number): Promise<JournalUpdate[]> {
    if (updates.length === 0) return [];
    const fresh: JournalUpdate[] = [];
    // This commit is what lets Telegram forget the updates: make it reach the disk.
    this.db.pragma("synchronous = FULL");
    try {
      this.db.transaction(() => {
        for (const u of updates) {
          const info = this.stmt.insertUpdate.run(u.updateId, u.chatKey, JSON.stringify(u.raw), now);
          if (info.changes > 0) fresh.push({ ...u, receivedAt: now });
        }
      })();
    } finally {
      this.db.pragma("synchronous = NORMAL");
    }
    return fresh;
  }

  async unanswered(): Promise<JournalUpdate[]> {
    const rows = this.stmt.unanswered.all() as Array<{
      update_id: number;
      chat_key: string | null;
      raw: string;
      received_at: number;
    }>;
    return rows.map((r) => ({
      updateId: r.update_id,
      chatKey: r.chat_key,
      raw: JSON.parse(r.raw) as unknown,
      receivedAt: r.received_at,
    }));
  }

  async stateOf(updateId: number): Promise<UpdateState | undefined> {
    return (this.stmt.stateOf.get(updateId) as { state: UpdateState } | undefined)?.state;
  }

  async enqueue(entry: OutboxEntry, now: number): Promise<OutboxMessage | null> {
    const info = this.stmt.enqueue.run(
      entry.updateId,
      entry.seq,
      entry.chatKey,
      entry.method,
      JSON.stringify(entry.payload),
      now,
      now,
    );
    if (info.changes === 0) return null;
    return toMessage(this.stmt.outboxRow.get(info.lastInsertRowid) as OutboxRow);
  }

  async answered(updateId: number, outcome: QuestionOutcome | null, now: number): Promise<void> {
    this.db.transaction(() => {
      this.stmt.answered.run(now, updateId);
      if (outcome)
        this.stmt.question.run(
          updateId,
          outcome.chatId,
          outcome.userId ?? null,
          outcome.question,
          outcome.status,
          localDay(now),
          now,
        );
      this.settle(updateId, now);
    })();
  }

  async pending(): Promise<OutboxMessage[]> {
    return (this.stmt.pending.all() as OutboxRow[]).map(toMessage);
  }

  private finish(id: number, now: number, change: () => void): void {
    this.db.transaction(() => {
      change();
      const row = this.stmt.updateOf.get(id) as { update_id: number | null } | undefined;
      this.settle(row?.update_id ?? null, now);
    })();
  }

  async sent(id: number, now: number): Promise<void> {
    this.finish(id, now, () => this.stmt.sent.run(now, id));
  }

  async retryLater(id: number, notBefore: number, error: string): Promise<void> {
    this.stmt.retry.run(notBefore, error.slice(0, 500), id);
  }

  async dropped(id: number, reason: string, now: number): Promise<void> {
    this.finish(id, now, () => this.stmt.dropped.run(reason.slice(0, 500), now, id));
  }

  async rewrite(id: number, payload: Record<string, unknown>): Promise<void> {
    this.stmt.rewrite.run(JSON.stringify(payload), id);
  }

  async putButton(id: string, action: unknown, expiresAt: number): Promise<void> {
    this.stmt.putButton.run(id, JSON.stringify(action), expiresAt);
  }

  async getButton(id: string, now: number): Promise<unknown> {
    const row = this.stmt.getButton.get(id) as { action: string; expires_at: number } | undefined;
    if (!row || row.expires_at <= now) return undefined;
    return JSON.parse(row.action) as unknown;
  }

  async logQuestion(entry: LoggedQuestion, now: number): Promise<void> {
    this.stmt.logQuestion.run(
      entry.channel,
      entry.question.slice(0, MAX_LOGGED_QUESTION),
      entry.status,
      localDay(now),
      now,
    );
  }

  async stats(now: number, days = 7): Promise<JournalStats> {
    const since = now - days * DAY_MS;
    const dayRows = this.stmt.days.all(since) as DayStats[];
    const counts = (r: Omit<DayStats, "day">) => ({
      questions: Number(r.questions),
      answered: Number(r.answered),
      notFound: Number(r.notFound),
      ambiguous: Number(r.ambiguous),
      errors: Number(r.errors),
    });
    const rank = (c: string) => {
      const i = QUESTION_CHANNELS.indexOf(c as ChannelStats["channel"]);
      return i < 0 ? QUESTION_CHANNELS.length : i;
    };
    const channelRows = this.stmt.channels.all(since) as ChannelStats[];
    return {
      days: dayRows.map((d) => ({ day: d.day, ...counts(d) })),
      channels: channelRows
        .map((c) => ({ channel: c.channel, ...counts(c) }))
        .sort((a, b) => rank(a.channel) - rank(b.channel) || a.channel.localeCompare(b.channel)),
      unanswered: this.stmt.unansweredQuestions.all(since, 10) as JournalStats["unanswered"],
      pendingReplies: (this.stmt.pendingCount.get() as { n: number }).n,
    };
  }

  async prune(now: number): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare("DELETE FROM updates WHERE state = 'sent' AND received_at < ?")
        .run(now - KEEP_UPDATES_MS);
      this.db.prepare("DELETE FROM outbox WHERE state != 'pending' AND done_at < ?").run(now - DAY_MS);
      this.db.prepare("DELETE FROM questions WHERE at < ?").run(now - KEEP_QUESTIONS_MS);
      this.db.prepare("DELETE FROM buttons WHERE expires_at <= ?").run(now);
    })();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating when needed) the SQLite journal at `path`. */
export function openSqliteJournal(path: string): SqliteJournal {
  return new SqliteJournal(path);
}
