# syntax=docker/dockerfile:1
#
# CareChat: one container, every store on SQLite under /data by default.
#
#   docker build -t carechat .
#   docker build -t carechat-blood --build-arg FEATURES=track3,postgres .
#   docker run -p 3000:3000 -v carechat-data:/data carechat
#
# FEATURES empty (the default) builds the default features (all tracks, all backends); otherwise
# it is passed as `--no-default-features --features "$FEATURES"`.
# Migrations are embedded in the binary (sqlx::migrate!), so only the builder needs migrations/.

ARG RUST_IMAGE=rust:1-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

# --- cargo-chef: cache the dependency build in its own layer -----------------------------------
FROM ${RUST_IMAGE} AS chef
RUN cargo install cargo-chef --locked --version ^0.1
WORKDIR /build

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

FROM chef AS builder
ARG FEATURES=""
COPY --from=planner /build/recipe.json recipe.json
# Dependencies only: this layer is reused until Cargo.toml/Cargo.lock (or FEATURES) change.
RUN if [ -z "$FEATURES" ]; then \
        cargo chef cook --release --locked --recipe-path recipe.json; \
    else \
        cargo chef cook --release --locked --no-default-features --features "$FEATURES" --recipe-path recipe.json; \
    fi
# The whole context (see .dockerignore): src/, migrations/, config/, openapi/ and anything a
# build script or include_str! may read.
COPY . .
RUN if [ -z "$FEATURES" ]; then \
        cargo build --release --locked --bin carechat; \
    else \
        cargo build --release --locked --no-default-features --features "$FEATURES" --bin carechat; \
    fi \
 && install -m 0755 target/release/carechat /usr/local/bin/carechat \
 && /usr/local/bin/carechat --help >/dev/null

# --- runtime -----------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE} AS runtime
# Unpinned: bookworm's security updates should flow in on rebuild.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 carechat \
 && useradd --system --uid 10001 --gid carechat --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin carechat \
 && mkdir -p /app /data \
 && chown carechat:carechat /data

WORKDIR /app
COPY --from=builder /usr/local/bin/carechat /usr/local/bin/carechat
COPY config/ /app/config/

ENV CARECHAT_SERVER__HOST=0.0.0.0 \
    CARECHAT_SERVER__PORT=3000 \
    CARECHAT_STORAGE__IDENTITY=sqlite:///data/carechat.db \
    CARECHAT_STORAGE__TRACK1=sqlite:///data/carechat.db \
    CARECHAT_STORAGE__TRACK2=sqlite:///data/carechat.db \
    CARECHAT_STORAGE__TRACK3=sqlite:///data/carechat.db \
    CARECHAT_STORAGE__ANALYTICS=sqlite:///data/carechat.db

# Declared after the chown so a fresh named volume starts owned by carechat.
VOLUME /data
USER 10001:10001
EXPOSE 3000
# Shell form so a failing curl (exit 7, 22...) maps to 1, the status Docker reads as unhealthy.
# hadolint ignore=DL3025
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD curl -fsS http://127.0.0.1:3000/health/live || exit 1

ENTRYPOINT ["carechat"]
CMD ["serve"]
