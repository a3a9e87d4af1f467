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

# libFuzzer targets over the host simulator (tests/fuzz/fuzz_sim.h): the
# input bytes are the simulated device's behaviour and the caller's steps,
# the simulator's driver-rule checks are the oracle (a violation aborts like
# a crash).  One target per device driver; fuzz_pci adds the PCI transport.
#   make fuzz                       each target from its seed corpus (what `make check` does)
#   make fuzz FUZZ_RUNS=10000000    longer runs
#   make fuzz-merge                 fold what the runs found into tests/fuzz/corpus-*
FUZZ_TARGETS := blk pci rng input console net gpu
FUZZ_RUNS ?= 5000
FUZZ_BINS := $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
FUZZ_SIM_SRCS := $(wildcard tests/host/sim/*.c tests/host/sim/*/*.c) \
	tests/fuzz/fuzz_sim.c tests/fuzz/fuzz_blk_io.c
# The bounded waits' budgets, small: a device that never answers (a reset
# that never completes, a FLUSH before a cache-mode switch, a control
# command) costs 1 ms of the simulated clock, 1000 relaxes, not the
# defaults' 1 s or 5 s (millions: fuzz_blk ran 50 inputs a second, and
# libFuzzer's timeout).  No check is weakened: the library gives up the
# same way, only sooner.
FUZZ_WAIT_FLAGS ?= -DVIRTIO_RESET_TIMEOUT_NS=1000000ull -DVBLK_CACHE_FLUSH_TIMEOUT_NS=1000000ull \
	-DVNET_CTRL_TIMEOUT_NS=1000000ull
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-DVIRTIO_PLATFORM_HEADER='"sim/sim_platform.h"' $(FUZZ_WAIT_FLAGS) \
	-Idrivers/virtio/include -Itests/host -Itests/fuzz
FUZZ_HEADERS := $(VIRTIO_HEADERS) \
	$(wildcard tests/fuzz/*.h tests/host/sim/*.h tests/host/sim/*/*.h tests/host/harness/unit.h)
# The library and the simulator compiled once for every target.
FUZZ_OBJS := $(patsubst %.c,build/fuzz/obj/%.o,$(FUZZ_SIM_SRCS) $(VIRTIO_SRCS))
$(FUZZ_OBJS): build/fuzz/obj/%.o: %.c $(FUZZ_HEADERS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -c $< -o $@
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS) $(FUZZ_HEADERS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $< $(FUZZ_OBJS) -o $@

.PHONY: fuzz fuzz-merge
fuzz: $(FUZZ_BINS)
	@tests/fuzz/run.sh run $(FUZZ_RUNS) $(FUZZ_TARGETS)

fuzz-merge: $(FUZZ_BINS)
	@tests/fuzz/run.sh merge $(FUZZ_TARGETS)

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
