SHELL := /bin/bash

# Test targets, included at the end of the top-level Makefile.
#   make check      everything: both compilers, host unit tests, QEMU matrix
#   make test-host  host unit tests of the library (ASan + UBSan)
#   make test-qemu  the kernel's self-test across QEMU configurations
-include tests/host/host.mk

.PHONY: check test-qemu
check:
	@scripts/check.sh

test-qemu: kernel
	python3 tests/qemu/matrix.py --kernel build/kernel.elf

# libFuzzer target: the input bytes are the device's behaviour.
#   make fuzz                       a short run (what `make check` does)
#   make fuzz FUZZ_RUNS=10000000    the long run quoted in README.md
FUZZ_RUNS ?= 100000
FUZZ_BIN := build/fuzz/fuzz_blk
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-DVIRTIO_PLATFORM_HEADER='"fuzz_platform.h"' -Idrivers/virtio/include -Itests/fuzz
$(FUZZ_BIN): tests/fuzz/fuzz_blk.c tests/fuzz/fuzz_platform.h $(wildcard drivers/virtio/*.c drivers/virtio/*.h drivers/virtio/include/virtio/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) tests/fuzz/fuzz_blk.c $(wildcard drivers/virtio/*.c) -o $@

.PHONY: fuzz
fuzz: $(FUZZ_BIN)
	@mkdir -p build/fuzz/corpus build/fuzz/artifacts
	$(FUZZ_BIN) -runs=$(FUZZ_RUNS) -artifact_prefix=build/fuzz/artifacts/ \
		-print_final_stats=1 build/fuzz/corpus tests/fuzz/corpus 2>&1 | \
		grep -E 'DONE|ERROR|SUMMARY|stat::number_of_executed_units|crash-|leak-|timeout-' ; \
		test $${PIPESTATUS[0]} -eq 0

# Instructions per request of the virtqueue code, counted by callgrind.
BENCH_HOST_BIN := build/bench/bench_host
$(BENCH_HOST_BIN): tests/bench/bench_host.c tests/bench/bench_platform.h $(wildcard drivers/virtio/*.c drivers/virtio/*.h drivers/virtio/include/virtio/*.h)
	@mkdir -p $(dir $@)
	cc -std=gnu11 -O2 -g -Wall -Wextra -Werror -DVIRTIO_PLATFORM_HEADER='"bench_platform.h"' \
		-Idrivers/virtio/include -Itests/bench tests/bench/bench_host.c \
		$(filter-out %/blk.c %/mmio.c,$(wildcard drivers/virtio/*.c)) -o $@

.PHONY: bench-host
bench-host: $(BENCH_HOST_BIN)
	@scripts/bench_host.sh $(BENCH_HOST_BIN)
