#!/usr/bin/env bash
# The library as another project takes it: virtio.mk's source list against
# the tree, the CMake add_subdirectory() route (every driver, and blk over
# mmio with the embedder's own platform header), and the two bare-metal
# examples (examples/minimal on riscv64, examples/aarch64), each built by
# its own Makefile including virtio.mk and booted in QEMU over legacy and
# modern virtio-mmio to read a disk's first sector.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/cases.sh
# The library sources virtio.mk selects, for make's command-line variables.
srcs() { make -s --no-print-directory SKIP_SETUP=1 print-virtio-srcs "$@"; }

# Every library source is in the one list, and the list names no missing file.
listed=$(srcs | tr ' ' '\n' | sort)
present=$(find drivers/virtio -name '*.c' | sort)
diff=$(diff <(echo "$listed") <(echo "$present"))
[ -z "$diff" ]
ok=$?
result "virtio.mk lists every drivers/virtio source ($(echo "$listed" | wc -l) files)" $ok \
	"list (<) and tree (>) differ: $(echo "$diff" | grep '^[<>]' | tr '\n' ' ')"

# cmake_case NAME DIR EXPECTED-PLATFORM DEVICES TRANSPORTS [cmake -D options...]: configures
# tests/cmake, builds, runs embed, and checks the archive holds exactly the
# objects virtio.mk selects for the same choice.
cmake_case() {
	local name=$1 dir=$2 platform=$3 devices=$4 transports=$5
	shift 5
	rm -rf "$dir"
	local out
	if ! out=$(cmake -S tests/cmake -B "$dir" "$@" 2>&1 && cmake --build "$dir" 2>&1 &&
		   "$dir/embed" 2>&1); then
		result "$name" 1 "$(echo "$out" | tail -5)"
		return
	fi
	local want got sel=()
	# "all": what virtio.mk selects by default, whatever drivers there are
	[ "$devices" != all ] && sel+=(VIRTIO_DEVICES="$devices")
	[ "$transports" != all ] && sel+=(VIRTIO_TRANSPORTS="$transports")
	want=$(srcs "${sel[@]}" | tr ' ' '\n' | xargs -n1 basename | sed 's/$/.o/' | sort)
	got=$(ar t "$dir/virtio/libvirtio.a" | sort)
	if [ "$want" != "$got" ]; then
		result "$name" 1 "archive holds $(echo "$got" | tr "\n" " "), virtio.mk selects $(echo "$want" | tr "\n" " ")"
	elif ! echo "$out" | grep -q "platform: $platform"; then
		result "$name" 1 "embed.c saw $(echo "$out" | grep platform:), not $platform"
	else
		result "$name" 0
	fi
}
cmake_case "cmake add_subdirectory(drivers/virtio) links every driver" build/cmake \
	default all all
cmake_case "cmake VIRTIO_DEVICES=blk VIRTIO_TRANSPORTS=mmio with its own platform header links" \
	build/cmake-blk-mmio embed_platform.h blk mmio \
	-DVIRTIO_DEVICES=blk -DVIRTIO_TRANSPORTS=mmio \
	-DVIRTIO_PLATFORM_HEADER="$PWD/tests/cmake/embed_platform.h"

python3 scripts/mkdisk.py --size 1M build/example-disk.img >/dev/null
# example [ENDIAN=big] DIR ELF QEMU-COMMAND...: builds examples/DIR into
# build/examples/DIR (the library's objects into its virtio/, none next to
# the sources) and boots it over legacy and modern virtio-mmio: it must
# read the 1 MiB disk's capacity (a 64-bit config field) and sector 0.
example() {
	local vars=() tag=""
	if [ "${1%%=*}" = ENDIAN ]; then
		vars=("$1")
		tag="-${1#ENDIAN=}-endian"
		shift
	fi
	local dir=$1 elf=$2
	shift 2
	local out=build/examples/$dir$tag name=examples/$dir${tag:+ (${tag#-})}
	rm -rf "$out"
	local log
	if ! log=$(make -s -C "examples/$dir" OUT="$PWD/$out" "${vars[@]}" 2>&1); then
		result "$name builds" 1 "$(echo "$log" | tail -5)"
		return
	fi
	local board lines stray
	board=$(cat "examples/$dir"/*.c | wc -l)
	lines=$((board + $(wc -l < examples/common/read_sector.c)))
	stray=$(find drivers/virtio -name '*.o')
	[ "$lines" -le 170 ] && [ -z "$stray" ] && [ -n "$(ls "$out"/virtio/core/*.o)" ]
	result "$name builds ($board lines of board C + the shared read_sector.c)" $? \
		"$lines lines (over 170), or objects outside build/: $stray"
	for legacy in true false; do
		local con rc want
		con=$(timeout 30 "$@" -monitor none -kernel "$out/$elf" \
			-global virtio-mmio.force-legacy=$legacy \
			-drive file=build/example-disk.img,if=none,format=raw,id=hd0 \
			-device virtio-blk-device,drive=hd0 </dev/null 2>&1)
		rc=$?
		want="found virtio-mmio v2"
		[ $legacy = true ] && want="found virtio-mmio v1 (legacy)"
		echo "$con" | grep -q "$want" &&
			echo "$con" | grep -q "capacity in sectors 0x0000000000000800" &&
			echo "$con" | grep -q "sector 0: VDISK TEST IMAGE: sector 0"
		local ok=$?
		[ $rc -eq 0 ] && [ $ok -eq 0 ]
		result "$name reads sector 0 (force-legacy=$legacy)" $? \
			"exit $rc; $(echo "$con" | tail -3 | tr '\n' '|')"
	done
}
example minimal minimal.elf qemu-system-riscv64 -machine virt -bios default -nographic
# -semihosting: the example's exit status (see examples/aarch64/board.c)
example aarch64 aarch64.elf qemu-system-aarch64 -machine virt -cpu cortex-a53 -nographic \
	-semihosting

# Big-endian: registers and modern rings little-endian, a legacy device's
# rings and config in the guest's order (QEMU takes the CPU's data order at
# the device's reset).
example ENDIAN=big aarch64 aarch64.elf qemu-system-aarch64 -machine virt -cpu cortex-a53 \
	-nographic -semihosting

# A failure reaches the host too: no disk, exit status 1.
con=$(timeout 30 qemu-system-aarch64 -machine virt -cpu cortex-a53 -nographic -semihosting \
	-monitor none -kernel build/examples/aarch64/aarch64.elf </dev/null 2>&1)
rc=$?
[ $rc -eq 1 ] && echo "$con" | grep -q "aarch64: no virtio-blk device: no virtio device"
result "examples/aarch64 without a disk says so and exits 1" $? "exit $rc; $(echo "$con" | tail -2)"
finish
