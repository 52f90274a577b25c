# The two commands a person needs: `make demo` (the main job) and `make test` (every test).
CARGO ?= cargo
BIN := target/release/solartrade

.PHONY: deps browser build demo test bench fuzz clean

deps: ## install the system packages the build needs (clang and libclang for RocksDB's bindings)
	@bash scripts/install-deps.sh

browser: ## install Debian's chromium for the dashboard's browser test, when missing
	@bash scripts/install-browser.sh

build: deps
	$(CARGO) build --release -p solartrade

demo: build ## 4 validators, the paper's 623 homes bidding every 1 s slot; runs until Ctrl-C
	$(BIN) testnet local --validators 4 --households 623 --slot-ms 1000 --duration 15 --dir out/demo --keep

test: deps browser ## every test, in release mode (one build serves tests and binaries)
	$(CARGO) test --release --workspace

bench: deps
	$(CARGO) bench --workspace

clean:
	$(CARGO) clean
	rm -rf out
