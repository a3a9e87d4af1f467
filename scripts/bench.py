#!/usr/bin/env python3
"""`make bench`: the kernel's `blk bench` under QEMU, next to its ceiling and anchors.

In one invocation:
  1. for each QEMU back end, aio=threads (QEMU's default), aio=io_uring (if
     it works here; otherwise a line says so) and null-co (read-zeroes=off:
     QEMU's own cost, no data), on a 256 MiB raw image of random bytes
     (build/bench/scratch.img, made once, read through before every boot
     and every run so it sits in the host page cache: warm()), back to back:
       the ceiling probe (../shared/limit-probe, probe-ceiling.elf: a
         minimal polled guest, 4 KiB random reads at QD 1, 8, 32, 128),
       our kernel (build/kernel.elf) at the same four depths,
       the probe again (the ceiling is the mean of the two),
       our kernel on the same drive as a 4-queue device at QD 128 (four
         queues must not be slower than one),
     every boot with the SAME QEMU command line but -kernel: -smp 1, -m 512M,
     the same -drive and -device options, and no other device, so the disk
     is in the top virtio-mmio slot (0x10008000), where the probe looks.  The shell is driven with pexpect;
     each `blk bench` ends with a `bench: k=v ...` line, each probe
     configuration with a `RES k=v ...` line.
  2. the rest of our read matrix on every back end.
  3. the U-Boot anchor (../shared/peer-uboot/bench_uboot.py) on the same
     image: one request at a time, so its figures are per-request costs.
  4. host `dd` from the page cache, bs=1M and bs=4k; then our writes.
  5. the network: `net bench` packet rates both ways (scripts/bench_net.py).
  6. boot time: the kernel's `boot time:` line with eight virtio-blk disks
     (tests/qemu/boottime.py), several boots, and one with the per-phase
     breakdown (boot argument `boottime`).
Then ONE table: our figures and their ratios to U-Boot (IOPS, same size),
to host dd (sequential reads) and to the null-co run of the same shape; the
kernel / ceiling table; four queues against one; the boot time; the targets
and whether each was met.  The table goes to build/bench/report.txt,
everything measured to build/bench/results.json, and IOPS against queue
depth per back end (kernel, ceiling, U-Boot) to build/bench/iops.png.

    scripts/bench.py [--kernel build/kernel.elf] [--probe build/probe/probe-ceiling.elf]
                     [--quick] [--boots N]
    BENCH_QUICK=1 make bench      # a small subset, about a minute

QEMU runs as `make run` boots it (scripts/qemu.sh --print: cache=writeback,
modern virtio-mmio) except -smp 1, -m 512M, the drive and no other device;
only the QEMU processes started here are ended, by PID.
"""
import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import time

import pexpect

import bench_net
import bench_plot
from bench_image import EVICTION, host_dd, io_uring_works, make_image, warm

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "qemu"))
import boottime  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROMPT = "vdisk> "
UBOOT_DIR = os.path.join(ROOT, "..", "shared", "peer-uboot")
UBOOT_SIZES = {512: "512B", 4096: "4KiB", 131072: "128KiB", 1 << 20: "1MiB"}
SECS = 3  # per bench command
BACKENDS = ("threads", "io_uring", "null-co")
CEILING_QDS = (1, 8, 32, 128)
CEILING_MIN = 0.90
# (back end, queue depth) of the kernel / ceiling ratios that are targets;
# the other depths of aio=threads are shown too
CEILING_TARGETS = [(b, qd) for b in ("io_uring", "null-co") for qd in CEILING_QDS] + \
    [("threads", 128)]
BOOT_DISKS = 8
BOOT_MAX_MS = 10.0

