// `npm start` as a process: SIGTERM stops it gracefully — the update in hand is finished and
// confirmed, nothing is answered twice, and the process exits by itself with code 0.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { privateChat, startTelegramServer, user, type TelegramServer } from "../helpers/telegram-server.js";

const alice = user(1001, "Alice");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: TelegramServer | undefined;
let child: ChildProcess | undefined;
let indexDir: string | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await server?.close();
  if (indexDir) rmSync(indexDir, { recursive: true, force: true });
  server = child = indexDir = undefined;
});

function exited(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(proc.exitCode);
  return new Promise((resolve) => proc.once("exit", (code) => resolve(code)));
}

describe("the bot process", () => {
  it("on SIGTERM finishes the answer in hand, confirms it and exits 0", async () => {
    server = await startTelegramServer();
    indexDir = mkdtempSync(join(tmpdir(), "bot-signal-index-"));
    let stderr = "";
    child = spawn(process.execPath, ["--import", "tsx", "src/cli/start.ts"], {
      env: {
        ...process.env,
        TELEGRAM_BOT_TOKEN: server.token,
        TELEGRAM_API_ROOT: server.apiRoot,
        ALLOWED_CHAT_IDS: String(alice.id),
        ADMIN_USER_IDS: "",
        WEBHOOK_URL: "",
        DOCS_DIR: "seeds",
        INDEX_DIR: indexDir,
        INTENTS_DIR: "intents",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    const s = server;
    await s.waitUntil(
      () => (s.calls.some((c) => c.method === "getUpdates") ? true : undefined),
      60_000,
      "the bot to poll",
    );

    const nextPoll = s.holdNext("getUpdates");
    const answer = s.holdNext("sendMessage");
    const { updateId } = s.sendText(privateChat(alice), alice, "焦作示范区工信局2022年基本支出多少");
    await answer.arrived;
    await nextPoll.arrived;

    child.kill("SIGTERM");
    await sleep(500);
    expect(child.exitCode).toBeNull(); // still finishing the answer
    answer.release();
    const code = await Promise.race([exited(child), sleep(15_000).then(() => "hung")]);
    nextPoll.release();

    expect(code).toBe(0);
    expect(stderr).toContain("stopping the bot");
    expect(stderr).toContain("bot stopped");
    const sent = s.sentMessages(alice.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain("223.76 万元");
    expect(s.confirmedOffset).toBe(updateId + 1);
  });
});
