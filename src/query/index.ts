/** The parse stage: a question → a typed `Query`, without looking at any document. */
export { parseQuery, followUp, looksLikeFollowUp } from "./parse.js";
export {
  normalize,
  normalizeQuestion,
  matchKey,
  wordKey,
  type Normalized,
  type MatchKey,
} from "./normalize.js";
export type { Query, QueryContext, MetricMention, Operation, Quantity } from "./types.js";
