// Who may use the bot. Closed by default: an empty allow-list allows nobody.
import { notConfiguredMessage, refusalMessage } from "./messages.js";

export interface AccessConfig {
  /** Users (private chats) and groups allowed to ask questions. */
  allowedChatIds: readonly number[];
  /** Users allowed to run /reload and /stats, in any chat. */
  adminUserIds: readonly number[];
}

export class AccessPolicy {
  private readonly allowed: ReadonlySet<number>;
  private readonly admins: ReadonlySet<number>;
  /** Chat id → when it was last refused; a chat is told at most once per `refusalIntervalMs`. */
  private readonly lastRefusal = new Map<number, number>();

  constructor(
    config: AccessConfig,
    private readonly refusalIntervalMs = 10 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {
    this.allowed = new Set(config.allowedChatIds);
    this.admins = new Set(config.adminUserIds);
  }

  get isClosed(): boolean {
    return this.allowed.size === 0;
  }

  isAllowedChat(chatId: number): boolean {
    return this.allowed.has(chatId);
  }

  isAdmin(userId: number | undefined): boolean {
    return userId !== undefined && this.admins.has(userId);
  }

  /** The refusal to send to `chatId`, or null if it was refused recently (no flooding). */
  refusalFor(chatId: number): string | null {
    const now = this.now();
    const last = this.lastRefusal.get(chatId);
    if (last !== undefined && now - last < this.refusalIntervalMs) return null;
    this.lastRefusal.delete(chatId);
    this.lastRefusal.set(chatId, now);
    if (this.lastRefusal.size > 10_000) {
      const oldest = this.lastRefusal.keys().next().value;
      if (oldest !== undefined) this.lastRefusal.delete(oldest);
    }
    return this.isClosed ? notConfiguredMessage(chatId) : refusalMessage(chatId);
  }
}
