// /stats counts the help desk's questions too: the web server logs them in the same journal file.
import { afterEach, describe, expect, it } from "vitest";
import { localDay, openSqliteJournal } from "../../src/journal/index.js";
import { privateChat, user } from "../helpers/telegram-server.js";
import { answered, item, notFound, scriptedEngine, startBotHarness, tempJournal } from "./harness.js";

const admin = user(1001, "Admin");
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("/stats", () => {
  it("shows the questions asked on the web page and API, per channel, with the bot's", async () => {
    const file = tempJournal();
    cleanups.push(file.dispose);
    // The help desk, another process, has the same journal file open.
    const web = openSqliteJournal(file.path);
    cleanups.push(() => web.close());
    const engine = scriptedEngine((q) => (q.includes("培训费") ? notFound() : answered([item()])));
    const h = await startBotHarness({
      getEngine: () => engine,
      journal: file.journal,
      allowed: [admin.id],
      admins: [admin.id],
    });
    cleanups.push(() => h.stop());
    await web.logQuestion({ channel: "web", question: "培训费多少", status: "not_found" }, Date.now());
    await web.logQuestion({ channel: "web", question: "<b>会议费</b>", status: "not_found" }, Date.now());
    h.server.sendText(privateChat(admin), admin, "培训费多少");
    await h.server.waitForMessages(admin.id, 1);
    h.server.sendText(privateChat(admin), admin, "/stats");
    const [, stats] = await h.server.waitForMessages(admin.id, 2);
    expect(stats!.text).toContain("问答统计（近 7 天，共 3 个问题）");
    expect(stats!.text).toContain(`${localDay(Date.now())}：3 问（已回答 0，未找到 3，反问 0）`);
    expect(stats!.text).toContain(
      "按渠道：\nTelegram：1 问（已回答 0，未找到 1，反问 0）\n网页和接口：2 问（已回答 0，未找到 2，反问 0）",
    );
    // The web page's text is escaped like the bot's own.
    expect(stats!.text).toContain("1. 培训费多少（2 次）\n2. <b>会议费</b>（1 次）");
  });
});