TARGETS = """targets:
  T1 4 KiB randread QD128, aio=threads   >= 8x U-Boot 4 KiB IOPS
  T2 4 KiB randread QD128, aio=io_uring  >= 25x U-Boot 4 KiB IOPS
  T3 4 KiB read QD1, aio=io_uring        p50 <= 10 us per request
  T4 1 MiB sequential read               >= 90 % of host dd bs=1M
  T5 4 KiB randwrite QD32                >= 60k IOPS
  T6 4 KiB randread, kernel / ceiling    >= 0.90 at QD 1, 8, 32, 128 (io_uring, null-co), QD 128 (threads)
  T7 4 KiB randread QD128, 4 queues      not slower than 1 queue (same back end, booted back to back)
  T8 boot time, 8 virtio-blk disks       <= 10 ms from kernel entry to the prompt (median of the boots)"""


def log(msg):
    print(msg, flush=True)


def runs_for(quick):
    """(op, size, qd, queues) per session kind: ceiling (the rows the probe
    brackets), mq (a 4-queue device), reads, writes."""
    ceiling = [("randread", 4096, qd, 1) for qd in CEILING_QDS]
    mq = [("randread", 4096, 128, 4)]
    if quick:
        return {"ceiling": ceiling, "mq": mq, "reads": [("read", 1 << 20, 8, 1)],
                "writes": [("randwrite", 4096, 32, 1)]}
    reads = []
    for size in (512, 131072, 1 << 20):  # 4 KiB: the ceiling rows
        for qd in (1, 32):
            reads.append(("randread", size, qd, 1))
    for size in (4096, 1 << 20):
        for qd in (1, 8, 32):
            reads.append(("read", size, qd, 1))
    writes = [("randwrite", 4096, qd, 1) for qd in (1, 8, 32, 128)]
    writes += [("write", 1 << 20, qd, 1) for qd in (1, 32)]
    return {"ceiling": ceiling, "mq": mq, "reads": reads, "writes": writes}


def size_word(size):
    if size % (1 << 20) == 0:
        return f"{size >> 20}m"
    if size % 1024 == 0:
        return f"{size >> 10}k"
    return str(size)


# -- our kernel --------------------------------------------------------------------
def base_argv(kernel):
    env = dict(os.environ, KERNEL=kernel, DISK="none", QEMU_MEM="512M", QEMU_SMP="1", RNG="none", APPEND="",
               QEMU_EXTRA="", DEVICES="none")
    out = subprocess.run([os.path.join(ROOT, "scripts", "qemu.sh"), "--print"], env=env,
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return shlex.split(out)


def drive_args(backend, image, queues):
    if backend == "null-co":
        drive = "driver=null-co,size=256M,read-zeroes=off,if=none,id=hd0"
    else:
        drive = f"file={image},if=none,format=raw,id=hd0,cache=writeback"
        if backend == "io_uring":
            drive += ",aio=io_uring"
    dev = "virtio-blk-device,drive=hd0"
    if queues > 1:
        dev += f",num-queues={queues}"
    return ["-drive", drive, "-device", dev]


class Guest:
    """One QEMU boot of our kernel, driven at the shell prompt."""

    def __init__(self, argv, logfile):
        self.argv = argv
        self.child = pexpect.spawn(argv[0], argv[1:], encoding="utf-8", timeout=60,
                                   codec_errors="replace", logfile=logfile, maxread=65536)
        self.child.delaybeforesend = None
        # typing before the prompt loses characters (OpenSBI eats the first)
        self.child.expect_exact(PROMPT)

    def run(self, cmd, timeout):
        self.child.sendline(cmd)
        self.child.expect_exact(cmd, timeout=10)  # the echo
        self.child.expect_exact(PROMPT, timeout=timeout)
        return self.child.before.replace("\r", "")

    def close(self):
        try:
            if self.child.isalive():
                self.child.sendline("poweroff")
                self.child.expect(pexpect.EOF, timeout=10)
        except (pexpect.TIMEOUT, pexpect.EOF, OSError):
            pass
        if self.child.isalive():
            self.child.terminate(force=True)  # our QEMU, by PID
        self.child.close(force=True)


BENCH_RE = re.compile(r"^bench: (.*)$", re.M)
PROBE_RE = re.compile(r"^RES (.*)$", re.M)


def parse_kv(words):
    """{k: int, float or str} from "k=v k=v ..."."""
    out = {}
    for k, v in (p.split("=", 1) for p in words.split() if "=" in p):
        for conv in (int, float, str):
            try:
                out[k] = conv(v)
                break
            except ValueError:
                pass
    return out


def parse_bench(text):
    m = BENCH_RE.search(text)
    return parse_kv(m.group(1)) if m else None


def run_probe(probe, backend, image, logfile):
    """One boot of the ceiling probe on the kernel's command line: {qd: RES
    fields} and None, or None and why not."""
    argv = base_argv(probe) + drive_args(backend, image, 1)
    logfile.write(f"\n\n##### {' '.join(shlex.quote(a) for a in argv)}\n")
    if backend != "null-co":
        warm(image)
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           errors="replace", timeout=180)  # run() kills our QEMU on timeout
    except subprocess.TimeoutExpired:
        return None, f"{backend}: the ceiling probe did not finish in 180 s"
    out = p.stdout.replace("\r", "")
    logfile.write(out)
    rows = {r["qd"]: r for r in map(parse_kv, PROBE_RE.findall(out)) if "qd" in r}
    if p.returncode != 0 or "limit-probe done" not in out or \
            any(rows.get(qd, {}).get("errs", 1) for qd in CEILING_QDS):
        last = [l for l in out.splitlines() if l.strip()][-1:]
        return None, f"{backend}: the ceiling probe failed (exit {p.returncode}): {last}"
    log("   probe     " + "  ".join(f"qd {qd} {rows[qd]['iops']} IOPS" for qd in CEILING_QDS))
    return rows, None


