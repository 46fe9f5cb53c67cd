# The release bot as a container: the built artifact (npm run build) on production dependencies
# only (npm ci --omit=dev), run as an unprivileged user. test/build/production-build.test.ts runs
# this file's npm steps and its command in CI, so what ships is what was tested.
#
#   docker build -t release-bot .
#   docker run -d --env-file .env -v release-bot-data:/data \
#     -v "$PWD/data/services.yml:/config/services.yml:ro" -p 3100:3100 release-bot

ARG NODE_IMAGE=node:20-bookworm-slim

# Compilers for the sqlite3 addon, for when no prebuilt binary can be downloaded.
FROM ${NODE_IMAGE} AS toolchain
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./

FROM toolchain AS build
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY .ci/build.ts .ci/build.ts
COPY commands commands
COPY src src
RUN npm run build

FROM toolchain AS production-dependencies
RUN npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    DATA_DIR=/data \
    SERVICES_FILE=/config/services.yml \
    PORT=3100
WORKDIR /app
COPY --from=production-dependencies /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
RUN mkdir -p /data /config && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3100
# /healthz answers 200 on the leader and on a standby alike; it fails while the bot cannot serve.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3100) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
