// Inline-button actions. callback_data is limited to 64 bytes, so buttons carry a short random id
// and the action itself stays here, in a bounded in-memory store (oldest entries evicted first).
import { randomBytes } from "node:crypto";

export type ButtonAction =
  | {
      kind: "pick";
      question: string;
      doc: string;
      label: string;
      /** Engine generation the choice was offered under; a reload invalidates it. */
      generation: string;
    }
  | {
      kind: "source";
      doc: string;
      span: [number, number];
      generation: string;
      department: string | null;
      year: number | null;
      docKind: string;
      section: string | null;
    };

const PREFIX = "b:";

export class ButtonStore {
  private readonly actions = new Map<string, { action: ButtonAction; expiresAt: number }>();

  constructor(
    private readonly capacity = 5_000,
    private readonly ttlMs = 24 * 60 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores an action; returns the callback_data for its button (14 bytes). */
  put(action: ButtonAction): string {
    const id = randomBytes(9).toString("base64url");
    this.actions.set(id, { action, expiresAt: this.now() + this.ttlMs });
    while (this.actions.size > this.capacity) {
      const oldest = this.actions.keys().next().value;
      if (oldest === undefined) break;
      this.actions.delete(oldest);
    }
    return PREFIX + id;
  }

  /** The action behind callback_data, or undefined if unknown, evicted or expired. */
  get(data: string): ButtonAction | undefined {
    if (!data.startsWith(PREFIX)) return undefined;
    const id = data.slice(PREFIX.length);
    const entry = this.actions.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.actions.delete(id);
      return undefined;
    }
    return entry.action;
  }

  get size(): number {
    return this.actions.size;
  }
}
