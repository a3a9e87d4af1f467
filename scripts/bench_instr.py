#!/usr/bin/env python3
"""`make bench-instr`: guest instructions and MMIO accesses per request of
the kernel's `blk bench`, by layer.

QEMU 7.2 has no TCG plugin header here, so the count comes from its log:
with `-singlestep` every translation block is one instruction, and
`-d exec,nochain` logs each one as it executes (one line, with its PC).
The trace events memory_region_ops_read/write go to the same log, in
order, one line per MMIO access with the region's name.

One boot (-smp 1, modern virtio-mmio), logging switched on
through the monitor once the shell is up.  For each queue depth two runs of
`blk bench vda randread 4k QD COUNT` (a short one and a long one); only
what executes inside blk_bench_run() is counted (from its first
instruction until control is back in shell_blk_bench()), and the short
run is subtracted from the long one, so setup, the result's percentiles and
the fill/drain at both ends cancel: what is left is the steady state, per
request.  Console output inside the run (the progress line, once a second
of guest time) is left out and said separately: it depends on how slowly
the traced guest runs, not on the request path; so is the busy-poll's
watching of an empty ring (virtio_device_set_busy_poll(): time the CPU
would otherwise spend in wfi, and a drain pass's wait for the rest of a
batch before it notifies, virtio_queue_await_used()).

The disk, by default, is aio=io_uring on the benchmark image (256 MiB of
random bytes in the host page cache, bench_image.py): QEMU completes each
read inside the guest's notification, so the traced guest takes the path
an untraced one takes, and two runs agree to a fraction of an
instruction.  `--backend null-co` (no data) completes in QEMU's main loop,
which runs at full speed beside a guest slowed ~1000 times: at low depths
whether a completion is found by the pass that notified, by the busy-poll
(a window in real time) or after it by an interrupt is then a race, and
the QD 1 figure moves by 100 instructions from run to run
(docs/performance.md, "Sixth round").  Where aio=io_uring does not work
on the host, null-co is used and the header says so.

Each PC goes to the object file whose .text holds it (the linker map), and
the object to a layer:

  virtqueue       drivers/virtio/core/virtq*.c
  core/transport  the rest of drivers/virtio/core/, drivers/virtio/transport/
  blk             drivers/virtio/devices/blk*.c
  glue            kernel/blk/blkdev.c, kernel/virtio/*.c
  bench           kernel/blk/blk_bench.c
  interrupt       boot/trapvec.S, kernel/trap.c, kernel/irq/*
  firmware        below the kernel image: OpenSBI (M-mode), e.g. the SBI timer call
  other           everything else (the wait loop, deferred work, lib/, ...)

Instruction counts are deterministic up to how completions fall into
batches (the traced guest runs ~1000 times slower than usual, so the
device is always far ahead of it); they are the guide, not the IOPS.

    scripts/bench_instr.py [--kernel build/kernel.elf] [--qd 1,8,32,128]
                           [--backend io_uring|null-co] [--count N] [--queues N]
                           [--functions N] [--annotate FUNC,...] [--qemu-extra ARGS]
"""
import argparse
import bisect
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import threading
import time

import pexpect

from bench_image import io_uring_works, make_image, warm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROMPT = "vdisk> "
KERNEL_BASE = 0x80200000
CROSS = os.environ.get("CROSS", "riscv64-unknown-elf-")

LAYERS = ["virtqueue", "core/transport", "blk", "glue", "bench", "interrupt", "firmware",
          "other"]


def layer_of_source(path):
    """The layer a source file (relative to the repository) belongs to."""
    if re.match(r"drivers/virtio/core/virtq", path):
        return "virtqueue"
    if path.startswith(("drivers/virtio/core/", "drivers/virtio/transport/")):
        return "core/transport"
    if re.match(r"drivers/virtio/devices/blk", path):
        return "blk"
    if path == "kernel/blk/blk_bench.c":
        return "bench"
    if path.startswith(("kernel/blk/", "kernel/virtio/")):
        return "glue"
    if path in ("boot/trapvec.S", "kernel/trap.c") or path.startswith("kernel/irq/"):
        return "interrupt"
    return "other"


