# `make bench`: the kernel's `blk bench` under QEMU (aio=threads, aio=io_uring,
# null-co) next to its ceiling (../shared/limit-probe, a minimal polled guest
# on the same QEMU command line, booted before and after the kernel), the
# U-Boot anchor (../shared/peer-uboot) and host dd, plus the boot time with
# eight disks, in one invocation; one table in build/bench/report.txt, raw
# figures in build/bench/results.json, IOPS against queue depth in
# build/bench/iops.png.  Takes about 7 minutes.
#   BENCH_QUICK=1 make bench     a small subset (about a minute)
LIMIT_PROBE_DIR ?= ../shared/limit-probe
.PHONY: bench bench-probe
bench: kernel bench-probe
	$(PYTHON) scripts/bench.py --kernel build/kernel.elf --probe build/probe/probe-ceiling.elf

# Built into build/probe (its Makefile writes nothing into its own directory).
bench-probe:
	@if [ -f $(LIMIT_PROBE_DIR)/Makefile ]; then \
		$(MAKE) -s -C $(LIMIT_PROBE_DIR) OUT=$(CURDIR)/build/probe; \
	else \
		echo "bench: no $(LIMIT_PROBE_DIR): the report will have no ceiling"; \
	fi

# `make size`: the library's .text per file at -Os for riscv64 and the
# total, against the 32 KiB target (fails when over); `make check` runs it.
.PHONY: size
size:
	@scripts/size.sh
