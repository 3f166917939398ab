import pino from "pino";

/** pino's levels, which LOG_LEVEL must name (validated with the rest of the configuration in env.ts). */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/**
 * LOG_LEVEL as given when it is a level, else "info": a bad value must reach the configuration
 * check (a clear message) rather than crash pino while modules load.
 */
const startLevel = (LOG_LEVELS as readonly string[]).includes(process.env.LOG_LEVEL ?? "")
  ? process.env.LOG_LEVEL!
  : "info";

/** Structured logs go to stderr (fd 2): stdout of CLI commands is reserved for their output. */
export const logger = pino({ level: startLevel, base: undefined }, pino.destination({ dest: 2, sync: true }));

export type Logger = typeof logger;
