# syntax=docker/dockerfile:1
# Build stage: compiles the native addons (nodejs-jieba, better-sqlite3) and builds the index of seeds/.
FROM node:20-bookworm AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
# The official image keeps Node's headers under /usr/local (not /usr as .npmrc says for a distro
# Node): point node-gyp there, so the addons build from these headers and nothing is downloaded.
ENV npm_config_nodedir=/usr/local
RUN npm ci --nodedir=/usr/local
COPY tsconfig.json ./
COPY src ./src
COPY intents ./intents
COPY seeds ./seeds
# Compile to dist/ (what every npm script runs: no TypeScript loader at start-up), then ingest at
# image build time so the container starts from a ready index (copied into the index volume the
# first time it is mounted empty).
RUN npm run build
RUN mkdir -p /data/docs && cp seeds/* /data/docs/ \
 && INDEX_DIR=/data/index npm run --silent ingest -- --docs /data/docs > /dev/null \
 && npm prune --omit=dev

# Run stage: the built node_modules (with the native addons), the compiled code (dist/) and the
# sources it was built from (their fingerprint keys the index), data, no compiler.
FROM node:20-bookworm-slim
ENV NODE_ENV=production DOCS_DIR=/data/docs INDEX_DIR=/data/index INTENTS_DIR=/app/intents
WORKDIR /app
COPY --from=build --chown=node:node /app /app
COPY --from=build --chown=node:node /data /data
USER node
# Documents (administrators may add files through the bot) and the index with the bot's journal.
VOLUME ["/data/docs", "/data/index"]
# Long polling needs no port; webhook mode listens on $PORT (default 8080).
EXPOSE 8080
# The bot stops within STOP_TIMEOUT_SECONDS (25 s) of SIGTERM: run `docker stop -t 35` (Docker's
# default is 10 s) so unsent replies are written to the journal rather than cut off.
STOPSIGNAL SIGTERM
CMD ["node", "dist/cli/start.js"]
