// The bot's journal: what Telegram delivered, what was answered, what is still to send.
//
// Every method returns a promise so that an adapter over a shared server database (PostgreSQL,
// for several webhook instances behind a load balancer) can implement the same interface; the
// SQLite adapter (sqlite.ts) is synchronous underneath. An adapter must keep these guarantees:
//  - `receive` is durable when it resolves, and records each update_id once: a second delivery
//    of the same update is reported as not new (INSERT … ON CONFLICT DO NOTHING);
//  - `enqueue` is idempotent per (updateId, seq), so an update handled again after a crash does
//    not queue its replies twice;
//  - an update's state only moves forward: received → answered → sent.
// The questions log behind /stats (and GET /api/stats of the help desk) holds the questions of
// every channel: the bot's are logged with their update (`answered`), the others' (the web page
// and HTTP API) with `logQuestion`; an adapter keeps the channel with each question.

/** An update as recorded: its id, the chat it belongs to (for per-chat order) and the raw JSON. */
export interface JournalUpdate {
  updateId: number;
  /** Per-chat ordering key (the chat id as a string), null for updates of no chat. */
  chatKey: string | null;
  raw: unknown;
  receivedAt: number;
}

export type UpdateState = "received" | "answered" | "sent";

/** Bot API methods the outbox sends. */
export type OutboxMethod = "sendMessage" | "answerCallbackQuery";

export interface OutboxEntry {
  updateId: number | null;
  /** Position of this reply among the replies of its update (0, 1, …). */
  seq: number;
  /** Replies of one chat are sent one at a time, in order. */
  chatKey: string;
  method: OutboxMethod;
  payload: Record<string, unknown>;
}

export interface OutboxMessage extends OutboxEntry {
  id: number;
  createdAt: number;
  attempts: number;
  /** Not to be sent before this time (a 429's retry_after, a back-off). */
  notBefore: number;
}

/** What became of a question, for the questions log behind /stats. */
export type QuestionStatus = "answered" | "not_found" | "ambiguous" | "error";

/** Where a question was asked: the Telegram bot, or the help desk's page and HTTP API. */
export type QuestionChannel = "telegram" | "web";
export const QUESTION_CHANNELS: readonly QuestionChannel[] = ["telegram", "web"];

/** A question asked in Telegram (logged with its update, channel "telegram"). */
export interface QuestionOutcome {
  question: string;
  status: QuestionStatus;
  chatId: number;
  userId?: number;
}

/** A question asked outside Telegram, for the questions log. */
export interface LoggedQuestion {
  channel: Exclude<QuestionChannel, "telegram">;
  /** As the person typed it, already cleaned of control characters; adapters cap its length. */
  question: string;
  status: QuestionStatus;
}

/** Longest question text the log keeps (longer ones are cut). */
export const MAX_LOGGED_QUESTION = 500;

export interface DayStats {
  /** YYYY-MM-DD, local time of the server. */
  day: string;
  questions: number;
  answered: number;
  notFound: number;
  ambiguous: number;
  errors: number;
}

/** The questions of one channel over the period of the stats. */
export interface ChannelStats {
  channel: QuestionChannel;
  questions: number;
  answered: number;
  notFound: number;
  ambiguous: number;
  errors: number;
}

export interface JournalStats {
  /** Every channel together, one entry per day with questions. */
  days: DayStats[];
  /** The same period per channel (channels with no question left out), telegram first. */
  channels: ChannelStats[];
  /** Questions the documents did not answer (every channel), most frequent first. */
  unanswered: Array<{ question: string; count: number }>;
  /** Replies waiting in the outbox. */
  pendingReplies: number;
}

export interface Journal {
  /** Records updates (durably); resolves with those not seen before, in the order given. */
  receive(updates: Array<Omit<JournalUpdate, "receivedAt">>, now: number): Promise<JournalUpdate[]>;
  /** Updates received but not answered, in update_id order: what a restart resumes. */
  unanswered(): Promise<JournalUpdate[]>;
  /** The state of an update, or undefined if it was never received. */
  stateOf(updateId: number): Promise<UpdateState | undefined>;
  /** Queues a reply; a second call with the same (updateId, seq) does nothing. Resolves with its row, or null when already queued. */
  enqueue(entry: OutboxEntry, now: number): Promise<OutboxMessage | null>;
  /** The update has been handled (its replies are queued); `outcome` goes to the questions log. */
  answered(updateId: number, outcome: QuestionOutcome | null, now: number): Promise<void>;
  /** Replies not yet sent, oldest first. */
  pending(): Promise<OutboxMessage[]>;
  /** A reply went out. */
  sent(id: number, now: number): Promise<void>;
  /** A reply failed for now; try again from `notBefore`. */
  retryLater(id: number, notBefore: number, error: string): Promise<void>;
  /** A reply is given up on (refused for good by Telegram, or older than the outbox keeps them). */
  dropped(id: number, reason: string, now: number): Promise<void>;
  /** Replaces a queued reply's payload (e.g. HTML Telegram refused, resent as plain text). */
  rewrite(id: number, payload: Record<string, unknown>): Promise<void>;
  putButton(id: string, action: unknown, expiresAt: number): Promise<void>;
  /** The action of a button, or undefined when unknown or expired. */
  getButton(id: string, now: number): Promise<unknown>;
  /** Logs a question asked outside Telegram (the help desk); it counts in `stats` with its channel. */
  logQuestion(entry: LoggedQuestion, now: number): Promise<void>;
  stats(now: number, days?: number): Promise<JournalStats>;
  /** Forgets what is no longer needed (sent updates after a week, expired buttons…). */
  prune(now: number): Promise<void>;
  close(): Promise<void>;
}
