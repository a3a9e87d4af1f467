#!/usr/bin/env python3
"""Boot the kernel's self-test in QEMU across device configurations.

Each configuration is one QEMU boot with `-append selftest`: it passes when
the guest exits with status 0 AND every disk image it could write holds
exactly what the self-test must have written (the guest cannot fake that:
the host recomputes the expected image independently).  One line per
configuration, then `N passed, M failed`.

    tests/qemu/matrix.py [--kernel build/kernel.elf] [--only NAME...] [--list]
"""
import argparse
import hashlib
import os
import random
import subprocess
import sys
import tempfile
import time

SECTOR = 512
BOOT_TIMEOUT = 90  # seconds; a hung guest is killed and counted as failed


def pattern_sector(s):
    """What kernel/selftest_blk.c writes into sector s."""
    base = (s * 131) & 0xFF
    return bytes((base ^ ((i * 7) & 0xFF) ^ 0x5A) for i in range(SECTOR))


def written_sectors(capacity):
    """The exact set of sectors the self-test writes on a writable disk."""
    c = capacity
    out = {0, c // 2, c - 1}
    if c >= 80:
        out.update(range(64, 80))
    if c >= 160:
        out.update(range(128, 160))
    return sorted(s for s in out if 0 <= s < c)


def make_image(path, size, seed):
    rng = random.Random(seed)
    data = bytearray(rng.randbytes(size))
    for s in range(0, size // SECTOR):
        tag = b"sector %d" % s
        data[s * SECTOR: s * SECTOR + len(tag)] = tag
    with open(path, "wb") as f:
        f.write(data)
    return bytes(data)


def expected_image(original, read_only):
    if read_only:
        return original
    data = bytearray(original)
    for s in written_sectors(len(original) // SECTOR):
        data[s * SECTOR:(s + 1) * SECTOR] = pattern_sector(s)
    return bytes(data)


class Disk:
    def __init__(self, size=16 << 20, props="", drive="", bus="mmio", read_only=False):
        self.size, self.props, self.drive, self.bus = size, props, drive, bus
        self.read_only = read_only


class Config:
    def __init__(self, name, disks, qemu=(), legacy=False, smp=1, expect=()):
        self.name, self.disks, self.qemu = name, disks, list(qemu)
        self.legacy, self.smp = legacy, smp
        self.expect = list(expect)  # console lines that must appear (substrings)


def configs():
    M = 1 << 20
    return [
        Config("mmio-modern", [Disk()], expect=["vda: ring=split in memory"]),
        Config("mmio-legacy", [Disk()], legacy=True),
        Config("mmio-modern-smp2", [Disk()], smp=2),
        Config("packed", [Disk(props="packed=on")], expect=["vda: ring=packed in memory"]),
        Config("event-idx-off", [Disk(props="event_idx=off")]),
        Config("indirect-off", [Disk(props="indirect_desc=off")]),
        Config("packed-legacy-fallback", [Disk(props="packed=on")], legacy=True,
               expect=["vda: ring=split in memory"]),
        Config("queue-size-16", [Disk(props="queue-size=16")]),
        Config("readonly", [Disk(read_only=True)]),
        Config("two-disks", [Disk(size=8 * M), Disk(size=4 * M, props="packed=on")]),
        Config("eight-disks", [Disk(size=(1 + i) * M) for i in range(8)]),
        Config("one-sector-disk", [Disk(size=SECTOR)]),
    ]


def qemu_argv(kernel, cfg, images):
    argv = ["qemu-system-riscv64", "-machine", "virt", "-bios", "default",
            "-nographic", "-m", "256M", "-smp", str(cfg.smp), "-kernel", kernel,
            "-append", "selftest", "-monitor", "none", "-serial", "stdio"]
    if not cfg.legacy:
        argv += ["-global", "virtio-mmio.force-legacy=false"]
    for i, (disk, path) in enumerate(zip(cfg.disks, images)):
        drive = f"file={path},if=none,format=raw,id=hd{i}"
        if disk.read_only:
            drive += ",readonly=on"
        if disk.drive:
            drive += "," + disk.drive
        dev = f"virtio-blk-device,drive=hd{i}"
        if disk.props:
            dev += "," + disk.props
        argv += ["-drive", drive, "-device", dev]
    return argv + cfg.qemu


def run_config(kernel, cfg, workdir, verbose):
    images, originals = [], []
    for i, disk in enumerate(cfg.disks):
        path = os.path.join(workdir, f"{cfg.name}-{i}.img")
        originals.append(make_image(path, disk.size, f"{cfg.name}/{i}"))
        images.append(path)
    argv = qemu_argv(kernel, cfg, images)
    log_path = os.path.join(workdir, f"{cfg.name}.log")
    t0 = time.monotonic()
    with open(log_path, "wb") as log:
        try:
            p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=log,
                               stderr=subprocess.STDOUT, timeout=BOOT_TIMEOUT)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            rc = None
    secs = time.monotonic() - t0
    out = open(log_path, "rb").read().decode("utf-8", "replace")
    problems = []
    if rc is None:
        problems.append(f"guest hung: killed after {BOOT_TIMEOUT} s")
    elif rc != 0:
        problems.append(f"guest exit status {rc}")
    for line in out.splitlines():
        if line.startswith("[FAIL]") or "PANIC" in line:
            problems.append(line.strip())
    for want in cfg.expect:
        if want not in out:
            problems.append(f"console never showed: {want!r}")
    summary = [l for l in out.splitlines()
               if l.startswith("selftest:") and " passed, " in l]
    if rc == 0 and not summary:
        problems.append("no self-test summary line")
    for i, (disk, path, orig) in enumerate(zip(cfg.disks, images, originals)):
        got = open(path, "rb").read()
        want = expected_image(orig, disk.read_only)
        if hashlib.sha256(got).digest() != hashlib.sha256(want).digest():
            bad = [s for s in range(len(want) // SECTOR)
                   if got[s * SECTOR:(s + 1) * SECTOR] != want[s * SECTOR:(s + 1) * SECTOR]]
            problems.append(f"disk {i}: image differs from the expected writes in "
                            f"{len(bad)} sectors (first: {bad[:8]})")
    ok = not problems
    detail = summary[-1] if summary else ""
    print(f"[{'PASS' if ok else 'FAIL'}] qemu {cfg.name} ({secs:.1f} s) {detail}")
    for prob in problems[:10]:
        print(f"       {prob}")
    if (not ok or verbose):
        tail = out.splitlines()[-25:]
        print("       --- last lines of the guest console ---")
        for line in tail:
            print("       | " + line)
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", default="build/kernel.elf")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    cfgs = configs()
    if args.list:
        for c in cfgs:
            print(c.name)
        return 0
    if args.only:
        cfgs = [c for c in cfgs if c.name in args.only]
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="vdisk-qemu-") as work:
        for cfg in cfgs:
            if run_config(args.kernel, cfg, work, args.verbose):
                passed += 1
            else:
                failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
