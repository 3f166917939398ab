// Document intake and /reload with the real engine: an administrator's file is checked, saved into
// the documents folder, read in a worker, reported and swapped in; others are refused politely; a
// reload never holds up the answers of other chats.
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openEngine, type Engine } from "../../src/engine/index.js";
import { privateChat, user } from "../helpers/telegram-server.js";
import { startBotHarness, type BotHarness } from "./harness.js";

const FIXTURE = "test/fixtures/taoyuan-2024-budget.txt";
const admin = user(9001, "Admin");
const staff = user(9002, "Staff");
const stranger = user(9003, "Stranger");

const dirs: string[] = [];
const tmp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
let harness: BotHarness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A bot over a documents folder holding one document (the other county's 2023 budget). */
async function botOver(docs: Record<string, string | Buffer>) {
  const docsDir = tmp("intake-docs-");
  const indexDir = tmp("intake-index-");
  for (const [name, content] of Object.entries(docs)) writeFileSync(join(docsDir, name), content);
  const open = () => openEngine({ docsDir, indexDir, intentsDir: "intents", workers: "always" });
  let current: Engine = (await openEngine({ docsDir, indexDir, intentsDir: "intents" })).engine;
  let reloads = 0;
  harness = await startBotHarness({
    getEngine: () => current,
    reload: async () => {
      reloads++;
      const { engine, report } = await open();
      current = engine;
      return report;
    },
    allowed: [admin.id, staff.id],
    admins: [admin.id],
    intake: { docsDir, maxBytes: 1024 * 1024 },
  });
  return { docsDir, server: harness.server, reloads: () => reloads };
}

const otherDoc = "某某县审计局2023年部门预算\n一、2023年收入预算总计88.00万元，比上年增加2.00万元。\n";

describe("document intake in the bot", () => {
  it("an administrator's text file is saved, read, reported (unit, year, kind, tables, checks, warnings) and answered from", async () => {
    const { docsDir, server } = await botOver({ "audit-2023.txt": otherDoc });
    const chat = privateChat(admin);
    server.sendDocument(chat, admin, {
      name: "桃源农业农村局2024预算.txt",
      bytes: readFileSync(FIXTURE),
      mime: "text/plain",
    });
    const [started, report] = await server.waitForMessages(admin.id, 2, { timeoutMs: 30_000 });
    expect(started!.text).toBe("已收到 桃源农业农村局2024预算.txt，正在读取并重建索引，请稍候…");
    expect(report!.text).toMatch(/^已添加并载入（\d+\.\d 秒）：桃源农业农村局2024预算\n/);
    expect(report!.text).toContain("单位：桃源县农业农村局");
    expect(report!.text).toContain("年度：2024年");
    expect(report!.text).toContain("类型：部门预算（TXT）");
    expect(report!.text).toMatch(/表格：\d+ 张/);
    expect(report!.text).toContain("现在共载入 2 份文档。");
    expect(readFileSync(join(docsDir, "桃源农业农村局2024预算.txt"))).toEqual(readFileSync(FIXTURE));
    expect(readdirSync(docsDir).filter((f) => f.endsWith(".tmp"))).toEqual([]);

    const mark = server.mark;
    server.sendText(chat, admin, "桃源县农业农村局2024年三公经费预算多少");
    const [answer] = await server.waitForMessages(admin.id, 1, { since: mark });
    expect(answer!.text).toContain("150,000.00");
  });

  it("refuses files from anyone but an administrator, politely, and saves nothing", async () => {
    const { docsDir, server, reloads } = await botOver({ "audit-2023.txt": otherDoc });
    server.sendDocument(privateChat(staff), staff, { name: "new.txt", bytes: readFileSync(FIXTURE) });
    const [refusal] = await server.waitForMessages(staff.id, 1);
    expect(refusal!.text).toBe("只有管理员可以发送文档给我添加到资料库。如需添加文档，请联系管理员。");
    server.sendDocument(privateChat(stranger), stranger, { name: "new.txt", bytes: readFileSync(FIXTURE) });
    const [strangerReply] = await server.waitForMessages(stranger.id, 1);
    expect(strangerReply!.text).toContain("未获授权");
    expect(existsSync(join(docsDir, "new.txt"))).toBe(false);
    expect(reloads()).toBe(0);
    expect(server.calls.some((c) => c.method === "getFile")).toBe(false);
  });

  it("gives bad files the reason and never crashes: wrong type, too large, not what its name says, same id, unreadable", async () => {
    const { docsDir, server } = await botOver({ "audit-2023.txt": otherDoc });
    const chat = privateChat(admin);
    const send = async (file: Parameters<typeof server.sendDocument>[2]) => {
      const mark = server.mark;
      server.sendDocument(chat, admin, file);
      const replies = await server.waitUntil(
        () => {
          const sent = server.sentMessages(admin.id, mark);
          return sent.some((m) => m.text.startsWith("没有添加这个文件")) ? sent : undefined;
        },
        30_000,
        `the reply about ${file.name}`,
      );
      return replies.at(-1)!.text;
    };
    expect(await send({ name: "report.docx", bytes: "PK\u0003\u0004" })).toBe(
      "没有添加这个文件：只接受 PDF、网页（.html/.htm）或文本（.txt）文件，收到的是 .docx。",
    );
    expect(await send({ name: "big.txt", bytes: "x", announcedSize: 5 * 1024 * 1024 })).toBe(
      "没有添加这个文件：文件太大（5.0 MB），上限是 1.0 MB。",
    );
    expect(await send({ name: "fake.pdf", bytes: "<html><body>not a pdf</body></html>" })).toBe(
      "没有添加这个文件：文件扩展名是 .pdf，但内容不是 PDF。",
    );
    expect(await send({ name: "audit-2023.pdf", bytes: "%PDF-1.4" })).toContain("文件名（不含扩展名）相同");
    // A path in the name is dropped; content that cannot be read is reported by the reader.
    const binary = Buffer.from([0, 1, 2, 3, 0, 0, 255, 254, 0, 7]);
    expect(await send({ name: "../../etc/passwd.txt", bytes: binary })).toBe(
      "没有添加这个文件：binary data, not text",
    );
    // The unreadable upload was removed again; nothing else came into the folder.
    expect(readdirSync(docsDir).sort()).toEqual(["audit-2023.txt"]);

    const mark = server.mark;
    server.sendText(chat, admin, "/docs");
    const [docs] = await server.waitForMessages(admin.id, 1, { since: mark });
    expect(docs!.text).toContain("已载入 1 份文档");
  });
});

describe("/reload", () => {
  it("builds in worker threads: another chat's question is answered before the reload of a large document finishes", async () => {
    const big =
      readFileSync(FIXTURE, "utf8") +
      "\n" +
      "其他说明：本部门认真落实预算管理要求，加强绩效管理。\n".repeat(6_000);
    const { docsDir, server } = await botOver({ "audit-2023.txt": otherDoc });
    writeFileSync(join(docsDir, "big.txt"), big); // ~0.3 MB, built by the reload
    copyFileSync(FIXTURE, join(docsDir, "taoyuan.txt"));

    server.sendText(privateChat(admin), admin, "/reload");
    await server.waitForMessages(admin.id, 1); // "正在重新加载文档…"
    await new Promise((r) => setTimeout(r, 300)); // the build is under way
    server.sendText(privateChat(staff), staff, "某某县审计局2023年收入预算总计多少");
    const [answer] = await server.waitForMessages(staff.id, 1, { timeoutMs: 30_000 });
    const answeredAt = Date.now();
    expect(answer!.text).toContain("88.00");
    const [, report] = await server.waitForMessages(admin.id, 2, { timeoutMs: 60_000 });
    const reportedAt = Date.now();
    expect(report!.text).toMatch(/^重新加载完成（\d+\.\d 秒）：3 份文档/);
    expect(answeredAt).toBeLessThan(reportedAt - 200);
  });
});
