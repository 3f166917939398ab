// The OpenAPI 3 document of the HTTP API, generated from the zod schemas of schemas.ts.
import { z } from "zod";
import { apiSchemas } from "./schemas.js";

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string) => ({ "application/json": { schema: ref(id) } });
const error = (description: string) => ({ description, content: json("Error") });

export function openApiDocument(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(apiSchemas, {
    target: "openapi-3.0",
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: "any",
    io: "output",
  }) as { schemas: Record<string, Record<string, unknown>> };
  // Each schema is generated standalone: drop the per-schema $schema/$id keys OpenAPI does not use.
  for (const s of Object.values(schemas)) {
    delete s.$schema;
    delete s.$id;
  }
  const idParam = {
    name: "id",
    in: "path",
    required: true,
    schema: { type: "string" },
    description: "Document id (file name without extension)",
  };
  return {
    openapi: "3.0.3",
    info: {
      title: "预决算问答 help desk API",
      version: "1.0.0",
      description:
        "Answers questions about budget and final-account disclosures with the same engine as the bot and `npm run ask`. Errors are JSON {code, message}.",
    },
    paths: {
      "/api/ask": {
        post: {
          summary: "Ask a question (the `ask --jsonl` answer plus the context for a follow-up)",
          requestBody: { required: true, content: json("AskRequest") },
          responses: {
            "200": { description: "The answer", content: json("AskResponse") },
            "400": error("The body is not a valid question"),
            "413": error("The body is too large"),
            "429": error("Too many requests from this client"),
          },
        },
      },
      "/api/stats": {
        get: {
          summary:
            "The questions log (administrators: Authorization: Bearer ADMIN_TOKEN): questions per day and per channel (bot, help desk), answered / not found / asked back, the most frequent unanswered",
          security: [{ adminToken: [] }],
          responses: {
            "200": { description: "Statistics of the last 7 days", content: json("StatsResponse") },
            "401": error("Missing or wrong administrator token"),
            "403": error("Statistics are disabled (no ADMIN_TOKEN set)"),
            "503": error("The journal is not open"),
          },
        },
      },
      "/api/docs": {
        get: {
          summary: "The catalog of loaded documents",
          responses: { "200": { description: "Documents", content: json("DocsResponse") } },
        },
        post: {
          summary: "Add a document (administrators: Authorization: Bearer ADMIN_TOKEN)",
          security: [{ adminToken: [] }],
          parameters: [
            {
              name: "replace",
              in: "query",
              required: false,
              schema: { type: "boolean" },
              description: "Replace a document with the same id",
            },
          ],
          requestBody: {
            required: true,
            content: {
              "multipart/form-data": {
                schema: {
                  type: "object",
                  properties: { file: { type: "string", format: "binary" } },
                  required: ["file"],
                },
              },
            },
          },
          responses: {
            "201": { description: "Read and indexed; the ingest report", content: json("UploadResponse") },
            "401": error("Missing or wrong administrator token"),
            "403": error("Uploads are disabled (no ADMIN_TOKEN set)"),
            "409": error("A document with this id exists"),
            "413": error("The file is larger than WEB_MAX_UPLOAD_MB"),
            "415": error("Not a PDF, web page or text file"),
            "422": error("The document could not be read"),
          },
        },
      },
      "/api/docs/{id}": {
        get: {
          summary: "A document's ingest report (tables, checks, warnings)",
          parameters: [idParam],
          responses: {
            "200": { description: "Report", content: json("DocReport") },
            "404": error("Unknown document"),
          },
        },
      },
      "/api/docs/{id}/file": {
        get: {
          summary: "The original file (PDF inline; web pages and text as text/plain downloads)",
          parameters: [idParam],
          responses: { "200": { description: "The file" }, "404": error("Unknown document") },
        },
      },
      "/api/docs/{id}/passage": {
        get: {
          summary: "The quote of an answer in its context (the PDF page's text or the surrounding lines)",
          parameters: [
            idParam,
            { name: "start", in: "query", required: true, schema: { type: "integer", minimum: 0 } },
            { name: "end", in: "query", required: true, schema: { type: "integer", minimum: 0 } },
          ],
          responses: {
            "200": { description: "Passage", content: json("Passage") },
            "404": error("Unknown document or span"),
          },
        },
      },
    },
    components: {
      schemas,
      securitySchemes: { adminToken: { type: "http", scheme: "bearer" } },
    },
  };
}
