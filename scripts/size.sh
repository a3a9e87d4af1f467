#!/usr/bin/env bash
# `make size`: the VirtIO library's code size as an embedder would build it
# for a small RISC-V core: every source of drivers/virtio/virtio.mk (every
# device driver, both transports), riscv64-unknown-elf-gcc -Os, the default
# platform hooks (no VIRTIO_PLATFORM_HEADER).  One line per file (.text and
# the read-only data next to it), the totals, and the verdict against the
# target: .text of the whole library <= 32 KiB.  Exit status 1 when over.
set -u
cd "$(dirname "$0")/.."
CC=${CC_RISCV:-riscv64-unknown-elf-gcc}
SIZE=${SIZE_RISCV:-riscv64-unknown-elf-size}
LIMIT=$((32 * 1024))
out=build/size
rm -rf "$out" && mkdir -p "$out"
srcs=$(make -s --no-print-directory SKIP_SETUP=1 print-virtio-srcs)
flags="-std=c11 -Wall -Wextra -Werror -ffreestanding -Os -march=rv64gc -mabi=lp64d -mcmodel=medany
	-Idrivers/virtio/include"

echo "make size: drivers/virtio/ at -Os, $($CC --version | head -n 1), -march=rv64gc, default platform hooks"
printf '%-28s %7s %8s\n' file .text .rodata
text_total=0
ro_total=0
for src in $srcs; do
	obj=$out/$(basename "${src%.c}").o
	# shellcheck disable=SC2086 # the flags are words
	if ! $CC $flags -c "$src" -o "$obj"; then
		echo "size: $src does not build"
		exit 1
	fi
	# sections by name: .text (and .text.* with -ffunction-sections),
	# .rodata, .srodata and their .str/.cst variants
	read -r text ro < <($SIZE -A "$obj" |
		awk '$1 ~ /^\.text/ { t += $2 } $1 ~ /^\.s?rodata/ { r += $2 } END { print t + 0, r + 0 }')
	printf '%-28s %7d %8d\n' "${src#drivers/virtio/}" "$text" "$ro"
	text_total=$((text_total + text))
	ro_total=$((ro_total + ro))
done
printf '%-28s %7d %8d\n' total "$text_total" "$ro_total"
kib=$(awk -v b="$text_total" 'BEGIN { printf "%.1f", b / 1024 }')
if [ "$text_total" -le "$LIMIT" ]; then
	echo "size: .text $text_total bytes = $kib KiB, target <= 32 KiB: MET"
else
	echo "size: .text $text_total bytes = $kib KiB, target <= 32 KiB: MISSED"
	exit 1
fi