def ceiling_for(backend, probes):
    """The ceiling of one back end from its two probe boots: per depth the
    mean IOPS and both runs."""
    runs = [r for r in probes if r]
    out = {}
    for qd in CEILING_QDS:
        iops = [r[qd]["iops"] for r in runs]
        if iops:
            out[qd] = {"iops": round(statistics.mean(iops)), "runs": iops,
                       "us_per_req": [r[qd]["us_per_req"] for r in runs]}
    return out


def session(kernel, backend, image, queues, runs, secs, logfile, results, problems):
    argv = base_argv(kernel) + drive_args(backend, image, queues)
    log(f"== {backend}, {queues} queue{'s' if queues > 1 else ''}: {len(runs)} runs")
    logfile.write(f"\n\n##### {' '.join(shlex.quote(a) for a in argv)}\n")
    try:
        g = Guest(argv, logfile)
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        problems.append(f"{backend}: QEMU did not reach the prompt ({type(e).__name__})")
        log("   " + problems[-1])
        return
    try:
        flush = g.run("blk flush vda", 30).strip().splitlines()
        writeback = any("writeback cache" in l for l in flush)
        if any(op.endswith("write") for op, *_ in runs) and backend != "null-co" and not writeback:
            problems.append(f"{backend}: FLUSH not negotiated (writes would run writethrough): "
                            f"{flush[-1:]}")
            log("   " + problems[-1])
        # A warm-up, not recorded: the session's first configuration for a
        # second, as the probe warms up before it counts.  A fresh QEMU
        # has no aio=threads workers yet (it starts them as requests
        # come, and they linger for seconds), and no code translated: the
        # 4-queue session, one run in a boot of its own, measured 0.36-0.68
        # of the 1-queue figure taken after three runs in its boot, and
        # 1.07 when both ran first in their boots.
        if runs:
            op, size, qd, nq = runs[0]
            g.run(f"blk bench vda {op} {size_word(size)} {qd} 1s {nq}", 30)
        for op, size, qd, nq in runs:
            cmd = f"blk bench vda {op} {size_word(size)} {qd} {secs}s {nq}"
            if backend != "null-co":
                warm(image)
            t0 = time.monotonic()
            out = g.run(cmd, secs + 30)
            r = parse_bench(out)
            if not r:
                last = [l for l in out.strip().splitlines() if l.strip()][-1:]
                problems.append(f"{backend}: '{cmd}' gave no bench line: {last}")
                log("   " + problems[-1])
                continue
            r.update(backend=backend, writeback=writeback, host_secs=round(time.monotonic() - t0, 2))
            results.append(r)
            log(f"   {op:9s} {size_word(size):>4s} qd {qd:3d} q {nq}: {r['iops']:8d} IOPS "
                f"{r['mbps']:8.1f} MB/s  p50 {r['p50_us']:8.1f} us  p99 {r['p99_us']:8.1f} us")
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        problems.append(f"{backend}: the shell stopped answering ({type(e).__name__}); "
                        f"last output: {g.child.before[-300:]!r}")
        log("   " + problems[-1])
    finally:
        g.close()


