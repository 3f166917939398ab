import pino from "pino";

/** Structured logs go to stderr (fd 2): stdout of CLI commands is reserved for their output. */
export const logger = pino(
  { level: process.env.LOG_LEVEL ?? "info", base: undefined },
  pino.destination({ dest: 2, sync: true }),
);

export type Logger = typeof logger;
