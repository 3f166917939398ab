// The boundary with Telegram: updates are validated here, and only these shapes reach the handlers.
import { z } from "zod";

const UserSchema = z.object({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  username: z.string().optional(),
});

const ChatSchema = z.object({
  id: z.number().int(),
  type: z.enum(["private", "group", "supergroup", "channel"]),
});

const EntitySchema = z.object({
  type: z.string(),
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
  user: UserSchema.optional(),
});

/** A file sent as a document (PDF, web page, text…). */
const DocumentSchema = z.object({
  file_id: z.string().min(1),
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
  file_size: z.number().int().nonnegative().optional(),
});

/**
 * Control characters (but tab and newline), lone surrogates and non-characters are removed from
 * what users type, so nothing of the kind is ever echoed back or logged.
 */
export function cleanText(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufffe\uffff]/g, "")
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "")
  );
}

const MessageSchema = z.object({
  message_id: z.number().int(),
  chat: ChatSchema,
  from: UserSchema.optional(),
  text: z.string().optional(),
  document: DocumentSchema.optional(),
  caption: z.string().optional(),
  entities: z.array(EntitySchema).optional(),
  reply_to_message: z.object({ message_id: z.number().int(), from: UserSchema.optional() }).optional(),
});

const CallbackQuerySchema = z.object({
  id: z.string().min(1),
  from: UserSchema,
  data: z.string().optional(),
  message: z.object({ message_id: z.number().int(), chat: ChatSchema }).optional(),
});

const UpdateSchema = z.object({
  update_id: z.number().int(),
  message: z.unknown().optional(),
  callback_query: z.unknown().optional(),
});

export type IncomingUser = z.infer<typeof UserSchema>;
export type IncomingChat = z.infer<typeof ChatSchema>;
export type MessageEntity = z.infer<typeof EntitySchema>;
export type IncomingMessage = z.infer<typeof MessageSchema>;
export type IncomingDocument = z.infer<typeof DocumentSchema>;
export type IncomingCallback = z.infer<typeof CallbackQuerySchema>;

export type Incoming =
  | { kind: "message"; updateId: number; message: IncomingMessage }
  | { kind: "callback"; updateId: number; query: IncomingCallback }
  /** Well-formed but of no interest (edited messages, member updates…). */
  | { kind: "other"; updateId: number }
  | { kind: "malformed"; reason: string };

/** Validates the parts of an update the bot reads. Never throws. */
export function parseUpdate(raw: unknown): Incoming {
  const update = UpdateSchema.safeParse(raw);
  if (!update.success) return { kind: "malformed", reason: z.prettifyError(update.error) };
  const { update_id: updateId, message, callback_query } = update.data;
  if (message !== undefined) {
    const parsed = MessageSchema.safeParse(message);
    return parsed.success
      ? { kind: "message", updateId, message: parsed.data }
      : { kind: "malformed", reason: z.prettifyError(parsed.error) };
  }
  if (callback_query !== undefined) {
    const parsed = CallbackQuerySchema.safeParse(callback_query);
    return parsed.success
      ? { kind: "callback", updateId, query: parsed.data }
      : { kind: "malformed", reason: z.prettifyError(parsed.error) };
  }
  return { kind: "other", updateId };
}

/** The chat an update belongs to, used to handle each chat's updates one at a time. */
export function chatKey(raw: unknown): string | undefined {
  const incoming = parseUpdate(raw);
  if (incoming.kind === "message") return String(incoming.message.chat.id);
  if (incoming.kind === "callback" && incoming.query.message) return String(incoming.query.message.chat.id);
  return undefined;
}

/** UTF-16 slice of an entity (Telegram offsets are in UTF-16 code units, as are JS strings). */
const entityText = (text: string, e: MessageEntity) => text.slice(e.offset, e.offset + e.length);

export interface BotIdentity {
  id: number;
  username: string;
}

export type Addressed =
  /** `addressedToMe`: written as /cmd@thisbot rather than plain /cmd. */
  | { kind: "command"; name: string; args: string; addressedToMe: boolean }
  | { kind: "text"; text: string }
  | { kind: "none" };

/**
 * What a message asks of the bot. In a private chat every text counts; in a group only commands
 * (not those addressed to another bot), mentions of the bot and replies to its messages do.
 */
export function addressedText(message: IncomingMessage, me: BotIdentity): Addressed {
  const text = message.text ?? "";
  const entities = message.entities ?? [];
  const isPrivate = message.chat.type === "private";

  const command = entities.find((e) => e.type === "bot_command" && e.offset === 0);
  if (command) {
    const [name = "", target] = entityText(text, command).slice(1).split("@");
    if (target !== undefined && target.toLowerCase() !== me.username.toLowerCase()) return { kind: "none" };
    return {
      kind: "command",
      name: name.toLowerCase(),
      args: cleanText(text.slice(command.length)).trim(),
      addressedToMe: target !== undefined,
    };
  }

  const mentions = entities.filter(
    (e) =>
      (e.type === "mention" && entityText(text, e).toLowerCase() === `@${me.username.toLowerCase()}`) ||
      (e.type === "text_mention" && e.user?.id === me.id),
  );
  if (mentions.length > 0) {
    // Drop "@bot" mentions from the question (from the end so earlier offsets stay valid).
    let question = text;
    for (const e of [...mentions].sort((a, b) => b.offset - a.offset)) {
      if (e.type === "mention") question = question.slice(0, e.offset) + question.slice(e.offset + e.length);
    }
    return { kind: "text", text: cleanText(question).trim() };
  }

  if (isPrivate || message.reply_to_message?.from?.id === me.id)
    return { kind: "text", text: cleanText(text).trim() };
  return { kind: "none" };
}