# -- U-Boot ------------------------------------------------------------------------------
def run_uboot(image, boots, quick, out_json, logpath):
    script = os.path.join(UBOOT_DIR, "bench_uboot.py")
    if not os.path.exists(script):
        return None, f"U-Boot anchor not found at {os.path.normpath(UBOOT_DIR)}"
    argv = [sys.executable, script, "--image", image, "--boots", str(boots), "--json", out_json,
            "--log", logpath]
    if quick:
        argv += ["--reps", "1", "--n", "0x100", "--loop-reps", "1"]
    log(f"== U-Boot anchor: {' '.join(os.path.relpath(a, ROOT) if a.startswith('/') else a for a in argv[1:])}")
    p = subprocess.run(argv, capture_output=True, text=True, timeout=1200)
    if p.returncode != 0 or not os.path.exists(out_json):
        return None, "U-Boot anchor failed: " + (p.stderr or p.stdout).strip()[-400:]
    return json.load(open(out_json))["summary"], None


# -- the report --------------------------------------------------------------------------
def fmt_ratio(x):
    if x is None:
        return "-"
    return f"{x:.1f}x" if x >= 10 else f"{x:.2f}x"


def row_order(r):
    """Reads before writes, then back end, op, size, depth, queues."""
    return (r["op"].endswith("write"), BACKENDS.index(r["backend"]), r["op"], r["size"], r["qd"],
            r["queues"])


def ceiling_rows(results, ceilings):
    """Per (back end, depth) measured: kernel IOPS, the ceiling, their ratio,
    and whether the ratio is one of the targets."""
    out = []
    for backend in BACKENDS:
        for qd in CEILING_QDS:
            r = find(results, backend, "randread", 4096, qd)
            c = ceilings.get(backend, {}).get(qd)
            if not r or not c:
                continue
            out.append({"backend": backend, "qd": qd, "kernel": r["iops"], "ceiling": c["iops"],
                        "probe_runs": c["runs"], "ratio": round(r["iops"] / c["iops"], 3),
                        "target": (backend, qd) in CEILING_TARGETS})
    return out


def mq_rows(results):
    """Four queues against one at 4 KiB random QD 128, per back end."""
    out = []
    for backend in BACKENDS:
        one = find(results, backend, "randread", 4096, 128, 1)
        four = find(results, backend, "randread", 4096, 128, 4)
        if one and four:
            out.append({"backend": backend, "one": one["iops"], "four": four["iops"],
                        "ratio": round(four["iops"] / one["iops"], 3)})
    return out


def verdict(ok):
    return "MET" if ok else "MISSED"


def backend_name(backend):
    return backend if backend == "null-co" else f"aio={backend}"


def ceiling_report(rows, probe):
    lines = ["", f"kernel / ceiling: 4 KiB random reads; ceiling = {probe} (a minimal polled guest, "
             "the same QEMU command line), booted before and after the kernel, their mean"]
    hdr = (f"{'back end':9s} {'qd':>3s} {'kernel':>8s} {'probe 1':>8s} {'probe 2':>8s} "
           f"{'ceiling':>8s} {'ratio':>6s}  >= {CEILING_MIN:.2f}")
    lines += [hdr, "-" * len(hdr)]
    for r in rows:
        runs = r["probe_runs"] + [None] * (2 - len(r["probe_runs"]))
        lines.append(f"{r['backend']:9s} {r['qd']:3d} {r['kernel']:8d} "
                     + " ".join(f"{x:8d}" if x else f"{'-':>8s}" for x in runs)
                     + f" {r['ceiling']:8d} {r['ratio']:6.2f}  "
                     + (verdict(r["ratio"] >= CEILING_MIN) if r["target"] else "(not a target)"))
    return lines