class Image:
    """What the kernel ELF says about a PC: object file, layer, function,
    and the length of the instruction there."""

    def __init__(self, elf, mapfile):
        self.starts, self.ranges = [], []
        in_text = False
        for line in open(mapfile):
            if line.startswith(".text"):
                in_text = True
            elif line.startswith(".") and not line.startswith(".text"):
                in_text = False
            m = re.match(r"^ \.text\S*\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+\.o)$",
                         line.rstrip())
            if not m and in_text:
                # a long section name puts the address on the next line
                m = re.match(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+\.o)$", line.rstrip())
            if m and in_text and int(m.group(2), 16):
                obj = m.group(3)
                src = re.sub(r"^build/(gcc|clang)/", "", obj)[:-2]
                src += ".S" if src.startswith("boot/") else ".c"
                self.ranges.append((int(m.group(1), 16), int(m.group(1), 16) + int(m.group(2), 16),
                                    src))
        self.ranges.sort()
        self.starts = [r[0] for r in self.ranges]
        self.funcs = []
        nm = subprocess.run([CROSS + "nm", "-n", "-S", elf], capture_output=True, text=True,
                            check=True).stdout
        for line in nm.splitlines():
            p = line.split()
            if len(p) == 4 and p[2].lower() == "t":
                self.funcs.append((int(p[0], 16), int(p[0], 16) + int(p[1], 16), p[3]))
            elif len(p) == 3 and p[1].lower() == "t":
                # no size (assembly): up to the next symbol
                self.funcs.append((int(p[0], 16), None, p[2]))
        for i, f in enumerate(self.funcs):
            if f[1] is None:
                end = self.funcs[i + 1][0] if i + 1 < len(self.funcs) else f[0] + 4
                self.funcs[i] = (f[0], end, f[2])
        self.fstarts = [f[0] for f in self.funcs]
        bin_path = os.path.join(tempfile.mkdtemp(prefix="bench-instr-"), "text.bin")
        subprocess.run([CROSS + "objcopy", "-O", "binary", "-j", ".text", elf, bin_path],
                       check=True)
        self.text = open(bin_path, "rb").read()
        self.cache = {}

    def func(self, name):
        for f in self.funcs:
            if f[2] == name:
                return f
        raise LookupError("bench-instr: no function %s in the kernel" % name)

    def source(self, pc):
        i = bisect.bisect_right(self.starts, pc) - 1
        if i >= 0 and pc < self.ranges[i][1]:
            return self.ranges[i][2]
        return None

    def layer(self, pc):
        if pc < KERNEL_BASE:
            return "firmware"
        src = self.source(pc)
        return layer_of_source(src) if src else "other"

    def function(self, pc):
        if pc < KERNEL_BASE:
            return "(OpenSBI)"
        i = bisect.bisect_right(self.fstarts, pc) - 1
        if i >= 0 and pc < self.funcs[i][1]:
            return self.funcs[i][2]
        return "?"

    def call_return(self, pc):
        """Where a call at pc returns to, or None if pc is no call (jal or
        jalr linking ra, or c.jalr)."""
        off = pc - KERNEL_BASE
        if off < 0 or off + 2 > len(self.text):
            return None
        lo = self.text[off] | self.text[off + 1] << 8
        if lo & 3 != 3:
            # c.jalr: funct4 1001, rs1 != 0, rs2 0, op 10
            if lo & 0xf07f == 0x9002 and (lo >> 7) & 31:
                return pc + 2
            return None
        insn = lo | (self.text[off + 2] | self.text[off + 3] << 8) << 16
        if insn & 0x7f in (0x6f, 0x67) and (insn >> 7) & 31 == 1:
            return pc + 4
        return None


class Window:
    """What executed inside one blk_bench_run()."""

    def __init__(self):
        self.pcs = {}       # pc -> instructions executed there
        self.mmio = {}      # (region, "r"/"w", address) -> accesses
        self.apart = {"console": 0, "busy-poll": 0}  # left out (Counter.apart)
        self.traps = 0


