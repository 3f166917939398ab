// Settings of the help desk (`npm run web`), validated at start like src/config/env.ts.
import { z } from "zod";
import { ConfigError, loadConfig, type AppConfig } from "../config/env.js";

const webSchema = z.object({
  WEB_HOST: z.string().min(1).default("127.0.0.1"),
  WEB_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Bearer token of administrators (uploads). Unset: nobody may upload. */
  ADMIN_TOKEN: z
    .string()
    .min(16, "must be at least 16 characters (use e.g. `openssl rand -hex 24`)")
    .max(512)
    .optional(),
  /** Largest document an administrator may upload, in MB. */
  WEB_MAX_UPLOAD_MB: z.coerce.number().positive().max(300).default(50),
  /** Requests per minute per client before 429. */
  WEB_RATE_LIMIT: z.coerce.number().int().min(1).default(120),
  /** Set when a reverse proxy in front sets X-Forwarded-For (the rate limit then keys on the client). */
  WEB_TRUST_PROXY: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
});

export type WebSettings = z.infer<typeof webSchema>;
export type WebConfig = AppConfig & WebSettings;

/** Reads the shared settings (DOCS_DIR, INDEX_DIR, …) and the web ones; throws a readable ConfigError. */
export function loadWebConfig(env: NodeJS.ProcessEnv = process.env): WebConfig {
  const base = loadConfig(env);
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = webSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return { ...base, ...parsed.data };
}
