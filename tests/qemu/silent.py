#!/usr/bin/env python3
"""A disk that goes silent: QEMU throttles it to 2000 bytes/s.  A first
32 KiB read goes through at once but leaves the throttle 16 s in debt, so
the next read cannot finish within the kernel's 5 s deadline.  The shell must say so
in one clear line, the driver must take the buffers back by resetting the
device, and the same disk must read correctly again afterwards, without a
reboot.  Ends with `N passed, M failed`.
"""
import os
import subprocess
import sys
import tempfile
import time

import pexpect

from cases import Cases

PROMPT = "vdisk> "


def main():
    case = Cases("silent disk")

    with tempfile.TemporaryDirectory(prefix="vdisk-silent-") as work:
        img = os.path.join(work, "disk.img")
        subprocess.run([sys.executable, "scripts/mkdisk.py", "--size", "1M", img],
                       check=True, stdout=subprocess.DEVNULL)
        argv = ["-machine", "virt", "-bios", "default", "-nographic", "-m", "256M",
                "-kernel", "build/kernel.elf", "-global", "virtio-mmio.force-legacy=false",
                "-drive", f"file={img},if=none,format=raw,id=hd0,"
                          "throttling.bps-total=2000,throttling.bps-total-max=2000",
                "-device", "virtio-blk-device,drive=hd0"]
        c = pexpect.spawn("qemu-system-riscv64", argv, encoding="utf-8", timeout=60)
        try:
            c.expect(PROMPT)
            c.sendline("blk read vda 0 64")
            c.expect(PROMPT)
            t0 = time.monotonic()
            c.sendline("blk read vda 1 1")
            c.expect(PROMPT)
            secs = time.monotonic() - t0
            lines = [l.strip() for l in c.before.replace("\r", "").split("\n")[1:] if l.strip()]
            case(any("timed out" in l for l in lines) and secs < 15,
                 f"the read fails with a timeout after {secs:.1f} s", repr(lines[-3:]))
            case(any("stopped answering; reset, re-initialised" in l for l in lines),
                 "the driver reset the device and brought it back", repr(lines[-3:]))
            ok = False
            deadline = time.monotonic() + 40
            while not ok and time.monotonic() < deadline:
                c.sendline("blk read vda 0 1")
                c.expect(PROMPT)
                ok = "VDISK TEST IMAGE" in c.before
                if not ok:
                    time.sleep(2)
            case(ok, "the same disk reads correctly again, no reboot", repr(c.before[-200:]))
            c.sendline("poweroff")
            c.expect(pexpect.EOF)
        except (pexpect.TIMEOUT, pexpect.EOF):
            case(False, "session", f"last output {c.before[-300:]!r}")
        finally:
            c.close(force=True)
    return case.finish()


if __name__ == "__main__":
    sys.exit(main())
