#!/usr/bin/env python3
"""`make bench`: the kernel's `blk bench` under QEMU, next to its anchors.

In one invocation:
  1. our kernel (build/kernel.elf) on a 256 MiB raw image of random bytes
     (build/bench/scratch.img, made once, read through first so it sits in
     the host page cache), for each QEMU back end: aio=threads (QEMU's
     default), aio=io_uring (if it works here; otherwise a line says so) and
     null-co (read-zeroes=off: QEMU's own cost, no data).  The shell is
     driven with pexpect; each `blk bench` ends with a `bench: k=v ...` line.
  2. the U-Boot anchor (../shared/peer-uboot/bench_uboot.py) on the same
     image: one request at a time, so its figures are per-request costs.
  3. host `dd` from the page cache, bs=1M and bs=4k.
  4. the network: `net bench` packet rates both ways (scripts/bench_net.py).
Then ONE table: our figures and their ratios to U-Boot (IOPS, same size),
to host dd (sequential reads) and to the null-co run of the same shape,
followed by the targets and whether each was met.  The table goes to
build/bench/report.txt and everything measured to build/bench/results.json.

    scripts/bench.py [--kernel build/kernel.elf] [--quick] [--boots N]
    BENCH_QUICK=1 make bench      # a tiny subset, < 1 minute

QEMU runs as `make run` boots it (scripts/qemu.sh --print: -smp 2,
cache=writeback, modern virtio-mmio) except -m 512M and the drive; only
the QEMU processes started here are ended, by PID.
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

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROMPT = "vdisk> "
IMAGE_BYTES = 256 << 20
UBOOT_DIR = os.path.join(ROOT, "..", "shared", "peer-uboot")
UBOOT_SIZES = {512: "512B", 4096: "4KiB", 131072: "128KiB", 1 << 20: "1MiB"}
SECS = 3  # per bench command

TARGETS = """targets:
  T1 4 KiB randread QD128, aio=threads   >= 8x U-Boot 4 KiB IOPS
  T2 4 KiB randread QD128, aio=io_uring  >= 25x U-Boot 4 KiB IOPS
  T3 4 KiB read QD1, aio=io_uring        p50 <= 10 us per request
  T4 1 MiB sequential read               >= 90 % of host dd bs=1M
  T5 4 KiB randwrite QD32                >= 60k IOPS"""


def log(msg):
    print(msg, flush=True)


def runs_for(quick):
    """(op, size, qd, queues) per session kind: reads, writes, mq."""
    if quick:
        return {"reads": [("randread", 4096, 1, 1), ("randread", 4096, 128, 1),
                          ("read", 1 << 20, 8, 1)],
                "writes": [("randwrite", 4096, 32, 1)],
                "mq": [("randread", 4096, 128, 4)]}
    reads = []
    for size in (512, 4096, 131072, 1 << 20):
        for qd in (1, 32):
            reads.append(("randread", size, qd, 1))
    reads += [("randread", 4096, 8, 1), ("randread", 4096, 128, 1)]
    for size in (4096, 1 << 20):
        for qd in (1, 8, 32):
            reads.append(("read", size, qd, 1))
    writes = [("randwrite", 4096, qd, 1) for qd in (1, 8, 32, 128)]
    writes += [("write", 1 << 20, qd, 1) for qd in (1, 32)]
    return {"reads": reads, "writes": writes, "mq": [("randread", 4096, 128, 4)]}


def size_word(size):
    if size % (1 << 20) == 0:
        return f"{size >> 20}m"
    if size % 1024 == 0:
        return f"{size >> 10}k"
    return str(size)


# -- the image and the host ------------------------------------------------------
def make_image(path):
    if os.path.exists(path) and os.path.getsize(path) == IMAGE_BYTES:
        return
    log(f"creating {os.path.relpath(path, ROOT)} (256 MiB of random bytes)")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "wb") as f:
        for _ in range(IMAGE_BYTES >> 20):
            f.write(os.urandom(1 << 20))
    os.replace(path + ".tmp", path)


def warm(path):
    subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)


def host_dd(path, reps):
    out = {}
    for bs, nbytes in (("1M", 1 << 20), ("4k", 4096)):
        rates = []
        for _ in range(reps):
            p = subprocess.run(["dd", f"if={path}", "of=/dev/null", f"bs={bs}"],
                               capture_output=True, text=True, check=True)
            m = re.search(r"^(\d+) bytes .* copied, ([0-9.e-]+) s", p.stderr, re.M)
            rates.append(int(m.group(1)) / float(m.group(2)))
        med = statistics.median(rates)
        out[bs] = {"MBps": round(med / 1e6, 1), "iops": round(med / nbytes),
                   "MBps_all": [round(r / 1e6, 1) for r in rates]}
    return out


def io_uring_works(qemu, image):
    """Whether -drive aio=io_uring opens here (kernel, seccomp, QEMU build):
    start QEMU stopped and quit it from the monitor."""
    try:
        p = subprocess.run([qemu, "-machine", "virt", "-bios", "none", "-nodefaults",
                            "-display", "none", "-serial", "none", "-monitor", "stdio", "-S",
                            "-drive", f"file={image},if=none,format=raw,id=probe,"
                                      "aio=io_uring,readonly=on"],
                           input="quit\n", capture_output=True, text=True, timeout=20)
        return p.returncode == 0, (p.stderr or "").strip()
    except subprocess.TimeoutExpired:
        return False, "probe timed out"


# -- our kernel --------------------------------------------------------------------
def base_argv(kernel):
    env = dict(os.environ, KERNEL=kernel, DISK="none", QEMU_MEM="512M", APPEND="",
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


def parse_bench(text):
    m = BENCH_RE.search(text)
    if not m:
        return None
    kv = dict(p.split("=", 1) for p in m.group(1).split())
    out = {}
    for k, v in kv.items():
        try:
            out[k] = int(v)
        except ValueError:
            try:
                out[k] = float(v)
            except ValueError:
                out[k] = v
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
        for op, size, qd, nq in runs:
            cmd = f"blk bench vda {op} {size_word(size)} {qd} {secs}s {nq}"
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


def build_report(results, uboot, dd, meta, problems, net=()):
    lines = []
    lines.append(f"make bench: kernel {meta['kernel']}, QEMU {meta['qemu']}, "
                 f"{meta['nproc']} host CPUs, load average {meta['load_start']} at start, "
                 f"{meta['load_end']} at end")
    lines.append(f"image: {meta['image']} (256 MiB random, in the host page cache); "
                 f"-m 512M -smp 2, cache=writeback; {meta['secs']} s per run; MB = 1e6 B")
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
    for r in results:
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
    lines += bench_net.report_lines(net)
    lines.append("")
    lines.append(TARGETS)
    targets = evaluate(results, uboot, dd)
    lines.append("")
    for t in targets:
        lines.append(f"  {t['id']} {t['verdict']:7s} {t['text']}")
    if problems:
        lines.append("")
        lines.append("problems:")
        lines += [f"  {p}" for p in problems]
    return "\n".join(lines) + "\n", targets


def find(results, backend, op, size, qd, queues=1):
    for r in results:
        if (r["backend"], r["op"], r["size"], r["qd"], r["queues"]) == (backend, op, size, qd, queues):
            return r
    return None


def evaluate(results, uboot, dd):
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
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", default="build/kernel.elf")
    ap.add_argument("--out", default="build/bench")
    ap.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK") == "1")
    ap.add_argument("--boots", type=int, default=None, help="U-Boot boots (default 2; quick: 1)")
    ap.add_argument("--secs", type=int, default=None, help=f"seconds per run (default {SECS})")
    ap.add_argument("--no-uboot", action="store_true")
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
    meta = {"kernel": kernel, "quick": quick, "secs": secs, "nproc": os.cpu_count(),
            "image": os.path.relpath(image, ROOT),
            "qemu": subprocess.run([qemu, "--version"], capture_output=True,
                                   text=True).stdout.split("\n")[0].replace("QEMU emulator version ", ""),
            "load_start": " ".join(open("/proc/loadavg").read().split()[:3]),
            "date": time.strftime("%Y-%m-%d %H:%M:%S")}
    make_image(image)
    warm(image)
    problems = []
    backends = ["threads", "io_uring", "null-co"]
    ok, why = io_uring_works(qemu, image)
    if not ok:
        log(f"bench: aio=io_uring does not work on this host ({why or 'QEMU refused it'}); "
            "its rows are left out (aio=threads and null-co still run)")
        problems.append("aio=io_uring unavailable: " + (why or "QEMU refused it"))
        backends.remove("io_uring")
    runs = runs_for(quick)
    results = []
    uboot = None
    with open(os.path.join(out, "console.log"), "w") as logfile:
        # Reads on every back end, then the anchors, then the writes: the
        # host writing back the pages our writes dirtied must not disturb
        # any read figure.
        for kind in ("reads", "mq"):
            for backend in backends:
                warm(image)
                session(kernel, backend, image, 4 if kind == "mq" else 1, runs[kind], secs,
                        logfile, results, problems)
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
            warm(image)
            session(kernel, backend, image, 1, runs["writes"], secs, logfile, results, problems)
        log("== net bench")
        net, why = bench_net.run(kernel, secs, quick, logfile)
        problems += why
    meta["load_end"] = " ".join(open("/proc/loadavg").read().split()[:3])
    meta["wall_secs"] = round(time.monotonic() - t_start, 1)
    report, targets = build_report(results, uboot, dd, meta, problems, net)
    print()
    print(report, end="")
    with open(os.path.join(out, "report.txt"), "w") as f:
        f.write(report)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"meta": meta, "runs": results, "net": net, "uboot": uboot, "dd": dd,
                   "targets": targets, "problems": problems}, f, indent=1)
    log(f"bench: {len(results)} runs in {meta['wall_secs']} s; report in {out}/report.txt, "
        f"raw results in {out}/results.json")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
