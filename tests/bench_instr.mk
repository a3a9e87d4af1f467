# `make bench-instr`: guest instructions and MMIO accesses per request of
# the kernel's `blk bench` (4 KiB random reads at QD 1, 8, 32, 128 on an
# aio=io_uring disk), by layer, counted from QEMU's -singlestep exec log
# (scripts/bench_instr.py; under a minute).
#   make bench-instr BENCH_INSTR_ARGS="--functions 20"   the top functions too
BENCH_INSTR_ARGS ?=
.PHONY: bench-instr
bench-instr: kernel
	$(PYTHON) scripts/bench_instr.py --kernel build/kernel.elf $(BENCH_INSTR_ARGS)