class Counter(threading.Thread):
    """Reads QEMU's log (a FIFO) as it is written and keeps one Window per
    blk_bench_run() call."""

    def __init__(self, fifo, image):
        super().__init__(daemon=True)
        self.fifo, self.image = fifo, image
        self.windows = []
        self.lines = 0
        self.done = threading.Event()
        self.error = None
        self.run_range = image.func("blk_bench_run")[:2]
        self.caller_range = image.func("shell_blk_bench")[:2]
        # calls whose whole extent is left out of the request path and
        # counted apart: console output, and the busy-poll's wait
        self.apart = {image.func("kprintf")[0]: "console",
                      image.func("busy_poll")[0]: "busy-poll",
                      image.func("virtio_queue_await_used")[0]: "busy-poll"}
        self.trap = image.func("trap_vector")[0]

    def run(self):
        try:
            self.count()
        except BaseException as e:  # reported by the main thread
            self.error = e
        self.done.set()

    def count(self):
        img = self.image
        run_lo, run_hi = self.run_range
        ret_lo, ret_hi = self.caller_range
        apart, trap = self.apart, self.trap
        w = None
        prev = 0
        skip_until = None  # return address of a call being left out
        skip_what = None
        with open(self.fifo, "r", errors="replace") as f:
            for line in f:
                self.lines += 1
                if line.startswith("Trace"):
                    i = line.index("/")
                    pc = int(line[i + 1:i + 17], 16)
                    if w is None:
                        if run_lo <= pc < run_hi:
                            w = Window()
                            self.windows.append(w)
                        else:
                            prev = pc
                            continue
                    elif ret_lo <= pc < ret_hi:
                        w = None
                        prev = pc
                        continue
                    if skip_until is not None:
                        if pc == skip_until:
                            skip_until = None
                        else:
                            w.apart[skip_what] += 1
                            prev = pc
                            continue
                    if pc in apart:
                        skip_until = img.call_return(prev)
                        if skip_until is not None:
                            skip_what = apart[pc]
                            w.apart[skip_what] += 1
                            prev = pc
                            continue
                    if pc == trap:
                        w.traps += 1
                    w.pcs[pc] = w.pcs.get(pc, 0) + 1
                    prev = pc
                elif w is not None and skip_until is None and \
                        line.startswith("memory_region_ops_"):
                    m = re.match(r"memory_region_ops_(read|write) .* addr (0x[0-9a-f]+) .*"
                                 r"name '([^']*)'", line)
                    if m:
                        key = (m.group(3), m.group(1)[0], int(m.group(2), 16))
                        w.mmio[key] = w.mmio.get(key, 0) + 1


def mmio_name(region, rw, addr):
    """A readable name for the registers the request path touches."""
    if region == "virtio-mmio":
        reg = {0x50: "QueueNotify", 0x60: "InterruptStatus", 0x64: "InterruptACK",
               0x70: "Status"}.get(addr & 0xfff, "reg 0x%x" % (addr & 0xfff))
        return "virtio-mmio %s %s" % (reg, "read" if rw == "r" else "write")
    if region == "riscv.sifive.plic" and addr & 0xfff == 4:
        return "PLIC %s" % ("claim" if rw == "r" else "complete")
    return "%s 0x%x %s" % (region, addr, "read" if rw == "r" else "write")


IMAGE = os.path.join(ROOT, "build", "ceiling", "random.img")  # ceiling_quick.py's too


def drive(backend):
    if backend == "null-co":
        return "driver=null-co,size=256M,read-zeroes=off,if=none,id=d0"
    return "file=%s,if=none,id=d0,format=raw,cache=writeback,aio=io_uring" % IMAGE


def choose_backend(wanted):
    """`wanted`, or null-co (with the reason) when aio=io_uring cannot be
    used here."""
    if wanted == "null-co":
        return wanted, ""
    make_image(IMAGE)
    ok, why = io_uring_works("qemu-system-riscv64", IMAGE)
    if not ok:
        return "null-co", "aio=io_uring does not work on this host (%s)" % (why or "no reason given")
    warm(IMAGE, track=False)
    return wanted, ""


