// The bot's durable journal: updates received, questions answered, replies to send, buttons.
export type {
  DayStats,
  Journal,
  JournalStats,
  JournalUpdate,
  OutboxEntry,
  OutboxMessage,
  OutboxMethod,
  QuestionOutcome,
  QuestionStatus,
  UpdateState,
} from "./types.js";
export { SqliteJournal, openSqliteJournal, localDay } from "./sqlite.js";
