# `make bench`: the kernel's `blk bench` under QEMU (aio=threads, aio=io_uring,
# null-co) next to the U-Boot anchor (../shared/peer-uboot) and host dd, in
# one invocation; one table in build/bench/report.txt, raw figures in
# build/bench/results.json.  Takes about 4 minutes (3 s per run, 69 runs).
#   BENCH_QUICK=1 make bench     a tiny subset (under a minute)
.PHONY: bench
bench: kernel
	$(PYTHON) scripts/bench.py --kernel build/kernel.elf

# `make size`: the library's .text per file at -Os for riscv64 and the
# total, against the 32 KiB target (fails when over); `make check` runs it.
.PHONY: size
size:
	@scripts/size.sh
