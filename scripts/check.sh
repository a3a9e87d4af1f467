#!/usr/bin/env bash
# `make check`: every test of the project, ending with one line
# `N passed, M failed` that counts each case of each stage.  Stages that
# report their own count (host tests, QEMU matrix) add it; a build is one
# case.  Exit status is non-zero when anything failed.
set -u
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1
# Debian's python3 has python3-pexpect; another python3 on PATH may not.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3

passed=0
failed=0
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

# Run one stage; $1 = name, rest = command.  A stage that prints
# "N passed, M failed" contributes those counts; otherwise it counts as one
# case by its exit status.
stage() {
	local name=$1; shift
	echo "== $name"
	"$@" 2>&1 | tee "$log/$name.out"
	local rc=${PIPESTATUS[0]}
	local line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log/$name.out" | tail -n 1)
	if [ -n "$line" ]; then
		local p f
		p=$(echo "$line" | sed -E 's/^([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
		passed=$((passed + p))
		failed=$((failed + f))
		# a crash after the count line still fails the stage
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
	elif [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
	else
		echo "[FAIL] $name (exit status $rc)"
		failed=$((failed + 1))
	fi
}

stage build-gcc make -s kernel
stage build-clang make -s kernel-clang
stage cross-build scripts/cross_build.sh
stage size make -s size
stage layers $PY scripts/layer_check.py
stage static-analysis scripts/lint.sh
stage bench-build make -s build/bench/bench_host-stats-off build/bench/bench_host-stats-on
stage host-tests make -s test-host
stage net-stack make -s test-net
stage embed tests/embed_check.sh
stage newcomer tests/run_check.sh
stage coverage make -s coverage
stage fuzz make -s fuzz
stage shell $PY tests/qemu/shell.py
stage soak $PY tests/qemu/soak.py
stage silent $PY tests/qemu/silent.py
stage console $PY tests/qemu/console.py
stage gpu $PY tests/qemu/gpu.py
stage net $PY tests/qemu/net.py --kernel build/kernel.elf
stage input $PY tests/qemu/input.py
stage qemu-matrix $PY tests/qemu/matrix.py --kernel build/kernel.elf
# the clang-built kernel boots too, on a representative subset
stage qemu-matrix-clang $PY tests/qemu/matrix.py --kernel build/clang/kernel.elf --only mmio-modern mmio-legacy packed pci-modern aia-pci-msix

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