def mq_report(rows):
    lines = ["", "four queues against one: 4 KiB random reads at QD 128, a 1-queue and a "
             "4-queue device booted back to back"]
    for r in rows:
        lines.append(f"  {r['backend']:9s} 1 queue {r['one']:8d} IOPS, 4 queues {r['four']:8d} IOPS"
                     f" = {r['ratio']:.2f}x: {verdict(r['ratio'] >= 1.0)} (not slower: >= 1.00x)")
    return lines


def boot_report(boot):
    if not boot:
        return []
    lines = ["", f"boot time, {BOOT_DISKS} virtio-blk disks (null-co), -smp 1, the kernel's own "
             f"'boot time:' line, {len(boot['runs_ms'])} boots: median {boot['median_ms']:.2f} ms, "
             f"min {boot['min_ms']:.2f} ms (" + ", ".join(f"{x:.2f}" for x in boot["runs_ms"]) + ")"]
    if boot.get("phases"):
        lines.append(f"  phases of one more boot with 'boottime' ({boot['phases_total_ms']:.2f} ms): "
                     + ", ".join(f"{n} {ms:.2f}" for n, ms in boot["phases"]))
    return lines


def build_report(results, uboot, dd, meta, problems, net=(), ceilings=None, boot=None):
    lines = []
    lines.append(f"make bench: kernel {meta['kernel']}, QEMU {meta['qemu']}, "
                 f"{meta['nproc']} host CPUs, load average {meta['load_start']} at start, "
                 f"{meta['load_end']} at end")
    ev = meta.get("eviction") or {}
    cached = ("in the host page cache, read through before every run" +
              (f": at most {ev['max_bytes'] / 1024:.0f} KiB had gone since the previous "
               f"read-through, over {ev['checks']} checks" if ev.get("checks") else ""))
    lines.append(f"image: {meta['image']} (256 MiB random, {cached}); "
                 f"-m 512M -smp 1, cache=writeback; {meta['secs']} s per run; MB = 1e6 B")
    if uboot:
        lines.append("U-Boot (QD 1, one request at a time, net per request, "
                     f"{uboot.get('boots')} boot(s)): " + ", ".join(
                         f"{n} {uboot[n + '_net_us']:.1f} us = {uboot[n + '_net_iops']} IOPS"
                         for n in UBOOT_SIZES.values()))
    if dd:
        lines.append(f"host dd from page cache: bs=1M {dd['1M']['MBps']:.0f} MB/s, "
                     f"bs=4k {dd['4k']['MBps']:.0f} MB/s ({dd['4k']['iops']} reads/s)")
    lines.append("")
    null = {(r["op"], r["size"], r["qd"], r["queues"]): r for r in results
            if r["backend"] == "null-co"}
    hdr = (f"{'back end':9s} {'op':9s} {'size':>5s} {'qd':>3s} {'q':>1s} {'IOPS':>8s} "
           f"{'MB/s':>8s} {'p50 us':>8s} {'p99 us':>8s} {'max us':>8s} {'rq/kick':>7s} "
           f"{'xU-Boot':>7s} {'x dd':>6s} {'x null':>6s}")
    lines.append(hdr)
    lines.append("-" * len(hdr))
    for r in sorted(results, key=row_order):
        ub = None  # U-Boot measured reads only
        if uboot and r["size"] in UBOOT_SIZES and r["op"].endswith("read"):
            ub = r["iops"] / uboot[UBOOT_SIZES[r["size"]] + "_net_iops"]
        xdd = None
        if dd and r["op"] == "read" and r["size"] in (1 << 20, 4096):
            ref = dd["1M"] if r["size"] == 1 << 20 else dd["4k"]
            xdd = r["mbps"] / ref["MBps"]
        n = null.get((r["op"], r["size"], r["qd"], r["queues"]))
        xnull = r["iops"] / n["iops"] if n and r["backend"] != "null-co" and n["iops"] else None
        lines.append(f"{r['backend']:9s} {r['op']:9s} {size_word(r['size']):>5s} {r['qd']:3d} "
                     f"{r['queues']:1d} {r['iops']:8d} {r['mbps']:8.1f} {r['p50_us']:8.1f} "
                     f"{r['p99_us']:8.1f} {r['max_us']:8.1f} {r.get('reqs_per_kick', 0):7.2f} "
                     f"{fmt_ratio(ub):>7s} {fmt_ratio(xdd):>6s} {fmt_ratio(xnull):>6s}")
    ceil = ceiling_rows(results, ceilings or {})
    mq = mq_rows(results)
    lines += ceiling_report(ceil, meta.get("probe", "the probe"))
    lines += mq_report(mq)
    lines += boot_report(boot)
    lines += bench_net.report_lines(net)
    lines.append("")
    lines.append(TARGETS)
    targets = evaluate(results, uboot, dd, ceil, mq, boot)
    lines.append("")
    for t in targets:
        lines.append(f"  {t['id']} {t['verdict']:7s} {t['text']}")
    if problems:
        lines.append("")
        lines.append("problems:")
        lines += [f"  {p}" for p in problems]
    return "\n".join(lines) + "\n", targets, ceil, mq


