# make run   - start the server on SQLite (data/apikeys.db) at http://127.0.0.1:8080
# make test  - every test: Go on SQLite and PostgreSQL (frontend tests join with the SPA)
.PHONY: run test build generate fuzz vet

GO ?= go

run:
	$(GO) run ./server serve

build:
	$(GO) build -o apikeys ./server

test: vet
	$(GO) test -count=1 -race ./...

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './node_modules/*'))" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

generate:
	$(GO) generate ./...

# Fuzz the key parser for a bounded time (its seed corpus runs in make test).
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./server/keys
