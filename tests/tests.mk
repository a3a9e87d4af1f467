SHELL := /bin/bash

# Test targets, included at the end of the top-level Makefile.
#   make check      everything: both compilers, host unit tests, QEMU matrix
#   make test-host  host unit tests of the library (ASan + UBSan)
#   make test-net   host unit tests of the kernel's network stack
#   make test-qemu  the kernel's self-test across QEMU configurations
-include tests/host/host.mk
-include tests/net/net.mk

.PHONY: check test-qemu
check:
	@scripts/check.sh

test-qemu: kernel
	$(PYTHON) tests/qemu/matrix.py --kernel build/kernel.elf

# libFuzzer target: the input bytes are the device's behaviour.
#   make fuzz                       a short run (what `make check` does)
#   make fuzz FUZZ_RUNS=10000000    the long run quoted in README.md
FUZZ_RUNS ?= 100000
FUZZ_BIN := build/fuzz/fuzz_blk
FUZZ_PCI_BIN := build/fuzz/fuzz_pci
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-DVIRTIO_PLATFORM_HEADER='"fuzz_platform.h"' -Idrivers/virtio/include -Itests/fuzz
FUZZ_DEPS := tests/fuzz/fuzz_platform.h $(VIRTIO_SRCS) $(VIRTIO_HEADERS)
build/fuzz/%: tests/fuzz/%.c $(FUZZ_DEPS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $< $(VIRTIO_SRCS) -o $@

# Each target from its seed corpus; a crash stops the run and fails.
.PHONY: fuzz
fuzz: $(FUZZ_BIN) $(FUZZ_PCI_BIN)
	@mkdir -p build/fuzz/corpus build/fuzz/corpus-pci build/fuzz/artifacts
	@set -o pipefail; for t in blk pci; do \
		bin=build/fuzz/fuzz_$$t; \
		seeds=tests/fuzz/corpus; work=build/fuzz/corpus; \
		if [ $$t = pci ]; then seeds=tests/fuzz/corpus-pci; work=build/fuzz/corpus-pci; fi; \
		mkdir -p $$seeds; \
		echo "fuzz_$$t:"; \
		$$bin -runs=$(FUZZ_RUNS) -artifact_prefix=build/fuzz/artifacts/ \
			-print_final_stats=1 $$work $$seeds 2>&1 | \
			grep -E 'DONE|ERROR|SUMMARY|stat::number_of_executed_units|crash-|leak-|timeout-' \
			|| exit 1; \
	done

# Instructions per request of the virtqueue code, counted by callgrind,
# built twice: per-queue statistics off (VIRTIO_STATS=0) and on (the default).
BENCH_HOST_BIN := build/bench/bench_host
BENCH_HOST_DEPS := tests/bench/bench_host.c tests/bench/bench_platform.h $(VIRTIO_SRCS) $(VIRTIO_HEADERS)
BENCH_HOST_CC = cc -std=gnu11 -O2 -g -Wall -Wextra -Werror -DVIRTIO_PLATFORM_HEADER='"bench_platform.h"' \
		-Idrivers/virtio/include -Itests/bench tests/bench/bench_host.c \
		$(addprefix $(VIRTIO_DIR)/,$(VIRTIO_CORE_SRCS))
$(BENCH_HOST_BIN)-stats-off: $(BENCH_HOST_DEPS)
	@mkdir -p $(dir $@)
	$(BENCH_HOST_CC) -DVIRTIO_STATS=0 -o $@
$(BENCH_HOST_BIN)-stats-on: $(BENCH_HOST_DEPS)
	@mkdir -p $(dir $@)
	$(BENCH_HOST_CC) -DVIRTIO_STATS=1 -o $@

.PHONY: bench-host
bench-host: $(BENCH_HOST_BIN)-stats-off $(BENCH_HOST_BIN)-stats-on
	@scripts/bench_host.sh $(BENCH_HOST_BIN)-stats-off $(BENCH_HOST_BIN)-stats-on

# Line coverage of drivers/virtio/ by the host unit tests (gcov + lcov).
#   make coverage            prints the per-file table and the total; fails
#                            under COVERAGE_MIN percent
COVERAGE_MIN ?= 95
COV_BUILD := build/coverage
COV_CFLAGS := -std=gnu11 -g -O0 --coverage -DVIRTIO_PLATFORM_HEADER='"sim/sim_platform.h"' \
	-Idrivers/virtio/include -Itests/host
.PHONY: coverage
coverage:
	@rm -rf $(COV_BUILD) && mkdir -p $(COV_BUILD)
	@cd $(COV_BUILD) && cc $(COV_CFLAGS:-I%=-I$(CURDIR)/%) \
		$(addprefix $(CURDIR)/,$(VIRTIO_SRCS) $(HOST_TEST_SRCS)) -o unit
	@cd $(COV_BUILD) && ./unit > unit.log 2>&1 || { tail -5 unit.log; exit 1; }
	@lcov -q -c -d $(COV_BUILD) -o $(COV_BUILD)/all.info --rc lcov_branch_coverage=0 2>/dev/null
	@lcov -q -e $(COV_BUILD)/all.info '*/drivers/virtio/*' -o $(COV_BUILD)/lib.info 2>/dev/null
	@lcov --list $(COV_BUILD)/lib.info 2>/dev/null | sed -e 's|.*drivers/virtio/||'
	@lcov --summary $(COV_BUILD)/lib.info 2>&1 | awk -v min=$(COVERAGE_MIN) \
		'/lines/ { pct = $$2 + 0; print "drivers/virtio line coverage: " $$2 " (minimum " min "%)"; \
		  exit (pct < min) }'
-include tests/bench.mk
-include tests/bench_instr.mk
