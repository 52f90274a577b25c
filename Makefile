# The two commands a person needs: `make demo` (the main job) and `make test` (every test).
CARGO ?= cargo
BIN := target/release/solartrade

.PHONY: deps browser build demo test bench fuzz clean docker-image docker-testnet docker-down e2e e2e-full e2e-latency e2e-upgrade

deps: ## install the system packages the build needs (clang and libclang for RocksDB's bindings)
	@bash scripts/install-deps.sh

browser: ## install Debian's chromium for the dashboard's browser test, when missing
	@bash scripts/install-browser.sh

build: deps
	$(CARGO) test --release --workspace --no-run  # one build for the binaries and the tests (same features), so make test after make demo rebuilds nothing

DAY ?= 03-21
MECHANISM ?= sdr
LOTS ?= 0
GRID ?=
demo: build ## 4 validators, the paper's 623 homes bidding every 1 s slot on a Doha spring day (DAY=07-15: the paper's summer; MECHANISM=pay-as-clear: a double auction; LOTS=2 GRID="--loss-ppm 20000": the homes in two lots under one transformer, and the dashboard's grid panel); runs until Ctrl-C
	$(BIN) testnet local --validators 4 --households 623 --slot-ms 1000 --duration 15 --dir out/demo --keep --day $(DAY) --mechanism $(MECHANISM) --lots $(LOTS) $(GRID)

test: deps browser ## every test, in release mode (one build serves tests and binaries)
	$(CARGO) test --release --workspace
	@if command -v docker >/dev/null 2>&1; then echo "make test: the docker e2e suite is not part of make test; run make e2e (CI runs it in .ci/run)"; \
	else echo "make test: docker not found, skipping the docker e2e suite"; fi

bench: deps
	$(CARGO) bench --workspace

VALIDATORS ?= 4
MANIFEST ?= testnet/manifests/short.toml

docker-image: ## the node image solartrade:local (multi-stage Dockerfile with a registry, else assembled from the local binary)
	@bash scripts/docker-image.sh

docker-testnet: docker-image ## VALIDATORS validators (default 4) + meter-sim for 623 homes; prints the dashboard URL
	@VALIDATORS=$(VALIDATORS) bash scripts/docker-testnet.sh

docker-down: ## remove the docker testnet's containers, network, volumes and homes
	@bash scripts/docker-down.sh

e2e: docker-image ## the e2e runner on a fresh docker testnet (MANIFEST=..., VALIDATORS=...)
	$(CARGO) test --release --workspace --no-run  # make test's build: a no-op after it
	target/release/solartrade-e2e --manifest $(MANIFEST) --validators $(VALIDATORS)

e2e-full: MANIFEST = testnet/manifests/full.toml
e2e-full: e2e

e2e-latency: MANIFEST = testnet/manifests/latency.toml
e2e-latency: e2e

e2e-upgrade: MANIFEST = testnet/manifests/upgrade.toml
e2e-upgrade: e2e ## a live upgrade from the previous release (built from git on the first run) to this one

clean:
	$(CARGO) clean
	rm -rf out
