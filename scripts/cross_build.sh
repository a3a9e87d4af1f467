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
)
for t in "${targets[@]}"; do
	name=${t%%|*}
	cc=${t#*|}
	ok=1
	for src in $srcs; do
		obj="$out/$name-$(basename "${src%.c}").o"
		if ! $cc $flags -c "$src" -o "$obj" 2>"$out/$name.err"; then
			ok=0
			echo "[FAIL] library builds for $name: $src"
			sed 's/^/       /' "$out/$name.err" | head -20
			break
		fi
	done
	if [ $ok = 1 ]; then
		echo "[PASS] library builds for $name ($(echo $srcs | wc -w) files)"
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done

# Only the freestanding headers and the library's own may be included;
# a wire header (include/virtio/wire/) only <stdint.h> and <stddef.h>.
bad=$(grep -nE '^\s*#\s*include\s*<' drivers/virtio --include='*.[ch]' -r |
      grep -vE '<(stdint|stddef|stdbool|stdalign|stdarg|stdatomic|limits|stdnoreturn|float|iso646)\.h>')
own=$(grep -nE '^\s*#\s*include\s*"' drivers/virtio --include='*.[ch]' -r |
      grep -vE '#\s*include\s*"(virtio/)?(wire/)?[a-z_]+\.h"' )
wire=$(grep -nE '^\s*#\s*include' drivers/virtio/include/virtio/wire/*.h |
       grep -vE '#\s*include\s*<(stdint|stddef)\.h>')
if [ -z "$bad$own$wire" ]; then
	echo "[PASS] library includes only freestanding C headers and its own"
	passed=$((passed + 1))
else
	echo "[FAIL] library includes outside headers:"
	echo "$bad$own$wire" | sed 's/^/       /'
	failed=$((failed + 1))
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
if [ $ok = 1 ]; then
	echo "[PASS] wire headers stand alone ($(ls drivers/virtio/include/virtio/wire/*.h | wc -l) headers)"
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi

# The default hooks add no instruction: objdump of the two probes.
riscv64-unknown-elf-gcc -O2 -march=rv64gc -mabi=lp64d -ffreestanding -Idrivers/virtio/include \
	-c tests/disasm/hooks.c -o "$out/hooks.o"
riscv64-unknown-elf-objdump -d --no-show-raw-insn "$out/hooks.o" > "$out/hooks.dis"
body() { sed -n "/<$1>:/,/ret/p" "$out/hooks.dis" | tail -n +2 | awk '{print $2}' | tr '\n' ' '; }
read_body=$(body hook_mmio_read)
publish_body=$(body hook_publish)
if [ "$read_body" = "lw ret " ] && [ "$publish_body" = "fence sh ret " ]; then
	echo "[PASS] default hooks: MMIO read = one lw, virtio_wmb = one fence"
	passed=$((passed + 1))
else
	echo "[FAIL] default hooks add instructions: read '$read_body', publish '$publish_body'"
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
