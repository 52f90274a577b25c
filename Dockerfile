# Conventional multi-stage build for machines with registry access.
# Without a registry, `make docker-image` assembles the same image from the local binary.
FROM rust:1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends clang libclang-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release -p solartrade -p testnet && strip target/release/solartrade target/release/solartrade-delay-proxy

FROM debian:bookworm-slim
COPY --from=build /src/target/release/solartrade /src/target/release/solartrade-delay-proxy /usr/local/bin/
WORKDIR /data
EXPOSE 36656 36657 36660
ENTRYPOINT ["/usr/local/bin/solartrade"]
