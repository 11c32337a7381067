# make run   - build the admin app and start the server on SQLite at http://127.0.0.1:8080
# make test  - every test: Go (SQLite and PostgreSQL), frontend lint (ESLint) and unit tests, browser tests
.PHONY: run test test-go test-frontend test-e2e build frontend generate fuzz vet test-faults bench

GO ?= go
NPM ?= npm
CHROMIUM_PATH ?= /usr/bin/chromium
export CHROMIUM_PATH

run: frontend
	$(GO) run ./server serve

# ./apikeys with the admin app built into it (package frontend, -tags embedapp): it
# serves the app from any working directory.
build: frontend
	$(GO) build -tags embedapp -o apikeys ./server

test: test-go test-frontend test-e2e

# The module's packages, without the Go code that npm packages ship in node_modules.
PKGS = $$($(GO) list ./... | grep -v /node_modules/)

test-go: vet
	$(GO) test -count=1 -race $(PKGS)

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt would change:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet $(PKGS)
	$(GO) vet -tags faults ./server
	@# staticcheck on the hand-written packages (apikeys/ent is Ent's generated code)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $$($(GO) list ./... | grep -v /node_modules/ | grep -vx apikeys/ent)

node_modules/.package-lock.json: package-lock.json package.json frontend/package.json
	$(NPM) ci --no-audit --no-fund
	@touch $@

# The admin app, built into frontend/dist (which the server serves).
frontend: node_modules/.package-lock.json
	$(NPM) run build

# ESLint (typescript-eslint with types, React hooks; no warnings allowed), then vitest.
test-frontend: node_modules/.package-lock.json
	$(NPM) run lint
	$(NPM) test

# Browser tests: Debian's chromium against the real server on a fresh SQLite database.
test-e2e: frontend
	@if [ ! -x "$(CHROMIUM_PATH)" ] && [ "$$CI" != "true" ]; then \
	  echo; echo "*** SKIPPING the browser tests: no chromium at $(CHROMIUM_PATH) (apt-get install -y chromium). With CI=true this fails. ***"; echo; \
	else $(NPM) run e2e; fi

generate: node_modules/.package-lock.json
	$(GO) generate ./...
	$(NPM) run codegen

# Fuzz the key parser, the bearer-header parser and the GraphQL request handling, each
# for a bounded time (their seed corpora run in make test).
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./ent/keys
	$(GO) test -run '^$$' -fuzz '^FuzzParseBearer$$' -fuzztime $(FUZZTIME) ./server/keyauth
	$(GO) test -run '^$$' -fuzz '^FuzzGraphQLRequest$$' -fuzztime $(FUZZTIME) ./server/app

# Fault injection against the real binary (database outage, SIGTERM, SIGKILL); slow, so not in make test.
test-faults:
	$(GO) test -count=1 -tags faults -run Fault ./server

# The benchmark (bench/, see BENCHMARKS.md): builds the server as shipped, seeds
# SQLite and a fresh PostgreSQL schema (1,000,000 keys), prints every figure next to its
# target and writes the report to /tmp/bench-report.md; about 20 minutes on 2 cores.
# BENCH_QUICK=1 for small seeds and short rounds; BENCH_ARGS for more flags (go run ./bench -h).
bench:
	$(GO) run ./bench $(BENCH_ARGS)
