/** Helpers compiling lexicon word lists into regular expressions (no lexicon imports: no cycle). */

/** A word as a literal inside a pattern. */
export const escapeWord = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * An alternation of the words in the order written (the first that fits is taken, as where the
 * list was once written in code); one that never matches when there are none.
 */
export const inOrder = (words: string[]) => [...new Set(words)].map(escapeWord).join("|") || "(?!)";

/** An alternation of the words, longest first ("预算数" is taken before "预算"). */
export const longestFirst = (words: string[]) =>
  [...new Set(words)]
    .sort((a, b) => b.length - a.length)
    .map(escapeWord)
    .join("|");
