#!/usr/bin/env bash
# Build the VirtIO library alone for every architecture and compiler it
# promises (-std=c11 -pedantic -Wall -Wextra -Werror, freestanding), and
# check that no library file includes anything but its own headers and the
# freestanding C headers.  One case per target; ends with `N passed, M failed`.
set -u
cd "$(dirname "$0")/.."
out=build/cross
mkdir -p "$out"
passed=0
failed=0
# the one source list: drivers/virtio/virtio.mk
srcs=$(make -s --no-print-directory SKIP_SETUP=1 print-virtio-srcs)

flags="-std=c11 -pedantic -Wall -Wextra -Werror -ffreestanding -O2 -Idrivers/virtio/include"
targets=(
	"riscv64-gcc|riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -mcmodel=medany"
	"riscv64-clang|clang --target=riscv64 -march=rv64gc -mabi=lp64d -mno-relax"
	"riscv32-gcc|riscv64-unknown-elf-gcc -march=rv32imac -mabi=ilp32"
	"riscv32-clang|clang --target=riscv32 -march=rv32imac -mabi=ilp32 -mno-relax"
	"aarch64-gcc|aarch64-linux-gnu-gcc"
	"aarch64-clang|clang --target=aarch64-none-elf"
	"x86_64-gcc|gcc"
	"x86_64-clang|clang --target=x86_64-linux-gnu"
	# big-endian: the byte-order helpers and the default MMIO hooks swap
	"aarch64_be-clang|clang --target=aarch64_be-none-elf"
)
# Count one case: $1 = 1 passed, anything else failed.
count() {
	if [ "$1" = 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}

# Compile every library source with the compiler command in "$@"; objects
# are named after $1.  Prints the first failure.
build_lib() {
	local name=$1; shift
	for src in $srcs; do
		if ! "$@" $flags -c "$src" -o "$out/$name-$(basename "${src%.c}").o" 2>"$out/$name.err"; then
			echo "[FAIL] library builds for $name: $src"
			sed 's/^/       /' "$out/$name.err" | head -20
			return 1
		fi
	done
}

for t in "${targets[@]}"; do
	name=${t%%|*}
	ok=0
	# shellcheck disable=SC2086 # the compiler command is words
	build_lib "$name" ${t#*|} && ok=1 &&
		echo "[PASS] library builds for $name ($(echo $srcs | wc -w) files)"
	count $ok
done

# Byte order, statically: sparse over every library source with the
# wire types __bitwise (wire/common.h), as Linux checks its __le16 and
# __virtio16.  A field stored in the wrong order (a legacy split ring
# field through a little-endian helper, say), a plain integer into a
# field, or the two kinds mixed is a warning, and any warning fails.
sp_out=""
for src in $srcs; do
	sp_out+=$(sparse -std=c11 -ffreestanding -Wbitwise -Wbitwise-pointer -Idrivers/virtio/include \
		"$src" 2>&1)
done
if [ -z "$sp_out" ]; then
	echo "[PASS] sparse: byte order of every shared field checked ($(echo $srcs | wc -w) files, no warning)"
	count 1
else
	echo "[FAIL] sparse: byte-order warnings"
	echo "$sp_out" | sed 's/^/       /' | head -20
	count 0
fi

# Where size_t is 32 bits a queue's memory size can exceed it: run
# tests/rv32/virtq_sizes.c (bare metal, QEMU virt riscv32) and see it
# report every impossible size as 0 and virtq_create() refuse the queue.
rv32=$out/rv32-virtq-sizes.elf
# shellcheck disable=SC2086 # the source list is words
if riscv64-unknown-elf-gcc -march=rv32imac -mabi=ilp32 -mcmodel=medany -mno-relax -std=gnu11 \
	-O2 -Wall -Wextra -Werror -ffreestanding -nostdlib -nostartfiles -ffunction-sections \
	-fdata-sections -Wl,--gc-sections -T tests/rv32/link.ld -Idrivers/virtio/include \
	tests/rv32/virtq_sizes.c $srcs -lgcc -o "$rv32" 2>"$out/rv32.err" &&
   timeout 30 qemu-system-riscv32 -machine virt -bios none -nographic -monitor none \
	-kernel "$rv32" </dev/null >"$out/rv32.out" 2>&1; then
	echo "[PASS] riscv32: queue sizes past a 32-bit size_t are refused ($(sed -n 's/.*: \([0-9]*\) checks passed.*/\1/p' "$out/rv32.out") checks, run in qemu-system-riscv32)"
	count 1
else
	echo "[FAIL] riscv32: queue sizes past a 32-bit size_t are refused"
	cat "$out/rv32.err" "$out/rv32.out" | tr -d '\r' | sed 's/^/       /' | head -20
	count 0
fi

# Only the freestanding headers and the library's own may be included;
# a wire header (include/virtio/wire/) only <stdint.h>, <stddef.h> and
# common.h (the byte-order types).
bad=$(grep -nE '^\s*#\s*include\s*<' drivers/virtio --include='*.[ch]' -r |
      grep -vE '<(stdint|stddef|stdbool|stdalign|stdarg|stdatomic|limits|stdnoreturn|float|iso646)\.h>')
own=$(grep -nE '^\s*#\s*include\s*"' drivers/virtio --include='*.[ch]' -r |
      grep -vE '#\s*include\s*"(virtio/)?(wire/)?[a-z_]+\.h"' )
wire=$(grep -nE '^\s*#\s*include' drivers/virtio/include/virtio/wire/*.h |
       grep -vE '#\s*include\s*(<(stdint|stddef)\.h>|"common\.h")')
if [ -z "$bad$own$wire" ]; then
	echo "[PASS] library includes only freestanding C headers and its own"
	count 1
else
	echo "[FAIL] library includes outside headers:"
	echo "$bad$own$wire" | sed 's/^/       /'
	count 0
fi

# Each wire header compiles alone, for a 64-bit, a 32-bit and a host
# target, and all of them together (spec.h): an embedder may take any one.
ok=1
for h in drivers/virtio/include/virtio/wire/*.h drivers/virtio/include/virtio/spec.h; do
	inc=${h#drivers/virtio/include/}
	for cc in "riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d" \
		  "riscv64-unknown-elf-gcc -march=rv32imac -mabi=ilp32" "clang --target=x86_64-linux-gnu"; do
		if ! echo "#include \"$inc\"" | $cc $flags -x c -fsyntax-only - 2>"$out/wire.err"; then
			ok=0
			echo "[FAIL] $inc does not compile alone with $cc"
			sed 's/^/       /' "$out/wire.err" | head -10
		fi
	done
done
[ $ok = 1 ] && echo "[PASS] wire headers stand alone ($(ls drivers/virtio/include/virtio/wire/*.h | wc -l) headers)"
count $ok

# VIRTIO_LOG: the format is a literal on the call's line and uses only
# %s %d %x (platform_default.h documents the set for embedders).
calls=$(grep -rnE 'VIRTIO_LOG\s*\(' drivers/virtio --include='*.[ch]' |
	grep -v 'include/virtio/platform_default.h' || true)
logbad=""
while IFS= read -r line; do
	[ -z "$line" ] && continue
	fmt=$(echo "$line" | grep -oE 'VIRTIO_LOG\s*\("([^"\\]|\\.)*"')
	if [ -z "$fmt" ]; then
		logbad="$logbad$line (format not a literal on this line)"$'\n'
		continue
	fi
	other=$(echo "$fmt" | grep -oE '%[^a-zA-Z%]*[a-zA-Z%]' | grep -vxE '%[sdx%]' | tr '\n' ' ')
	[ -n "$other" ] && logbad="$logbad$line (uses $other)"$'\n'
done <<< "$calls"
if [ -z "$logbad" ]; then
	echo "[PASS] VIRTIO_LOG calls use only %s %d %x ($(echo "$calls" | grep -c VIRTIO_LOG) calls)"
	count 1
else
	echo "[FAIL] VIRTIO_LOG conversions outside %s %d %x:"
	printf '%s' "$logbad" | sed 's/^/       /'
	count 0
fi

# The packed kick decision reads the device's event suppression structure
# (off_wrap and flags, §2.8.10) in one 32-bit load: the first load after
# the full barrier in virtq_packed_kick_prepare is `lw` at offset 0, not a
# 16-bit load of one field with the other read later (a mixed snapshot).
riscv64-unknown-elf-gcc -O2 -march=rv64gc -mabi=lp64d -mcmodel=medany -ffreestanding \
	-Idrivers/virtio/include -c drivers/virtio/core/virtq_packed.c -o "$out/kick.o" &&
	riscv64-unknown-elf-objdump -d --no-show-raw-insn "$out/kick.o" >"$out/kick.dis"
first_load=$(sed -n '/<virtq_packed_kick_prepare>:/,/^$/p' "$out/kick.dis" |
	sed -n '/fence\s*rw,rw/,$p' | awk '$2 ~ /^l[bhwd]u?$/ { print $2, $3; exit }')
if echo "$first_load" | grep -qE '^lw [a-z0-9]+,0\([a-z0-9]+\)$'; then
	echo "[PASS] packed kick decision: the device event structure in one 32-bit load ($first_load)"
	count 1
else
	echo "[FAIL] packed kick decision: first load after the barrier is '$first_load', want one lw at 0"
	count 0
fi

# The platform hooks in tests/disasm/hooks.c's two probes, compiled for
# riscv64 with the extra flags "$@" (objects named after $1): read_body is
# the MMIO read's mnemonics, publish_body the write barrier probe's, and
# publish the same with operands.
body() { sed -n "/<$1>:/,/ret/p" "$2" | tail -n +2 | awk '{print $2}' | tr '\n' ' '; }
insns() { sed -n "/<$1>:/,/ret/p" "$2" | tail -n +2 | awk '{print $2, $3}' | tr '\n' ' '; }
probe_hooks() {
	local tag=$1; shift
	read_body="" publish_body="" publish=""
	riscv64-unknown-elf-gcc -O2 -march=rv64gc -mabi=lp64d -ffreestanding -Idrivers/virtio/include \
		"$@" -c tests/disasm/hooks.c -o "$out/$tag.o" || return 1
	riscv64-unknown-elf-objdump -d --no-show-raw-insn "$out/$tag.o" > "$out/$tag.dis"
	read_body=$(body hook_mmio_read "$out/$tag.dis")
	publish_body=$(body hook_publish "$out/$tag.dis")
	publish=$(insns hook_publish "$out/$tag.dis")
}
# One case: the read is one lw, the barrier probe one fence, and that
# fence is $2.
check_hooks() {
	if [ "$read_body" = "lw ret " ] && [ "$publish_body" = "fence sh ret " ] &&
	   [ "${publish%% sh*}" = "$2" ]; then
		echo "[PASS] $1"
		count 1
	else
		echo "[FAIL] $1: read '$read_body', publish '$publish'"
		count 0
	fi
}

# The default hooks add no instruction.
probe_hooks hooks
check_hooks "default hooks: MMIO read = one lw, virtio_wmb = one fence" "fence w,w"

# One hook replaced, the rest default: a platform header defining only
# virtio_wmb builds the whole library, and in the probes its fence replaces
# the default one while the MMIO read stays the default single lw.
one="-DVIRTIO_PLATFORM_HEADER=\"wmb_only_platform.h\" -Itests/disasm"
# shellcheck disable=SC2086 # compiler commands are words
build_lib one-hook riscv64-unknown-elf-gcc -march=rv64gc -mabi=lp64d -mcmodel=medany $one &&
	probe_hooks one-hooks $one
check_hooks "a platform header replacing only virtio_wmb: the library builds, the hook is used, the rest default" \
	"fence rw,w"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
