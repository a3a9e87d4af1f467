#!/bin/sh
# Builds and runs the QEMU command line for the test kernel; `make run`,
# `make debug` and `make bench` (scripts/bench.py, through --print) come
# through here so they boot the same machine.  The tests in tests/qemu/ build
# their own command lines, one machine per case.
#
#   scripts/qemu.sh [--debug] [--print] [-- extra QEMU arguments...]
#
#   --debug   add -s -S (gdb stub on :1234, CPU stopped) and print the gdb line
#   --print   print the command (shell-quoted) instead of running it
#
# Environment (all optional):
#   KERNEL      kernel ELF                  (build/kernel.elf)
#   DISK        raw disk image, or "none"   (build/disk.img)
#   RNG         entropy device: mmio (virtio-rng-device, after the disk, so
#               the disk keeps the top mmio slot), pci (virtio-rng-pci), or
#               none                        (mmio)
#   DEVICES     the other virtio devices, after the disk and the entropy
#               device, as a space-separated list of: net (virtio-net-device
#               on QEMU's user network: DHCP, ping 10.0.2.2), gpu
#               (virtio-gpu-device, seen with QMP screendump or a display),
#               keyboard (virtio-keyboard-device), serial (virtio-serial-device
#               with one named port, org.vdisk.port0, on a null chardev; left
#               out with CONSOLE=virtio, which brings its own), or none
#                                           (net gpu keyboard serial)
#   CONSOLE     uart: the shell on the UART (stdio), or virtio: a
#               virtio-serial-device with a virtconsole that shares stdio
#               with the UART and the monitor (one mux chardev, so boot
#               messages still show), and console=hvc0 added to APPEND: the
#               shell moves to the virtio console once it is up    (uart)
#   APPEND      kernel bootargs, e.g. "selftest"
#   QEMU_EXTRA  extra arguments, split on spaces
#   QEMU_SMP    hart count (2)      QEMU_MEM  RAM size (256M)
#   QEMU_CACHE  drive cache mode (writeback)
#   QEMU_AIO    io_uring | threads | auto (default: io_uring when this host
#               supports it, probed once and remembered in build/.qemu-aio)
#   QEMU        the binary (qemu-system-riscv64)

set -eu

KERNEL=${KERNEL:-build/kernel.elf}
DISK=${DISK:-build/disk.img}
RNG=${RNG:-mmio}
CONSOLE=${CONSOLE:-uart}
DEVICES=${DEVICES:-net gpu keyboard serial}
APPEND=${APPEND:-}
QEMU_EXTRA=${QEMU_EXTRA:-}
QEMU_SMP=${QEMU_SMP:-2}
QEMU_MEM=${QEMU_MEM:-256M}
QEMU_CACHE=${QEMU_CACHE:-writeback}
QEMU_AIO=${QEMU_AIO:-auto}
QEMU=${QEMU:-qemu-system-riscv64}
PROBE_FILE=${PROBE_FILE:-build/.qemu-aio}

debug=0
print=0
while [ $# -gt 0 ]; do
	case "$1" in
	--debug) debug=1 ;;
	--print) print=1 ;;
	--) shift; break ;;
	*) echo "qemu.sh: unknown option $1 (see the comment at the top)" >&2; exit 2 ;;
	esac
	shift
done

# Whether -drive aio=io_uring works here (kernel support, seccomp, QEMU
# build): start QEMU stopped with such a drive and tell its monitor to
# quit.  It exits 0 within a second if the drive opened.
probe_io_uring() {
	echo quit | timeout 10 "$QEMU" -machine virt -bios none -nodefaults \
		-display none -serial none -monitor stdio -S \
		-drive "file=$DISK,if=none,format=raw,id=probe,aio=io_uring,readonly=on" \
		>/dev/null 2>&1
}

aio=""
if [ "$DISK" != none ]; then
	if [ ! -f "$DISK" ]; then
		echo "qemu.sh: disk image $DISK does not exist (make run creates build/disk.img)" >&2
		exit 1
	fi
	if [ "$QEMU_AIO" = auto ]; then
		if [ -f "$PROBE_FILE" ]; then
			QEMU_AIO=$(cat "$PROBE_FILE")
		else
			if probe_io_uring; then QEMU_AIO=io_uring; else QEMU_AIO=threads; fi
			mkdir -p "$(dirname "$PROBE_FILE")"
			echo "$QEMU_AIO" >"$PROBE_FILE"
		fi
		if [ "$QEMU_AIO" != io_uring ]; then
			echo "qemu.sh: aio=io_uring does not work on this host; using QEMU's default (threads)" >&2
		fi
	fi
	[ "$QEMU_AIO" = io_uring ] && aio=",aio=io_uring"
fi

set -- "$QEMU" -machine virt -bios default -nographic -m "$QEMU_MEM" -smp "$QEMU_SMP" \
	-kernel "$KERNEL" -global virtio-mmio.force-legacy=false "$@"
if [ "$DISK" != none ]; then
	set -- "$@" -drive "file=$DISK,if=none,format=raw,id=hd0$aio,cache=$QEMU_CACHE" \
		-device virtio-blk-device,drive=hd0
fi
case "$RNG" in
mmio) set -- "$@" -device virtio-rng-device ;;
pci) set -- "$@" -device virtio-rng-pci ;;
none) ;;
*) echo "qemu.sh: RNG=$RNG: mmio, pci or none" >&2; exit 2 ;;
esac
for dev in $DEVICES; do
	case "$dev" in
	net) set -- "$@" -netdev user,id=net0 -device virtio-net-device,netdev=net0 ;;
	gpu) set -- "$@" -device virtio-gpu-device ;;
	keyboard) set -- "$@" -device virtio-keyboard-device ;;
	serial)
		[ "$CONSOLE" = virtio ] && continue
		set -- "$@" -device virtio-serial-device -chardev null,id=port0 \
			-device virtserialport,chardev=port0,name=org.vdisk.port0 ;;
	none) ;;
	*) echo "qemu.sh: DEVICES: '$dev' is not one of net gpu keyboard serial none" >&2; exit 2 ;;
	esac
done
case "$CONSOLE" in
uart) ;;
virtio)
	# The virtconsole attaches to the mux last, so it has the keyboard
	# (Ctrl-A c cycles to the monitor and the UART).
	set -- "$@" -chardev stdio,mux=on,id=term,signal=off -serial chardev:term \
		-mon chardev=term,mode=readline -device virtio-serial-device \
		-device virtconsole,chardev=term
	APPEND="console=hvc0${APPEND:+ $APPEND}" ;;
*) echo "qemu.sh: CONSOLE=$CONSOLE: uart or virtio" >&2; exit 2 ;;
esac
[ -n "$APPEND" ] && set -- "$@" -append "$APPEND"
# shellcheck disable=SC2086  # QEMU_EXTRA is a space-separated list on purpose
[ -n "$QEMU_EXTRA" ] && set -- "$@" $QEMU_EXTRA
[ "$debug" = 1 ] && set -- "$@" -s -S

if [ "$print" = 1 ]; then
	for a in "$@"; do
		printf "'%s' " "$(printf '%s' "$a" | sed "s/'/'\\\\''/g")"
	done
	echo
	exit 0
fi
if [ "$debug" = 1 ]; then
	echo "qemu.sh: waiting for gdb; in another terminal run:"
	echo "  gdb-multiarch $KERNEL -ex 'target remote :1234'"
fi
exec "$@"
