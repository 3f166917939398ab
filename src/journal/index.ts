// The bot's durable journal: updates received, questions answered, replies to send, buttons.
import { join } from "node:path";
export type {
  ChannelStats,
  DayStats,
  Journal,
  JournalStats,
  JournalUpdate,
  LoggedQuestion,
  OutboxEntry,
  OutboxMessage,
  OutboxMethod,
  QuestionChannel,
  QuestionOutcome,
  QuestionStatus,
  UpdateState,
} from "./types.js";
export { MAX_LOGGED_QUESTION, QUESTION_CHANNELS } from "./types.js";
export { SqliteJournal, openSqliteJournal, localDay } from "./sqlite.js";

/** Where the journal is kept: JOURNAL_FILE, else journal.sqlite in the index folder (bot and help desk). */
export const journalFileOf = (config: { JOURNAL_FILE?: string | undefined; INDEX_DIR: string }): string =>
  config.JOURNAL_FILE ?? join(config.INDEX_DIR, "journal.sqlite");