def find(results, backend, op, size, qd, queues=1):
    for r in results:
        if (r["backend"], r["op"], r["size"], r["qd"], r["queues"]) == (backend, op, size, qd, queues):
            return r
    return None


def evaluate(results, uboot, dd, ceil=(), mq=(), boot=None):
    out = []

    def add(tid, ok, text):
        out.append({"id": tid, "verdict": "n/a" if ok is None else ("MET" if ok else "MISSED"),
                    "text": text})

    ub4 = uboot["4KiB_net_iops"] if uboot else None
    for tid, backend, want in (("T1", "threads", 8), ("T2", "io_uring", 25)):
        r = find(results, backend, "randread", 4096, 128)
        if r and ub4:
            x = r["iops"] / ub4
            add(tid, x >= want, f"aio={backend} 4k randread qd128: {r['iops']} IOPS = "
                f"{x:.1f}x U-Boot ({ub4} IOPS); want >= {want}x")
        else:
            add(tid, None, f"aio={backend} 4k randread qd128 or U-Boot figure missing")
    for op in ("read", "randread"):
        r = find(results, "io_uring", op, 4096, 1)
        if r:
            add("T3", r["p50_us"] <= 10.0, f"aio=io_uring 4k {op} qd1: p50 {r['p50_us']:.1f} us "
                f"(mean {1e6 / r['iops']:.1f} us); want p50 <= 10 us")
        else:
            add("T3", None, f"aio=io_uring 4k {op} qd1 missing")
    seq = [r for r in results if r["op"] == "read" and r["size"] == 1 << 20
           and r["backend"] != "null-co"]
    if seq and dd:
        best = max(seq, key=lambda r: r["mbps"])
        x = best["mbps"] / dd["1M"]["MBps"]
        add("T4", x >= 0.9, f"best 1m read (aio={best['backend']} qd{best['qd']}): "
            f"{best['mbps']:.0f} MB/s = {100 * x:.0f} % of dd bs=1M "
            f"({dd['1M']['MBps']:.0f} MB/s); want >= 90 %")
    else:
        add("T4", None, "1m sequential read or dd figure missing")
    for backend in ("threads", "io_uring"):
        r = find(results, backend, "randwrite", 4096, 32)
        if r:
            add("T5", r["iops"] >= 60000, f"aio={backend} 4k randwrite qd32: {r['iops']} IOPS "
                f"(writeback cache: {'yes' if r.get('writeback') else 'NO'}); want >= 60000")
    want = [r for r in ceil if r["target"]]
    if len(want) == len(CEILING_TARGETS):
        low = min(want, key=lambda r: r["ratio"])
        met = sum(r["ratio"] >= CEILING_MIN for r in want)
        add("T6", met == len(want), f"{met} of {len(want)} kernel / ceiling ratios >= "
            f"{CEILING_MIN:.2f}; lowest {low['ratio']:.2f} ({backend_name(low['backend'])} qd{low['qd']}: "
            f"{low['kernel']} of {low['ceiling']} IOPS)")
    else:
        add("T6", None, f"{len(want)} of the {len(CEILING_TARGETS)} kernel / ceiling ratios measured")
    for r in mq:
        add("T7", r["ratio"] >= 1.0, f"{backend_name(r['backend'])} 4k randread qd128: 4 queues {r['four']} "
            f"IOPS, 1 queue {r['one']} IOPS = {r['ratio']:.2f}x; want >= 1.00x")
    if not mq:
        add("T7", None, "4-queue or 1-queue 4k randread qd128 missing")
    if boot:
        add("T8", boot["median_ms"] <= BOOT_MAX_MS, f"boot time with {BOOT_DISKS} disks: median "
            f"{boot['median_ms']:.2f} ms of {len(boot['runs_ms'])} boots (min {boot['min_ms']:.2f} ms); "
            f"want <= {BOOT_MAX_MS:.0f} ms")
    else:
        add("T8", None, "boot time not measured")
    return out


