#!/usr/bin/env bash
# Static analysis for `make check`: cppcheck's warning and portability
# checks (undefined behaviour, out-of-bounds indexing, uninitialised
# reads, wrapping arithmetic, pointers to different objects compared) over
# the library as another kernel would build it (its default platform hooks,
# for x86_64, aarch64 and riscv64) and over this kernel with the library
# and its own hooks.  Any finding fails its case; a deliberate one carries
# an inline `cppcheck-suppress` with the reason beside it.  Style checks are
# left out: they are taste, not defects.  Then clang's static analyzer over
# the library (as a host build) and over the kernel with the library.  Host
# tests and fuzzers are not linted (their harness's FAIL() does not return,
# which cppcheck cannot see).
set -u
cd "$(dirname "$0")/.."

passed=0
failed=0
common=(--enable=warning,portability --std=c11 --platform=unix64 --inline-suppr -q
	--error-exitcode=1 -D__GNUC__ -Idrivers/virtio/include -Idrivers/virtio/core)

# One case: $1 = its name, $2 = what the tool printed (nothing: a pass).
verdict() {
	if [ -z "$2" ]; then
		echo "[PASS] $1"
		passed=$((passed + 1))
	else
		echo "$2"
		echo "[FAIL] $1"
		failed=$((failed + 1))
	fi
}

check() {
	local what=$1; shift
	local out
	out=$(cppcheck "${common[@]}" "$@" 2>&1) || out=${out:-"cppcheck failed (exit status $?)"}
	verdict "cppcheck: $what" "$out"
}

for arch in __x86_64__ __aarch64__ "__riscv -D__riscv_xlen=64"; do
	# shellcheck disable=SC2086 # the riscv entry is two -D options
	check "the library, default platform hooks, -D${arch%% *}" -D$arch drivers/virtio
done
check "the kernel with the library and its hooks (riscv64)" -D__riscv -D__riscv_xlen=64 \
	-I. -Ikernel/virtio -DVIRTIO_PLATFORM_HEADER='"virtio_platform.h"' \
	kernel lib drivers/uart drivers/virtio

# clang's static analyzer: path-sensitive (a value read before any store
# on some path, a null pointer followed, a garbage shift), each file on
# its own, two at a time.  $1 = the case, $2 = the files (one a line), then
# the compiler's options.
analyze() {
	local what=$1 files=$2; shift 2
	local out
	out=$(echo "$files" | xargs -P 2 -I{} clang --analyze "$@" {} -o /dev/null 2>&1)
	verdict "clang --analyze: $what" "$out"
}

library_srcs=$(make -s print-virtio-srcs | tr ' ' '\n' | grep '\.c$')
kernel_srcs=$(ls kernel/*.c kernel/*/*.c lib/*.c drivers/uart/*.c)
analyze "the library" "$library_srcs" -std=c11 -ffreestanding -Idrivers/virtio/include \
	-Idrivers/virtio/core
analyze "the kernel with the library (riscv64)" "$kernel_srcs
$library_srcs" --target=riscv64-unknown-elf -march=rv64gc -std=gnu11 -ffreestanding -I. \
	-Idrivers/virtio/include -Idrivers/virtio/core -Ikernel/virtio \
	-DVIRTIO_PLATFORM_HEADER='"virtio_platform.h"'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
