#!/usr/bin/env bash
# Static analysis for `make check`: cppcheck's warning and portability
# checks (undefined behaviour, out-of-bounds indexing, uninitialised
# reads, wrapping arithmetic, pointers to different objects compared) over
# the library as another kernel would build it (its default platform hooks,
# for x86_64, aarch64 and riscv64) and over this kernel with the library
# and its own hooks.  Any finding fails its case; a deliberate one carries
# an inline `cppcheck-suppress` with the reason beside it.  Style checks are
# left out: they are taste, not defects.  Host tests and fuzzers are not
# linted (their harness's FAIL() does not return, which cppcheck cannot see).
set -u
cd "$(dirname "$0")/.."

passed=0
failed=0
common=(--enable=warning,portability --std=c11 --platform=unix64 --inline-suppr -q
	--error-exitcode=1 -D__GNUC__ -Idrivers/virtio/include -Idrivers/virtio/core)

check() {
	local what=$1; shift
	local out
	if out=$(cppcheck "${common[@]}" "$@" 2>&1) && [ -z "$out" ]; then
		echo "[PASS] cppcheck: $what"
		passed=$((passed + 1))
	else
		echo "$out"
		echo "[FAIL] cppcheck: $what"
		failed=$((failed + 1))
	fi
}

for arch in __x86_64__ __aarch64__ "__riscv -D__riscv_xlen=64"; do
	# shellcheck disable=SC2086 # the riscv entry is two -D options
	check "the library, default platform hooks, -D${arch%% *}" -D$arch drivers/virtio
done
check "the kernel with the library and its hooks (riscv64)" -D__riscv -D__riscv_xlen=64 \
	-I. -Ikernel/virtio -DVIRTIO_PLATFORM_HEADER='"virtio_platform.h"' \
	kernel lib drivers/uart drivers/virtio

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
