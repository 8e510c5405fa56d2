# NoteBridge: the two commands of README.md, and a few helpers.
SWIFT ?= swift
PYTHON ?= python3

.PHONY: run test build release bench setup-run setup-test clean

## make run: install what is missing, build, and run the gateway with embedded defaults
## (MLLP on 127.0.0.1:2575, HTTP on 127.0.0.1:8080, SQLite under ./data). ARGS="--config notebridge.yaml" to pass options.
run: setup-run release
	.build/release/notebridge serve $(ARGS)

## make test: install what is missing and run every test (Swift unit tests, then the integration tests
## that drive a real notebridge process with the python hl7 package's mllp_send and raw sockets).
## The note engine is compiled optimized in this debug build (see Package.swift): integration tests start many
## gateways and CLIs, each of which would otherwise spend seconds on its first note.
## The integration tests run on TEST_WORKERS pytest-xdist workers (3 on the 2-core machines CI runs on: the tests spend
## part of their time waiting for processes, leases and peers, and a fourth worker overloaded the CPUs enough to time
## out audio transcription). Tests that build on each other carry an xdist_group mark and run on one worker, in order.
TEST_WORKERS ?= 3
test: export NOTEBRIDGE_OPTIMIZE_ENGINE = 1
test: setup-test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	NOTEBRIDGE_BIN=$(CURDIR)/.build/debug/notebridge $(PYTHON) -m pytest -q -n $(TEST_WORKERS) --dist loadgroup \
		Tests/integration

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --product notebridge

## make bench: the benchmarks of Benchmarks/RESULTS.md (release build, python peers on the same data)
bench: setup-test release
	Benchmarks/run.sh

setup-run:
	scripts/setup-debian.sh run

setup-test:
	scripts/setup-debian.sh test

clean:
	rm -rf .build