class Guest:
    def __init__(self, args, fifo, mon):
        cmd = ["qemu-system-riscv64", "-machine", "virt", "-smp", "1", "-m", "256M",
               "-bios", "default", "-nographic", "-global", "virtio-mmio.force-legacy=false",
               "-kernel", args.kernel,
               "-drive", drive(args.backend),
               "-device", "virtio-blk-device,drive=d0,num-queues=%d" % args.queues,
               "-singlestep", "-D", fifo, "-monitor", "unix:%s,server=on,wait=off" % mon]
        cmd += shlex.split(args.qemu_extra)
        self.queues = args.queues
        self.p = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8", timeout=240)
        self.p.expect(PROMPT)
        self.mon = socket.socket(socket.AF_UNIX)
        self.mon.connect(mon)
        self.mon.settimeout(10)
        self.hmp_wait()

    def hmp_wait(self):
        buf = b""
        while not buf.endswith(b"(qemu) "):
            buf += self.mon.recv(4096)

    def hmp(self, line):
        self.mon.sendall(line.encode() + b"\n")
        self.hmp_wait()

    def bench(self, qd, count):
        self.p.sendline("blk bench vda randread 4k %d %d %d" % (qd, count, self.queues))
        self.p.expect(r"bench: op=\S+ .*\r\n")
        line = self.p.after.strip()
        self.p.expect(PROMPT)
        return dict(kv.split("=", 1) for kv in line.split()[1:])

    def quit(self):
        try:
            self.hmp("log none")
            self.mon.sendall(b"quit\n")
            self.p.expect(pexpect.EOF, timeout=30)
        finally:
            if self.p.isalive():
                self.p.terminate(force=True)


