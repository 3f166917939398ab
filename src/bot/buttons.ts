// Inline-button actions. callback_data is limited to 64 bytes, so buttons carry a short random id
// and the action itself is kept in the journal until it expires.
import { randomBytes } from "node:crypto";
import type { Journal } from "../journal/index.js";

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
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Button actions kept in the journal for their whole lifetime (24 h by default), whatever the
 * number of answers in between and across restarts.
 */
export class ButtonStore {
  constructor(
    private readonly journal: Pick<Journal, "putButton" | "getButton">,
    private readonly ttlMs = DAY_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores an action; returns the callback_data for its button (14 bytes). */
  async put(action: ButtonAction): Promise<string> {
    const id = randomBytes(9).toString("base64url");
    await this.journal.putButton(id, action, this.now() + this.ttlMs);
    return PREFIX + id;
  }

  /** The action behind callback_data, or undefined if unknown or expired. */
  async get(data: string): Promise<ButtonAction | undefined> {
    if (!data.startsWith(PREFIX)) return undefined;
    return (await this.journal.getButton(data.slice(PREFIX.length), this.now())) as ButtonAction | undefined;
  }
}
