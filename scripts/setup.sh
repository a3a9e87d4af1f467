#!/bin/sh
# Installs the Debian packages this project needs, if any are missing.
#
#   scripts/setup.sh           install what is missing (as root), or print
#                              the sudo command and fail (as a user)
#   scripts/setup.sh --check   only report what is missing, never install
#
# Both are silent and exit 0 when everything is installed, so the Makefile
# runs the check before every build.  Idempotent: a second run does nothing.

# Every package goes in this one list.
PACKAGES="gcc-riscv64-unknown-elf qemu-system-misc qemu-system-arm clang lld python3-pexpect device-tree-compiler gdb-multiarch gcc make python3 libclang-rt-14-dev valgrind lcov u-boot-qemu gcc-aarch64-linux-gnu cmake sparse cppcheck python3-matplotlib"

set -eu

mode=install
case "${1:-}" in
--check) mode=check ;;
"") ;;
*) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

if ! command -v dpkg >/dev/null 2>&1; then
	echo "setup.sh: not a Debian system (no dpkg); install by hand: $PACKAGES" >&2
	exit 0
fi

missing=""
for p in $PACKAGES; do
	# "install ok installed" is the only state in which the files are there
	if ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "setup.sh: missing Debian packages:$missing" >&2
if [ "$mode" = check ] || [ "$(id -u)" -ne 0 ]; then
	if [ "$(id -u)" -eq 0 ]; then
		echo "setup.sh: run scripts/setup.sh to install them, or:" >&2
	fi
	echo "sudo apt-get install -y$missing"
	exit 1
fi

apt-get update
# shellcheck disable=SC2086  # the list must split into words
DEBIAN_FRONTEND=noninteractive apt-get install -y $missing