def diff(long_w, short_w):
    pcs = dict(long_w.pcs)
    for pc, n in short_w.pcs.items():
        pcs[pc] = pcs.get(pc, 0) - n
    mmio = dict(long_w.mmio)
    for k, n in short_w.mmio.items():
        mmio[k] = mmio.get(k, 0) - n
    apart = {k: long_w.apart[k] - short_w.apart[k] for k in long_w.apart}
    return pcs, mmio, apart, long_w.traps - short_w.traps


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build/kernel.elf"))
    ap.add_argument("--map", help="linker map (default: next to the objects of the kernel)")
    ap.add_argument("--qd", default="1,8,32,128")
    ap.add_argument("--count", type=int, default=1500,
                    help="requests in the difference of the two runs per queue depth")
    ap.add_argument("--queues", type=int, default=1,
                    help="request queues (the device gets num-queues=N, the bench spreads over N)")
    ap.add_argument("--functions", type=int, default=0,
                    help="also list the N functions with the most instructions per request")
    ap.add_argument("--annotate", default="",
                    help="comma-separated functions: their disassembly with executions per "
                         "request at the last queue depth")
    ap.add_argument("--backend", choices=("io_uring", "null-co"), default="io_uring",
                    help="the disk: aio=io_uring on the benchmark image (repeatable), or null-co")
    ap.add_argument("--qemu-extra", default="")
    args = ap.parse_args()
    mapfile = args.map or os.path.join(os.path.dirname(os.path.abspath(args.kernel)),
                                       "gcc", "kernel.map")
    image = Image(args.kernel, mapfile)
    qds = [int(q) for q in args.qd.split(",")]
    args.backend, fallback = choose_backend(args.backend)
    if fallback:
        print("bench-instr: %s; counting on null-co instead" % fallback)

    tmp = tempfile.mkdtemp(prefix="bench-instr-")
    fifo, mon = os.path.join(tmp, "log"), os.path.join(tmp, "mon")
    os.mkfifo(fifo)
    counter = Counter(fifo, image)
    counter.start()
    t0 = time.time()
    guest = Guest(args, fifo, mon)
    runs = []
    try:
        guest.hmp("log exec,nochain,trace:memory_region_ops_read,"
                  "trace:memory_region_ops_write")
        for qd in qds:
            short = max(4 * qd, 256)
            r1 = guest.bench(qd, short)
            r2 = guest.bench(qd, short + args.count)
            runs.append((qd, r1, r2))
    finally:
        guest.quit()
    counter.done.wait(120)
    if counter.error:
        raise counter.error
    if len(counter.windows) != 2 * len(qds):
        sys.exit("bench-instr: saw %d blk_bench_run() calls in the log, want %d"
                 % (len(counter.windows), 2 * len(qds)))

    print("guest instructions per request, blk bench randread 4 KiB, %s, "
          "modern virtio-mmio, -smp 1, %d queue%s"
          % ("aio=io_uring" if args.backend == "io_uring" else "null-co", args.queues,
             "s" if args.queues > 1 else ""))
    print("(steady state: a run of N+%d requests minus one of N; %d log lines in %.0f s)"
          % (args.count, counter.lines, time.time() - t0))
    head = "%-16s" % "layer" + "".join("%9s" % ("QD %d" % qd) for qd in qds)
    print(head)
    results = []
    for i, (qd, r1, r2) in enumerate(runs):
        pcs, mmio, excl, traps = diff(counter.windows[2 * i + 1], counter.windows[2 * i])
        n = int(r2["ops"]) - int(r1["ops"])
        per_layer = dict.fromkeys(LAYERS, 0)
        per_func = {}
        for pc, c in pcs.items():
            per_layer[image.layer(pc)] += c
            f = image.function(pc)
            per_func[f] = per_func.get(f, 0) + c
        results.append((qd, n, per_layer, per_func, mmio, excl, traps, r1, r2, pcs))
    for layer in LAYERS:
        print("%-16s" % layer + "".join("%9.1f" % (r[2][layer] / r[1]) for r in results))
    print("%-16s" % "total" + "".join("%9.1f" % (sum(r[2].values()) / r[1]) for r in results))
    print("%-16s" % "(console, out)" + "".join("%9.1f" % (r[5]["console"] / r[1])
                                               for r in results))
    print("%-16s" % "(busy-poll, out)" + "".join("%9.1f" % (r[5]["busy-poll"] / r[1])
                                                 for r in results))
    print()
    print("MMIO accesses per request")
    keys = sorted({k for r in results for k, v in r[4].items() if v},
                  key=lambda k: mmio_name(*k))
    for k in keys:
        print("%-34s" % mmio_name(*k) + "".join("%9.3f" % (r[4].get(k, 0) / r[1])
                                                 for r in results))
    print("%-34s" % "all MMIO" + "".join("%9.3f" % (sum(r[4].values()) / r[1])
                                         for r in results))
    print("%-34s" % "traps (interrupts)" + "".join("%9.3f" % (r[6] / r[1]) for r in results))
    print("%-34s" % "requests per notify (long run)" +
          "".join("%9s" % r[8].get("reqs_per_kick", "?") for r in results))
    if args.functions:
        for r in results:
            print()
            print("QD %d: the %d functions with the most instructions per request"
                  % (r[0], args.functions))
            for f, c in sorted(r[3].items(), key=lambda x: -x[1])[:args.functions]:
                print("  %8.1f  %s" % (c / r[1], f))
    for name in filter(None, args.annotate.split(",")):
        annotate(args.kernel, image, name, results[-1])


def annotate(elf, image, name, result):
    lo, hi, _ = image.func(name)
    dis = subprocess.run([CROSS + "objdump", "-d", "--no-show-raw-insn",
                          "--start-address=0x%x" % lo, "--stop-address=0x%x" % hi, elf],
                         capture_output=True, text=True, check=True).stdout
    print()
    print("%s at QD %d: executions per request" % (name, result[0]))
    for line in dis.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\s*(.*)$", line)
        if m:
            c = result[9].get(int(m.group(1), 16), 0) / result[1]
            print("%8s  %s" % ("%.2f" % c if c else "", line.strip()))


if __name__ == "__main__":
    main()
