// Telegram "HTML" parse mode helpers: escaping and splitting long messages safely.

/** Telegram's limit for a message text, counted after entity parsing. */
export const TELEGRAM_TEXT_LIMIT = 4096;

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** Escapes text (document or user content) for Telegram's HTML parse mode, attributes included. */
export function escapeHtml(text: string): string {
  return (
    text
      // NUL and lone surrogates are not text: Telegram would refuse the message.
      // eslint-disable-next-line no-control-regex -- removing NUL is the point
      .replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "")
      .replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c)
  );
}

/** The plain text Telegram would display for `html` (tags dropped, entities decoded). */
export function htmlToPlainText(html: string): string {
  return html.replace(/<[^>]*>/g, "").replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot);/gi, (_, name: string) => {
    const lower = name.toLowerCase();
    if (lower.startsWith("#x")) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith("#")) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return { lt: "<", gt: ">", amp: "&", quot: '"' }[lower] ?? "";
  });
}

type Token =
  | { kind: "open"; name: string; raw: string }
  | { kind: "close"; name: string; raw: string }
  | { kind: "text"; raw: string };

const TAG_OR_ENTITY = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>|&(?:#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/y;

/** Splits well-formed HTML into tags, entities and single characters (surrogate pairs kept whole). */
function tokenize(html: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < html.length) {
    TAG_OR_ENTITY.lastIndex = i;
    const m = TAG_OR_ENTITY.exec(html);
    if (m) {
      const raw = m[0];
      if (m[2] === undefined) tokens.push({ kind: "text", raw });
      else tokens.push({ kind: m[1] ? "close" : "open", name: m[2].toLowerCase(), raw });
      i += raw.length;
      continue;
    }
    const cp = html.codePointAt(i) ?? 0;
    const raw = String.fromCodePoint(cp);
    tokens.push({ kind: "text", raw });
    i += raw.length;
  }
  return tokens;
}

type OpenTag = { name: string; raw: string };

function applyToken(stack: OpenTag[], token: Token): OpenTag[] {
  if (token.kind === "open") return [...stack, { name: token.name, raw: token.raw }];
  if (token.kind === "close") {
    const at = stack.map((t) => t.name).lastIndexOf(token.name);
    return at < 0 ? stack : stack.slice(0, at);
  }
  return stack;
}

const closers = (stack: OpenTag[]) =>
  stack
    .map((t) => `</${t.name}>`)
    .reverse()
    .join("");
const reopeners = (stack: OpenTag[]) => stack.map((t) => t.raw).join("");

/**
 * Splits a well-formed Telegram HTML message into pieces of at most `limit` characters.
 * Cuts happen at line breaks when possible (mid-line only for a single over-long line), never
 * inside a tag or an entity; a tag open at a cut is closed at the end of one piece and reopened
 * at the start of the next, so every piece is well-formed on its own. Blank pieces are dropped.
 */
export function splitHtml(html: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  if (html.length <= limit) return htmlToPlainText(html).trim() ? [html] : [];

  const lines: Token[][] = [[]];
  for (const token of tokenize(html)) {
    if (token.kind === "text" && token.raw === "\n") lines.push([]);
    else lines[lines.length - 1]!.push(token);
  }

  const pieces: string[] = [];
  let stack: OpenTag[] = [];
  let current = "";
  let hasContent = false;

  const flush = () => {
    const piece = current + closers(stack);
    if (htmlToPlainText(piece).trim()) pieces.push(piece);
    current = reopeners(stack);
    hasContent = false;
  };

  for (const line of lines) {
    const lineRaw = line.map((t) => t.raw).join("");
    const stackAfterLine = line.reduce(applyToken, stack);
    const fits = (prefix: string) => prefix.length + lineRaw.length + closers(stackAfterLine).length <= limit;

    if (fits(current + (hasContent ? "\n" : ""))) {
      current += (hasContent ? "\n" : "") + lineRaw;
      stack = stackAfterLine;
      hasContent = true;
      continue;
    }
    if (hasContent) flush();
    if (fits(current)) {
      current += lineRaw;
      stack = stackAfterLine;
      hasContent = true;
      continue;
    }
    // A single line longer than a whole message: cut it between tokens.
    for (const token of line) {
      const next = applyToken(stack, token);
      if (current.length + token.raw.length + closers(next).length > limit) {
        flush();
        if (current.length + token.raw.length + closers(next).length > limit) {
          throw new Error("splitHtml: tags nested too deeply to fit any text in one message");
        }
      }
      current += token.raw;
      stack = next;
      hasContent = true;
    }
  }
  if (hasContent) flush();
  return pieces;
}