# -- boot time ---------------------------------------------------------------------------
def boot_times(kernel, boots, logfile, problems):
    """The kernel's `boot time:` figure over several boots with eight disks,
    then one boot with the per-phase breakdown."""
    log(f"== boot time: {boots} boots with {BOOT_DISKS} virtio-blk disks, then one with 'boottime'")
    runs = []
    try:
        for _ in range(boots):
            total, _, _ = boottime.boot(kernel, BOOT_DISKS, logfile=logfile)
            if total is None:
                problems.append("boot time: no 'boot time:' line before the prompt")
                return None
            runs.append(total)
        total, phases, _ = boottime.boot(kernel, BOOT_DISKS, "boottime", logfile=logfile)
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        problems.append(f"boot time: QEMU did not reach the prompt ({type(e).__name__})")
        return None
    out = {"disks": BOOT_DISKS, "runs_ms": runs, "median_ms": statistics.median(runs),
           "min_ms": min(runs), "phases_total_ms": total, "phases": phases}
    log(f"   median {out['median_ms']:.2f} ms, min {out['min_ms']:.2f} ms")
    return out


# -- the picture ---------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", default="build/kernel.elf")
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK") == "1")
    ap.add_argument("--boots", type=int, default=None, help="U-Boot boots (default 2; quick: 1)")
    ap.add_argument("--secs", type=int, default=None, help=f"seconds per run (default {SECS})")
    ap.add_argument("--no-uboot", action="store_true")
    ap.add_argument("--probe", default="build/probe/probe-ceiling.elf",
                    help="the ceiling probe (make -C ../shared/limit-probe OUT=$PWD/build/probe)")
    args = ap.parse_args()
    os.chdir(ROOT)
    quick = args.quick
    secs = args.secs or (1 if quick else SECS)
    boots = args.boots or (1 if quick else 2)
    out = args.out
    os.makedirs(out, exist_ok=True)
    image = os.path.join(out, "scratch.img")
    kernel = args.kernel
    if not os.path.exists(kernel):
        sys.exit(f"bench: {kernel} does not exist (make kernel)")
    qemu = os.environ.get("QEMU", "qemu-system-riscv64")
    t_start = time.monotonic()
    meta = {"kernel": kernel, "probe": args.probe, "quick": quick, "secs": secs,
            "nproc": os.cpu_count(), "image": os.path.relpath(image, ROOT),
            "qemu": subprocess.run([qemu, "--version"], capture_output=True,
                                   text=True).stdout.split("\n")[0].replace("QEMU emulator version ", ""),
            "load_start": " ".join(open("/proc/loadavg").read().split()[:3]),
            "date": time.strftime("%Y-%m-%d %H:%M:%S")}
    make_image(image, log)
    warm(image, track=False)  # what went before this run is not this run's
    problems = []
    backends = list(BACKENDS)
    ok, why = io_uring_works(qemu, image)
    if not ok:
        log(f"bench: aio=io_uring does not work on this host ({why or 'QEMU refused it'}); "
            "its rows are left out (aio=threads and null-co still run)")
        problems.append("aio=io_uring unavailable: " + (why or "QEMU refused it"))
        backends.remove("io_uring")
    probe = args.probe if os.path.exists(args.probe) else None
    if not probe:
        problems.append(f"no ceiling: {args.probe} does not exist (make bench builds it from "
                        "../shared/limit-probe)")
        log("bench: " + problems[-1])
    runs = runs_for(quick)
    results = []
    ceilings = {}
    uboot = None
    with open(os.path.join(out, "console.log"), "w") as logfile:
        # Per back end, back to back: probe, kernel, probe, kernel on a
        # 4-queue device: the ratios compare figures minutes apart at most.
        for backend in backends:
            probes = []
            if probe:
                rows, why = run_probe(probe, backend, image, logfile)
                probes.append(rows)
                problems += [why] if why else []
            session(kernel, backend, image, 1, runs["ceiling"], secs, logfile, results, problems)
            if probe:
                rows, why = run_probe(probe, backend, image, logfile)
                probes.append(rows)
                problems += [why] if why else []
            ceilings[backend] = ceiling_for(backend, probes)
            session(kernel, backend, image, 4, runs["mq"], secs, logfile, results, problems)
        # Reads on every back end, then the anchors, then the writes: the
        # host writing back the pages our writes dirtied must not disturb
        # any read figure.
        for backend in backends:
            session(kernel, backend, image, 1, runs["reads"], secs, logfile, results, problems)
        if not args.no_uboot:
            warm(image)
            uboot, why = run_uboot(os.path.abspath(image), boots, quick,
                                   os.path.join(out, "uboot.json"), os.path.join(out, "uboot.log"))
            if why:
                log("bench: " + why)
                problems.append(why)
        log("== host dd from the page cache")
        warm(image)
        dd = host_dd(image, 1 if quick else 5)
        for backend in backends:
            session(kernel, backend, image, 1, runs["writes"], secs, logfile, results, problems)
        log("== net bench")
        net, why = bench_net.run(kernel, secs, quick, logfile)
        problems += why
        boot = boot_times(kernel, 3 if quick else 7, logfile, problems)
    meta["load_end"] = " ".join(open("/proc/loadavg").read().split()[:3])
    meta["eviction"] = dict(EVICTION)
    meta["wall_secs"] = round(time.monotonic() - t_start, 1)
    report, targets, ceil, mq = build_report(results, uboot, dd, meta, problems, net, ceilings,
                                             boot)
    png = os.path.join(out, "iops.png")
    why = bench_plot.draw(ceil, uboot, meta, png, BACKENDS, CEILING_QDS, backend_name)
    if why:
        problems.append(why)
        report += f"\n{why}\n"
    print()
    print(report, end="")
    with open(os.path.join(out, "report.txt"), "w") as f:
        f.write(report)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"meta": meta, "runs": results, "ceiling": ceil, "probe_runs": ceilings,
                   "mq": mq, "boot": boot, "net": net, "uboot": uboot, "dd": dd,
                   "targets": targets, "problems": problems}, f, indent=1)
    log(f"bench: {len(results)} runs in {meta['wall_secs']} s; report in {out}/report.txt, "
        f"raw results in {out}/results.json" + ("" if why else f", picture in {png}"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
