import type { AnyOrama } from "@orama/orama";
import type { DocMeta, DocModel } from "../ingest/index.js";
import type { Fact } from "../facts/extract.js";

/** A document ready to answer from: metadata at once, model, figures and index on first use. */
export interface LoadedDoc {
  id: string;
  file: string;
  /** From the index catalog: resolving units and years does not read the model. */
  meta: DocMeta;
  /** The document model (read on first use). */
  readonly model: DocModel;
  /** Figures of the document (computed on first use). */
  readonly facts: Fact[];
  /** The document's full-text index (loaded or built on first use). */
  search(): AnyOrama;
  /** Whether the document's words contain `term` (memoised): skips documents before searching. */
  mentions(term: string): boolean;
}
