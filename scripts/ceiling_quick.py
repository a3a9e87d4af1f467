#!/usr/bin/env python3
"""A quick kernel-against-ceiling comparison (not `make bench`).

The kernel's `blk bench vda randread 4k QD 2s` next to ../shared/limit-probe's
probe-ceiling.elf (a minimal polled guest: 4 KiB random reads at QD 1, 8,
32, 128), on the same QEMU line (-smp 1, -m 512M, modern virtio-mmio, the
same drive), interleaved: kernel, probe, kernel, probe, ... so that the
drift of a shared machine hits both alike.  Prints the median IOPS of each
and the ratio kernel/probe per back end and depth, and the kernel with four
queues at QD 128 against one queue (same boot, same device).

    scripts/ceiling_quick.py [--kernel build/kernel.elf[,other.elf]] [--rounds 2]
                             [--backends io_uring,null-co] [--probe DIR]

A kernel named ELF@opts gets `,opts` on its -device (for example
build/kernel.elf@indirect_desc=off): an A/B of a device feature, one build.

The probe is built with `make -C ../shared/limit-probe OUT=build/probe`
(done here when missing); nothing is written into ../shared.  Only QEMU
processes started here are ended, by their pid.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

import pexpect

from bench_image import make_image, warm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROMPT = "vdisk> "
QDS = (1, 8, 32, 128)


def drive(backend, image):
    if backend == "null-co":
        return "driver=null-co,size=256M,read-zeroes=off,if=none,id=d0"
    return "file=%s,if=none,id=d0,format=raw,cache=writeback,aio=%s" % (image, backend)


def qemu_line(elf, backend, image, queues, devopts=""):
    dev = "virtio-blk-device,drive=d0,num-queues=%d" % queues + devopts
    return ["qemu-system-riscv64", "-machine", "virt", "-nographic", "-bios", "default",
            "-m", "512M", "-smp", "1", "-global", "virtio-mmio.force-legacy=false",
            "-kernel", elf, "-drive", drive(backend, image), "-device", dev]


def run_kernel(elf, backend, image, secs):
    """{(qd, queues): iops} from one boot.  `elf` may end in @options for
    the kernel's -device (e.g. @indirect_desc=off), for an A/B of a device
    feature on the same build."""
    elf, _, opts = elf.partition("@")
    cmd = qemu_line(elf, backend, image, 4, "," + opts if opts else "")
    p = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8", timeout=120)
    out = {}
    try:
        p.expect(PROMPT)
        for qd, queues in [(qd, 1) for qd in QDS] + [(128, 4)]:
            p.sendline("blk bench vda randread 4k %d %ds %d" % (qd, secs, queues))
            p.expect(r"bench: op=\S+ .*\r\n")
            kv = dict(x.split("=", 1) for x in p.after.split()[1:])
            out[(qd, queues)] = int(kv["iops"])
            p.expect(PROMPT)
    finally:
        if p.isalive():
            p.terminate(force=True)
    return out


def run_probe(elf, backend, image):
    """{(qd, 1): iops} from one boot of probe-ceiling.elf."""
    cmd = qemu_line(elf, backend, image, 4)  # the kernel's line; it uses queue 0
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    out = {}
    for m in re.finditer(r"RES size=4096 qd=(\d+) .*? iops=(\d+)", r.stdout):
        out[(int(m.group(1)), 1)] = int(m.group(2))
    if "limit-probe done" not in r.stdout:
        sys.exit("ceiling_quick: the probe did not finish:\n" + r.stdout[-2000:])
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build/kernel.elf"),
                    help="kernel ELF, or several comma-separated (before/after), interleaved;"
                    " ELF@opts adds opts to the kernel's -device")
    ap.add_argument("--probe", default=os.path.join(ROOT, "build/probe"))
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--secs", type=int, default=2)
    ap.add_argument("--backends", default="io_uring,null-co")
    args = ap.parse_args()

    probe_elf = os.path.join(args.probe, "probe-ceiling.elf")
    if not os.path.exists(probe_elf):
        subprocess.run(["make", "-s", "-C", os.path.join(ROOT, "..", "shared", "limit-probe"),
                        "OUT=" + os.path.abspath(args.probe)], check=True)
    image = os.path.join(ROOT, "build", "ceiling", "random.img")
    make_image(image)

    kernels = args.kernel.split(",")
    for backend in args.backends.split(","):
        kern = [{} for _ in kernels]
        probe = {}
        for _ in range(args.rounds):
            for i, elf in enumerate(kernels):
                warm(image, track=False)  # before every boot (bench_image.py)
                for k, v in run_kernel(elf, backend, image, args.secs).items():
                    kern[i].setdefault(k, []).append(v)
            warm(image, track=False)
            for k, v in run_probe(probe_elf, backend, image).items():
                probe.setdefault(k, []).append(v)
        print("%s (medians of %d interleaved boots each)" % (backend, args.rounds))
        names = ["kernel" if len(kernels) == 1 else "kernel %d" % (i + 1)
                 for i in range(len(kernels))]
        print("  %-14s" % "4k randread" + "".join("%10s %6s" % (n, "ratio") for n in names) +
              "%10s" % "probe")
        for qd in QDS:
            c = statistics.median(probe[(qd, 1)])
            row = "  %-14s" % ("QD %d" % qd)
            for kd in kern:
                k = statistics.median(kd[(qd, 1)])
                row += "%10d %6.2f" % (k, k / c)
            print(row + "%10d" % c)
        row = "  %-14s" % "QD 128, 4 q"
        for kd in kern:
            k4, k1 = statistics.median(kd[(128, 4)]), statistics.median(kd[(128, 1)])
            row += "%10d %6.2f" % (k4, k4 / k1)
        print(row + "   (ratio: against 1 queue)")
        sys.stdout.flush()

if __name__ == "__main__":
    main()
