#!/usr/bin/env bash
# The newcomer's path: `make run` installs what is missing as `make check`
# does (as root it runs apt-get; as a user it prints the sudo line), and the
# machine scripts/qemu.sh boots for `make run` has the disk and an entropy
# device (RNG=none drops it).  apt-get, dpkg and id are stand-ins on PATH
# here, so nothing is installed.
set -u
cd "$(dirname "$0")/.." || exit 1
. tests/cases.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Stand-ins: dpkg reports FAKE_MISSING as not installed (the rest as the
# real dpkg does), apt-get records its arguments and fails (so make stops
# there), id -u says FAKE_UID.
mkdir -p "$work/bin"
cat >"$work/bin/dpkg" <<'EOF'
#!/bin/sh
[ "$1" = -s ] && [ "$2" = "$FAKE_MISSING" ] && exit 1
exec /usr/bin/dpkg "$@"
EOF
cat >"$work/bin/apt-get" <<'EOF'
#!/bin/sh
echo "apt-get $*" >>"$APT_LOG"
[ "$1" = update ]
EOF
cat >"$work/bin/id" <<'EOF'
#!/bin/sh
[ "$1" = -u ] && { echo "$FAKE_UID"; exit 0; }
exec /usr/bin/id "$@"
EOF
chmod +x "$work/bin"/*
# fake_make UID TARGET: make TARGET with qemu-system-arm "missing"; its
# output in $work/out, apt-get's calls in $work/apt.
fake_make() {
	rm -f "$work/apt"
	touch "$work/apt"
	PATH="$work/bin:$PATH" FAKE_MISSING=qemu-system-arm FAKE_UID=$1 APT_LOG="$work/apt" \
		make --no-print-directory "$2" DISK="$work/none.img" >"$work/out" 2>&1
}

if fake_make 0 run; then
	result "make run as root installs what is missing" 1 "make run went on"
else
	grep -qx "apt-get install -y qemu-system-arm" "$work/apt"
	result "make run as root installs what is missing" $? \
		"apt-get calls: $(tr '\n' ';' <"$work/apt") output: $(tail -3 "$work/out")"
fi

fake_make 1000 run
rc=$?
[ $rc -ne 0 ] && [ ! -s "$work/apt" ] && grep -qx "sudo apt-get install -y qemu-system-arm" "$work/out"
result "make run as a user prints the sudo apt-get line" $? \
	"exit $rc; apt-get calls: $(tr '\n' ';' <"$work/apt") output: $(tail -3 "$work/out")"

fake_make 0 kernel
rc=$?
[ $rc -ne 0 ] && [ ! -s "$work/apt" ] && grep -q "run scripts/setup.sh to install them" "$work/out"
result "make kernel as root only reports what is missing" $? \
	"exit $rc; apt-get calls: $(tr '\n' ';' <"$work/apt") output: $(tail -3 "$work/out")"

# The machine of `make run`: the kernel sees the disk, the entropy device and
# every other device type it drives (DEVICES in scripts/qemu.sh).
python3 scripts/mkdisk.py --size 4M "$work/disk.img" >/dev/null
con=$(KERNEL=build/kernel.elf DISK="$work/disk.img" APPEND=selftest QEMU_EXTRA="-monitor none" \
	timeout 120 scripts/qemu.sh </dev/null 2>&1)
rc=$?
echo "$con" | grep -q "^rng0: entropy device, virtio-mmio v2 @0x10007000" &&
	echo "$con" | grep -q "rng0: bytes vary within and between reads" &&
	echo "$con" | grep -q "vda: geometry .*virtio-mmio v2 @0x10008000" &&
	echo "$con" | grep -q "^net0: .*virtio-mmio v2 .* link up" &&
	echo "$con" | grep -q "^display0: virtio-gpu" &&
	echo "$con" | grep -q "^input0: QEMU Virtio Keyboard" &&
	echo "$con" | grep -q "is found by its name 'org.vdisk.port0'" &&
	echo "$con" | grep -qE "^selftest: [0-9]+ passed, 0 failed"
ok=$?
[ $rc -eq 0 ] && [ $ok -eq 0 ]
result "make run's machine: the disk in the top mmio slot, entropy, network, display, keyboard and console devices, self-test passes" $? \
	"exit $rc; $(echo "$con" | grep -E 'rng0|net0|display0|input0|org.vdisk|vda|selftest:' | tail -8 | tr '\n' '|')"

argv=$(KERNEL=k DISK=none RNG=none scripts/qemu.sh --print)
! echo "$argv" | grep -q virtio-rng
result "RNG=none boots without an entropy device" $? "$argv"
argv=$(KERNEL=k DISK=none DEVICES=none scripts/qemu.sh --print)
! echo "$argv" | grep -qE 'virtio-(net|gpu|keyboard|serial)'
result "DEVICES=none leaves out the network, display, keyboard and console devices" $? "$argv"
argv=$(KERNEL=k DISK=none RNG=pci scripts/qemu.sh --print)
echo "$argv" | grep -q "'-device' 'virtio-rng-pci'"
result "RNG=pci puts it on PCI" $? "$argv"

finish
