#!/usr/bin/env bash
# The library as another project takes it: the CMake add_subdirectory()
# route, and examples/minimal (its own Makefile including virtio.mk, its own
# platform header) built and booted in QEMU to read a disk's first sector.
set -u
cd "$(dirname "$0")/.."
passed=0
failed=0
result() { # name, ok(0/1), detail
	if [ "$2" = 0 ]; then echo "[PASS] $1"; passed=$((passed + 1));
	else echo "[FAIL] $1: $3"; failed=$((failed + 1)); fi
}

rm -rf build/cmake
if out=$(cmake -S tests/cmake -B build/cmake 2>&1 && cmake --build build/cmake 2>&1 &&
	 build/cmake/embed 2>&1); then
	result "cmake add_subdirectory(drivers/virtio) links" 0
else
	result "cmake add_subdirectory(drivers/virtio) links" 1 "$(echo "$out" | tail -5)"
fi

if out=$(make -s -C examples/minimal OUT="$PWD/build/example" 2>&1); then
	lines=$(wc -l < examples/minimal/main.c)
	[ "$lines" -le 150 ]
	result "examples/minimal builds ($lines lines of C)" $? "over 150 lines"
	python3 scripts/mkdisk.py --size 1M build/example/disk.img >/dev/null
	for legacy in true false; do
		con=$(timeout 30 qemu-system-riscv64 -machine virt -bios default -nographic \
			-monitor none -kernel build/example/minimal.elf \
			-global virtio-mmio.force-legacy=$legacy \
			-drive file=build/example/disk.img,if=none,format=raw,id=hd0 \
			-device virtio-blk-device,drive=hd0 </dev/null 2>&1)
		rc=$?
		echo "$con" | grep -q "minimal: sector 0: VDISK TEST IMAGE"
		ok=$?
		[ $rc -eq 0 ] && [ $ok -eq 0 ]
		result "examples/minimal reads sector 0 (force-legacy=$legacy)" $? \
			"exit $rc; $(echo "$con" | grep minimal | tail -3)"
	done
else
	result "examples/minimal builds" 1 "$(echo "$out" | tail -5)"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
