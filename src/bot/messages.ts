// Fixed, user-facing texts (HTML parse mode; none of them embeds unescaped outside text).
import type { DocSummary } from "../answer/types.js";
import { escapeHtml } from "./html.js";

/** Longest question accepted; anything longer is certainly not a budget question. */
export const MAX_QUESTION_LENGTH = 500;

export const COMMANDS = {
  public: [
    { command: "start", description: "开始使用" },
    { command: "help", description: "能回答什么问题（含示例）" },
    { command: "ask", description: "提问，例如 /ask 三公经费多少" },
    { command: "docs", description: "已载入的预决算文档" },
  ],
  admin: [
    { command: "reload", description: "重新加载文档（管理员）" },
    { command: "stats", description: "运行统计（管理员）" },
  ],
} as const;

/** What the bot can answer, with examples built from a loaded document so that they work. */
export function helpText(docs: DocSummary[]): string {
  const doc = docs.find((d) => d.unit && d.year !== null);
  // The shortest name staff would use: "曾都区科经局" rather than the full unit name.
  const name = doc ? [doc.unit!, ...doc.aliases].sort((a, b) => a.length - b.length)[0]! : "某单位";
  const year = doc?.year ?? 2022;
  const examples = [
    `${name}${year}年基本支出多少`,
    `${name}${year}年三公经费多少`,
    `${name}${year}年基本支出加项目支出一共多少`,
    "哪个单位三公经费最多",
    `${name}的主要职责是什么`,
  ];
  return [
    "我根据已公开的<b>部门预算、部门决算</b>等文档回答问题，每个数字都附上原文和出处。",
    "",
    "<b>可以这样问：</b>",
    ...examples.map((e) => `• ${escapeHtml(e)}`),
    "",
    "问题里写上<b>单位</b>和<b>年度</b>最准确；不写时我会列出各单位的数字，或请你选择文档。",
    "答案下方的「查看原文」按钮显示数字所在的整段原文或表格行。",
    "",
    "<b>在群里：</b>用 /ask 加问题、@我 提问，或直接回复我的消息。",
    "/docs 列出已载入的文档。",
  ].join("\n");
}

export function startText(docs: DocSummary[]): string {
  return `你好！我是预决算公开信息问答助手。\n\n${helpText(docs)}`;
}

export const ASK_USAGE = "请在 /ask 后面写上问题，例如：\n/ask 三公经费多少";
export const EMPTY_QUESTION = "请直接写出问题，例如：三公经费多少";
export const TEXT_ONLY = "我只能回答文字问题，请直接输入问题，例如：三公经费多少";
export const QUESTION_TOO_LONG = `问题太长了，请精简到 ${MAX_QUESTION_LENGTH} 字以内再问。`;
export const ENGINE_ERROR = "抱歉，处理这个问题时出错了，请稍后再试。";
export const ADMIN_ONLY = "此命令仅限管理员使用。";
export const RELOAD_STARTED = "正在重新加载文档，请稍候…";
export const RELOAD_BUSY = "已有一次重新加载正在进行，请稍后再试。";
export const BUTTON_EXPIRED = "这个按钮已过期，请重新提问。";
export const BUTTON_STALE = "文档已经更新，请重新提问。";
export const PASSAGE_NOT_FOUND = "没有找到这段原文。";
export const CHOOSE_DOCUMENT = "请选择要查询的文档：";
export const UNKNOWN_COMMAND = "不认识这个命令。发送 /help 查看用法。";

/** Shown when ALLOWED_CHAT_IDS is empty: nobody is allowed yet, so say how to get allowed. */
export function notConfiguredMessage(chatId: number): string {
  return [
    "本机器人尚未开放使用。",
    `此对话的 ID 是 <code>${escapeHtml(String(chatId))}</code>。`,
    "请管理员把它加入环境变量 ALLOWED_CHAT_IDS（多个 ID 用英文逗号分隔）并重启机器人。",
  ].join("\n");
}

/** Shown to a chat that is not on a non-empty allow-list. */
export function refusalMessage(chatId: number): string {
  return `抱歉，此对话未获授权使用本机器人（对话 ID：<code>${escapeHtml(String(chatId))}</code>）。如需开通，请联系管理员。`;
}

export const INTAKE_ADMIN_ONLY = "只有管理员可以发送文档给我添加到资料库。如需添加文档，请联系管理员。";
export const INTAKE_DISABLED = "这个机器人没有开启文档上传。请管理员把文件放进文档文件夹后发送 /reload。";
export const INTAKE_DOWNLOAD_FAILED = "无法从 Telegram 下载这个文件，请稍后重新发送。";
export const INTAKE_SAVE_FAILED = "无法把文件保存到文档文件夹，请管理员检查文件夹的权限和磁盘空间。";

export function intakeStarted(name: string): string {
  return `已收到 <code>${escapeHtml(name)}</code>，正在读取并重建索引，请稍候…`;
}

/** `reason` is HTML (already escaped). */
export function intakeRefused(reason: string): string {
  return `没有添加这个文件：${reason}`;
}

export function intakeSameId(name: string, existing: string): string {
  return `文件夹里已有 <code>${escapeHtml(existing)}</code>，它和 <code>${escapeHtml(name)}</code> 的文件名（不含扩展名）相同，两个文件无法区分。请改名后重新发送，或先删除原来的文件。`;
}

export function selectedDocument(label: string): string {
  return `已选择：${label}`.slice(0, 190);
}
