# Thin wrapper around CMake. Every target first makes sure the Debian
# packages shroud needs are installed (scripts/deps.sh installs only what is
# missing).
MAKEFLAGS += --no-print-directory
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 20

.PHONY: all deps build fuzz-build test test-normal test-asan test-fuzz demo bench fuzz clean

all: build

deps:
	@./scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

test: test-normal test-asan test-fuzz

test-normal: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSHROUD_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ctest --output-on-failure -j $(JOBS)

# The libFuzzer targets, built with clang (which also catches clang-only
# warnings, errors under -Werror); test-fuzz runs each briefly from its
# seeds, fuzz for FUZZ_SECONDS.
fuzz-build: deps
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSHROUD_FUZZ=ON >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)

test-fuzz: fuzz-build
	@./scripts/run-fuzz.sh --smoke $(FUZZ_BUILD) 2000

demo: build
	./$(BUILD)/shroud demo
	./$(BUILD)/shroud sim scenarios/quick.json --out $(BUILD)/sim-quick
	./scripts/demo-testnet.sh $(BUILD)

bench: build
	./$(BUILD)/shroud bench zk

fuzz: fuzz-build
	@./scripts/run-fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
