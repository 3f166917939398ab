// The SQLite journal: what the bot relies on (see src/journal/types.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { localDay, openSqliteJournal, type SqliteJournal } from "../../src/journal/index.js";

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
});
