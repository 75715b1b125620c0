# The two commands: `make demo` and `make test`. Both install what is missing (scripts/install-deps.sh,
# idempotent) and build first.
BUILD_DIR ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# ccache (installed by scripts/install-deps.sh) makes rebuilds of unchanged files free.
LAUNCHER := $(if $(shell command -v ccache 2>/dev/null),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache,)

SANITIZE_DIR ?= build-sanitize
FUZZ_SECONDS ?= 60

.PHONY: all deps configure build demo test unit-test sanitize-configure sanitize fuzz fuzz-run python python-neural bench clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release $(LAUNCHER) > /dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# The real soccer matrix: the default (OMWU, finished on its settled support), then OMWU alone, whose last
# iterate reaches the same equilibrium with gap <= 1e-9.
# Only the command line is built first (not the tests): the first answer comes minutes sooner.
demo: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS) --target nlhf_cli
	./$(BUILD_DIR)/nlhf solve data/soccer.txt
	@echo
	./$(BUILD_DIR)/nlhf solve data/soccer.txt --no-polish

# The whole suite: the release build's tests, then the unit and command-line tests again under
# ASan+UBSan, then every reader's fuzzer for a bounded time (15 s each).
test: unit-test sanitize
	@$(MAKE) --no-print-directory fuzz-run FUZZ_SECONDS=15

unit-test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# clang with AddressSanitizer + UBSan (any report fails), LibTorch and Python left out; the same build
# holds the libFuzzer harnesses (docs/reliability.md).
sanitize-configure: deps
	@cmake -S . -B $(SANITIZE_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS=-O1 \
	  -DCMAKE_CXX_COMPILER=clang++ -DNLHF_SANITIZE=ON -DNLHF_FUZZ=ON -DNLHF_TORCH=OFF -DNLHF_PYTHON=OFF -DNLHF_CUDA=OFF \
	  -DNLHF_NATIVE=OFF $(LAUNCHER) > /dev/null

# The reproduction's tests run only in the release suite: they exercise the experiment driver over
# solvers the other tests cover, and take 20 minutes under the sanitizers.
sanitize: sanitize-configure
	@cmake --build $(SANITIZE_DIR) -j $(JOBS)
	cd $(SANITIZE_DIR) && ctest --output-on-failure -j $(JOBS) -E '^Reproduce\.|^reproduce_quick_runs$$'

# Every reader's libFuzzer harness for FUZZ_SECONDS each (default 60); any finding fails.
fuzz: sanitize-configure
	@cmake --build $(SANITIZE_DIR) -j $(JOBS) --target fuzzers
	@$(MAKE) --no-print-directory fuzz-run

fuzz-run:
	bash scripts/fuzz.sh $(SANITIZE_DIR) $(FUZZ_SECONDS)

# nlhf beside the hand-written NumPy loop, measured in one run, then the Google Benchmark suite.
bench: build
	bash scripts/bench.sh $(BUILD_DIR)/nlhf $(BUILD_DIR)/bench/nlhf_benchmarks

# The Python module, into $(BUILD_DIR)/python: PYTHONPATH=$(BUILD_DIR)/python /usr/bin/python3 -c 'import nlhf'.
# Only what `import nlhf` needs is built (not LibTorch's layer); `make python-neural` adds nlhf_neural.
python: configure
	@cmake --build $(BUILD_DIR) --target nlhf_python -j $(JOBS)

python-neural: configure
	@cmake --build $(BUILD_DIR) --target python_modules -j $(JOBS)

clean:
	rm -rf $(BUILD_DIR) $(SANITIZE_DIR)
