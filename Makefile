# The two commands: `make demo` and `make test`. Both install what is missing (scripts/install-deps.sh,
# idempotent) and build first.
BUILD_DIR ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all deps configure build demo test python bench clean

all: build

deps:
	@bash scripts/install-deps.sh

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

# The real soccer matrix: the default (OMWU, finished on its settled support), then OMWU alone, whose last
# iterate reaches the same equilibrium with gap <= 1e-9.
demo: build
	./$(BUILD_DIR)/nlhf solve data/soccer.txt
	@echo
	./$(BUILD_DIR)/nlhf solve data/soccer.txt --no-polish

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# nlhf beside the hand-written NumPy loop, measured in one run, then the Google Benchmark suite.
bench: build
	bash scripts/bench.sh $(BUILD_DIR)/nlhf $(BUILD_DIR)/bench/nlhf_benchmarks

# The Python modules, into $(BUILD_DIR)/python: PYTHONPATH=$(BUILD_DIR)/python /usr/bin/python3 -c 'import nlhf'
# (and nlhf_neural, for training, when LibTorch is there)
python: configure
	@cmake --build $(BUILD_DIR) --target python_modules -j $(JOBS)

clean:
	rm -rf $(BUILD_DIR)
