# syntax=docker/dockerfile:1
# Build stage: compiles the nodejs-jieba native addon and builds the index of seeds/.
FROM node:20-bookworm AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
COPY intents ./intents
COPY seeds ./seeds
# Ingest at image build time so the container starts from a ready index.
RUN npm run --silent ingest -- --docs seeds > /dev/null && npm prune --omit=dev

# Run stage: the built node_modules (with the native addon), sources, data, no compiler.
FROM node:20-bookworm-slim
ENV NODE_ENV=production DOCS_DIR=/app/seeds INDEX_DIR=/app/index INTENTS_DIR=/app/intents
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
# Long polling needs no port; webhook mode listens on $PORT (default 8080).
EXPOSE 8080
CMD ["node", "--import", "tsx", "src/cli/start.ts"]
