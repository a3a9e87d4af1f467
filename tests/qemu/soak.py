#!/usr/bin/env python3
"""Write-verify soak across a killed QEMU (kernel/selftest/soak.c).

Boot 1 (`soak-write`): the guest writes every sector of a disk with a
pattern naming the sector, FLUSHes, prints "soak: flushed"; the host then
kills QEMU with SIGKILL, no clean shutdown.  The host checks the image.
Boot 2 (`soak-verify`): the guest reads every sector back and checks it;
its exit status is the verdict.  Two cases; ends with `N passed, M failed`.
"""
import os
import subprocess
import sys
import tempfile

import pexpect

from cases import Cases

SECTOR = 512
SIZE = 32 << 20
RAMP = bytes(range(256)) * 3


def sector_pattern(s):
    return b"SOAKTEST" + s.to_bytes(8, "little") + RAMP[(s * 13 + 16) & 0xFF:][:SECTOR - 16]


def qemu(image, mode, legacy):
    argv = ["-machine", "virt", "-bios", "default", "-nographic", "-m", "256M",
            "-kernel", "build/kernel.elf", "-append", mode, "-monitor", "none",
            "-drive", f"file={image},if=none,format=raw,id=hd0,cache=writeback",
            "-device", "virtio-blk-device,drive=hd0"]
    if not legacy:
        argv[0:0] = ["-global", "virtio-mmio.force-legacy=false"]
    return pexpect.spawn("qemu-system-riscv64", argv, encoding="utf-8", timeout=120)


def main():
    case = Cases("soak")

    with tempfile.TemporaryDirectory(prefix="vdisk-soak-") as work:
        image = os.path.join(work, "soak.img")
        with open(image, "wb") as f:
            f.write(os.urandom(SIZE))
        c = qemu(image, "soak-write", legacy=False)
        try:
            c.expect("soak: flushed")
            c.kill(9)  # pull the plug right after the flush
            c.close(force=True)
            data = open(image, "rb").read()
            bad = [s for s in range(SIZE // SECTOR)
                   if data[s * SECTOR:(s + 1) * SECTOR] != sector_pattern(s)]
            case(not bad, "boot 1 wrote and flushed every sector, QEMU killed; image checked",
                 f"{len(bad)} sectors wrong, first {bad[:4]}")
        except (pexpect.TIMEOUT, pexpect.EOF):
            case(False, "boot 1 write + flush", f"no 'soak: flushed'; console: {c.before[-500:]!r}")
            c.close(force=True)
        c = qemu(image, "soak-verify", legacy=True)  # the other transport reads it back
        c.expect(pexpect.EOF)
        c.close()
        ok = c.exitstatus == 0 and "verified" in c.before
        case(ok, "boot 2 (legacy transport) verified every sector",
             f"exit {c.exitstatus}; {c.before[-400:]!r}")
    return case.finish()


if __name__ == "__main__":
    sys.exit(main())
