import { z } from "zod";
import { LOG_LEVELS } from "./logger.js";

/** Comma-separated list of integer ids (Telegram user or chat ids; chat ids may be negative). */
const idList = z
  .string()
  .optional()
  .transform((s, ctx) => {
    const parts = (s ?? "")
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean);
    const ids: number[] = [];
    for (const p of parts) {
      if (!/^-?\d+$/.test(p)) {
        ctx.addIssue({ code: "custom", message: `"${p}" is not an integer id` });
        return z.NEVER;
      }
      ids.push(Number(p));
    }
    return ids;
  });

const envSchema = z.object({
  DOCS_DIR: z.string().min(1).default("seeds"),
  INDEX_DIR: z.string().min(1).default("index"),
  INTENTS_DIR: z.string().min(1).default("intents"),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  TELEGRAM_BOT_TOKEN: z
    .string()
    .regex(/^\d+:[A-Za-z0-9_-]+$/, "must look like 123456:ABC-DEF (the token BotFather gives)")
    .optional(),
  TELEGRAM_API_ROOT: z.url().optional(),
  WEBHOOK_URL: z.url().optional(),
  WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, "1-256 characters of A-Z, a-z, 0-9, _ and -")
    .optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  ALLOWED_CHAT_IDS: idList,
  ADMIN_USER_IDS: idList,
  /** The bot's journal (SQLite file); default journal.sqlite in INDEX_DIR. */
  JOURNAL_FILE: z.string().min(1).optional(),
  /** Largest document an administrator may send to the bot, in MB (the Bot API lets bots download 20 MB). */
  UPLOAD_MAX_MB: z.coerce.number().int().min(1).max(2000).default(20),
  /** How long a stop may take (SIGTERM → exit), in seconds; unsent replies stay in the journal. */
  STOP_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(25),
});

export type AppConfig = z.infer<typeof envSchema>;

export class ConfigError extends Error {}

/** Reads and validates the configuration from environment variables; throws a readable ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  // Treat empty strings as unset so `FOO=` in a .env file does not fail validation.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}
