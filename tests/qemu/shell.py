#!/usr/bin/env python3
"""Drive the kernel's shell in QEMU like a person would, one case per command.

Every bad input must print one clear line and change nothing: after the
bad commands the disk image must be byte-for-byte what it was, and the one
good write must land exactly where it was asked to.  Ends with
`N passed, M failed`.
"""
import hashlib
import os
import re
import subprocess
import sys
import tempfile

import pexpect

import boottime
from cases import Cases

PROMPT = "vdisk> "
SECTOR = 512

# (command, text the reply must contain); the reply must be one line unless
# marked multi-line.
BAD = [
    ("frobnicate", "unknown command"),
    ("blk", "missing subcommand"),
    ("blk red", "unknown subcommand"),
    ("blk info", "usage"),
    ("blk info vdz", "no disk named 'vdz'"),
    ("blk info vda extra", "usage"),
    ("blk read vda", "usage"),
    ("blk read vda 12x", "not a number"),
    ("blk read vda 0x", "not a number"),
    ("blk read vda 99999999999999999999999", "not a number"),
    ("blk read vda 2048", "past the end"),
    ("blk read vda 2047 2", "past the end"),
    ("blk read vda 0 0", "COUNT must be at least 1"),
    ("blk read vda 0 1 1", "usage"),
    ("blk write vda 0 1", "usage"),
    ("blk write vda 0 1 256", "out of range"),
    ("blk write vda 0 1 \"unterminated", "quote"),
    ("blk write vda 0 0 7", "COUNT must be at least 1"),
    ("blk write vda 2048 1 7", "past the end"),
    ("blk write vdb 0 1 7", "read-only"),
    ("blk write vdz 0 1 7", "no disk named 'vdz'"),
    ("blk cache vda bogus", "neither writeback nor writethrough"),
    ("blk zero vdb 0 8", "read-only"),
    ("blk discard vda 0 0", "COUNT must be at least 1"),
    ("blk verify vda 2040 16", "past the end"),
    ("blk bench vda randread 700", "SIZE"),
    ("rng", "no entropy device"),
    ("rng 0", "COUNT must be 1..4096"),
    ("rng 12x", "not a number"),
    ("rng 4 4", "unexpected argument"),
    ("con list", "no console ports"),
    ("con write 0 hello", "no port '0' (there are no console ports)"),
    ("gpu test", "no display"),
    ("gpu info", "no display"),
    ("net", "missing subcommand"),
    ("net info", "no network device"),
    ("net dhcp", "no network device"),
    ("ping 10.0.2.2", "no network device"),
    ("udp echo 7", "no network device"),
    ("ping", "ping: missing IP (usage: ping IP [COUNT])"),
    ("udp send 10.0.2.2 7", "udp send: missing TEXT (usage: udp send IP PORT TEXT)"),
    ("input", "missing subcommand"),
    ("input frob", "unknown subcommand"),
    ("input list", "no input devices"),
    ("input list all", "input list: unexpected argument 'all' (usage: input list)"),
    ("input watch", "no input devices"),
    ("input watch 0", "SECONDS must be 1..3600"),
    ("input watch 5x", "not a number"),
    ("input watch 1 2", "input watch: unexpected argument '2' (usage: input watch [SECONDS])"),
    ("virtio", "virtio: missing subcommand (list; see 'help')"),
    ("virtio frob", "virtio: unknown subcommand 'frob'"),
    ("virtio list x", "virtio list: unexpected argument 'x' (usage: virtio list)"),
    # the dispatcher's word-count checks, whole lines (kernel/shell/dispatch.c)
    ("help x", "help: unexpected argument 'x' (usage: help)"),
    ("mem x", "mem: unexpected argument 'x' (usage: mem)"),
    ("sysinfo x", "sysinfo: unexpected argument 'x' (usage: sysinfo)"),
    ("blk list x", "blk list: unexpected argument 'x' (usage: blk list)"),
    ("blk flush", "blk flush: missing DISK (usage: blk flush DISK)"),
    ("blk discard vda 0", "blk discard: missing COUNT (usage: blk discard DISK SECTOR COUNT)"),
    ("blk zero vda 0 8 unmap 9",
     "blk zero: unexpected argument '9' (usage: blk zero DISK SECTOR COUNT [unmap])"),
]

# `help`, exactly: every row comes from the command tables, so a command
# that appears or vanishes shows here (trailing spaces included).
HELP = [
    "  help                                 list the commands",
    "  blk list                             show every disk",
    "  blk info DISK                        show everything known about a disk",
    "  blk read DISK SECTOR [COUNT]         hex dump COUNT sectors (default 1, max 256)",
    "  blk write DISK SECTOR COUNT PATTERN  fill sectors with a byte 0..255 or a \"string\"",
    "  blk flush DISK                       flush the write cache (says whether it is writeback)",
    "  blk cache DISK [writeback|writethrough] show or switch the cache mode (CONFIG_WCE)",
    "  blk discard DISK SECTOR COUNT        tell the disk the sectors are unused (DISCARD)",
    "  blk zero DISK SECTOR COUNT [unmap]   WRITE_ZEROES; unmap lets the disk deallocate",
    "  blk id DISK                          show the disk's serial (GET_ID)",
    "  blk verify DISK SECTOR COUNT [PATTERN]",
    "                                       write PATTERN (default: per-sector) over the range, read back, compare",
    "  blk bench DISK [OP] [SIZE] [QD] [TIME|COUNT] [QUEUES]",
    "                                       I/O benchmark: OP read, write, randread, randwrite; SIZE 512..1m;",
    "                                       QD 1..256; TIME 2s or a COUNT; QUEUES (defaults: randread 4k 32 2s 1)",
    "  input list                           every input device: name, serial, ids, event types",
    "  input watch [SECONDS]                print each input event for SECONDS (default 10)",
    "  virtio list                          every virtio device: transport, type, driver, ring, features, queues",
    "  selftest                             run the self-test suites (QEMU keeps running)",
    "  rng [COUNT]                          COUNT random bytes from the entropy device (default 32)",
    "  con list                             every console port: number, name, host end open or closed, hvcN",
    "  con write PORT TEXT                  send TEXT (a word or a \"quoted string\") and a newline",
    "  con read PORT [MS]                   print what PORT received, waiting up to MS ms (1000) for it",
    "  gpu info                             show every display: outputs, modes, EDID, framebuffer",
    "  gpu test                             eight colour bars and a line of text on display0",
    "  gpu cursor X Y                       show the cursor at X,Y on display0 (then move it)",
    "  gpu console on|off                   draw the console on display0 too, or stop",
    "  net info [IFACE]                     address, link, MTU, features, queues, counters",
    "  net dhcp [IFACE]                     obtain an address by DHCP (default net0)",
    "  net promisc IFACE on|off             receive every frame on the link, or only ours",
    "  net allmulti IFACE on|off            receive every multicast frame, or joined groups only",
    "  net mcast IFACE [GROUP] [GROUP] [GROUP] [GROUP]",
    "                                       join multicast groups through the device's MAC filter (none: leave all)",
    "  net bench IP PORT [SECONDS] [SIZE]   UDP packet rates both ways against netpeer.py",
    "  ping IP [COUNT]                      ICMP echo: one line per reply, then the totals (COUNT default 4)",
    "  udp send IP PORT TEXT                send TEXT in one datagram",
    "  udp echo PORT [SECONDS]              send every datagram to PORT back (default 10 s)",
    "  mem                                  show how much of the DMA pool is in use",
    "  sysinfo                              the machine: memory, harts, devices, page tables, PCI functions",
    "  poweroff                             stop the machine (QEMU exits with status 0)",
    "Numbers are decimal or 0x-hex.  Keys: Backspace, Ctrl-U (kill line),",
    "Ctrl-C (cancel line), Up/Down (history).",
]


# `virtio list` (kernel/shell/virtio.c): a header line per device, then
# "  key  value" lines and, for a bound device, a table of its queues.
VIRTIO_HEADER = re.compile(r"^virtio(\d+)  (virtio-mmio v2 @0x[0-9a-f]+ irq \d+)$")
QUEUE_COLUMNS = ["queue", "size", "flight", "chains", "posted", "used", "popped", "notifies",
                 "suppressed", "irqs", "spurious", "faults"]


def virtio_list(lines):
    """{transport line: {"index": n, key: value, "queues": [{column: int}]}}"""
    devices, dev, columns = {}, None, None
    for line in lines:
        m = VIRTIO_HEADER.match(line)
        if m:
            dev = devices.setdefault(m.group(2), {"index": int(m.group(1)), "queues": []})
            columns = None
        elif dev is not None and line.split()[:1] == ["queue"]:
            columns = line.split()
        elif dev is not None and columns:
            dev["queues"].append(dict(zip(columns, map(int, line.split()))))
        elif dev is not None and line.startswith("  "):
            key, _, value = line.strip().partition(" ")
            dev[key] = value.strip()
    return devices


def check_virtio_list(case, devs):
    """The shell machine: the balloon (no driver) in the lowest slot, then
    vda (0x10007000) and vdb (0x10008000), both bound and live."""
    balloon = devs.get("virtio-mmio v2 @0x10006000 irq 6", {})
    vda = devs.get("virtio-mmio v2 @0x10007000 irq 7", {})
    vdb = devs.get("virtio-mmio v2 @0x10008000 irq 8", {})
    case(len(devs) == 3 and [d.get("index") for d in (balloon, vda, vdb)] == [0, 1, 2],
         "virtio list: every device, in slot order", repr(sorted(devs)))
    case(balloon.get("type") == "balloon (5)" and balloon.get("driver") == "none"
         and not balloon["queues"] and "ring" not in balloon,
         "virtio list: the balloon has no driver (and no ring, no queues)", repr(balloon))
    for name, d in (("vda", vda), ("vdb", vdb)):
        features = d.get("features", "")
        case(d.get("type") == "block (2)" and d.get("driver") == "virtio-blk, live"
             and d.get("ring") == "split"
             and re.fullmatch(r"0x[0-9a-f]{16}( [A-Z_0-9]+)*", features) is not None
             and "VERSION_1" in features.split()
             and re.fullmatch(r"\d+ KiB of DMA pool", d.get("memory", "")) is not None,
             f"virtio list: {name} is virtio-blk, live, split ring, features named",
             repr(d))
        q = d.get("queues", [])
        case(len(q) == 1 and set(q[0]) == set(QUEUE_COLUMNS) and q[0]["queue"] == 0
             and q[0]["size"] == 256 and q[0]["flight"] == 0 and q[0]["faults"] == 0
             and q[0]["chains"] == q[0]["popped"],
             f"virtio list: {name}'s queue 0 with its statistics", repr(q))


def check_virtio_traffic(case, before, after):
    """One 512-byte read of vda between two lists: one more chain added
    and used, its bytes (header 16 + data 512 + status 1 posted, data and
    status used), one more notification sent or suppressed; vdb idle."""
    key = "virtio-mmio v2 @0x10007000 irq 7"
    b, a = before.get(key, {}).get("queues", [{}])[0], after.get(key, {}).get("queues", [{}])[0]
    d = {c: a.get(c, 0) - b.get(c, 0) for c in QUEUE_COLUMNS}
    case(d["chains"] == 1 and d["popped"] == 1 and d["posted"] == 529 and d["used"] == 513
         and d["notifies"] + d["suppressed"] == 1 and d["irqs"] >= 1,
         "virtio list: one read of vda shows in its queue's statistics", repr(d))
    other = "virtio-mmio v2 @0x10008000 irq 8"
    case(before.get(other, {}).get("queues") == after.get(other, {}).get("queues"),
         "virtio list: vdb's statistics did not move", repr(after.get(other)))


def check_sysinfo(case, boot, lines):
    """The boot prints three lines of the machine summary (kernel/shell/
    sysinfo.c), `sysinfo` all of it: the same three, the RAM QEMU was given
    (-m 256M at 0x80000000), one hart, both disks' slots among the eight,
    and QEMU virt's PCI host bridge (1b36:0008) as a function."""
    first = [l for l in boot if l.startswith("vdisk kernel (")]
    kernel = boot[boot.index(first[0]) + 1:] if first else []  # after OpenSBI's
    mine = [l for l in kernel if l.startswith("  ")]
    case(len(first) == 1 and [l[:12] for l in mine] == ["  irq       ", "  dma pool  "],
         "the boot prints the kernel line, irq and dma pool only", repr(first + mine))
    case(all(l in lines for l in first + mine), "sysinfo repeats the boot's lines",
         f"missing {[l for l in first + mine if l not in lines]!r}")
    want = ["  memory    0x80000000..0x90000000 (256 MiB)", "  harts     1 (",
            "  virtio    8 mmio slots at 0x10001000..0x10008000", "  paging    sv39, ",
            "pci 00:00.0 1b36:0008 class 0600"]
    missing = [w for w in want if not any(l.startswith(w) for l in lines)]
    case(not missing, "sysinfo: memory, harts, virtio slots, paging, the PCI host bridge",
         f"missing {missing!r} in {lines!r}")


def main():
    case = Cases("shell")

    with tempfile.TemporaryDirectory(prefix="vdisk-shell-") as work:
        rw = os.path.join(work, "rw.img")
        ro = os.path.join(work, "ro.img")
        for path in (rw, ro):
            subprocess.run([sys.executable, "scripts/mkdisk.py", "--size", "1M", path],
                           check=True, stdout=subprocess.DEVNULL)
        before_rw = open(rw, "rb").read()
        before_ro = open(ro, "rb").read()
        trace = os.path.join(work, "trace.log")

        def traced():
            """The virtio_blk_* trace lines QEMU has written so far."""
            try:
                return open(trace).read().splitlines()
            except FileNotFoundError:
                return []
        argv = ["-machine", "virt", "-bios", "default", "-nographic", "-m", "256M",
                "-kernel", "build/kernel.elf", "-global", "virtio-mmio.force-legacy=false",
                # QEMU puts the first device in the highest slot, and the
                # kernel names disks in address order: vdb is given first.
                "-drive", f"file={ro},if=none,format=raw,id=hd1,readonly=on",
                "-device", "virtio-blk-device,drive=hd1",
                "-drive", f"file={rw},if=none,format=raw,id=hd0",
                "-device", "virtio-blk-device,drive=hd0",
                # a device type without a driver here, for `virtio list`
                "-device", "virtio-balloon-device",
                # every request QEMU completes, for the cache-switch check
                "-trace", f"enable=virtio_blk_*,file={trace}"]
        c = pexpect.spawn("qemu-system-riscv64", argv, encoding="utf-8", timeout=30)
        try:
            c.expect(PROMPT)
            boot = c.before.replace("\r", "").rstrip("\n").split("\n")
            total, _ = boottime.parse(c.before)
            case(total is not None and 0 < total < 5000 and
                 boottime.TOTAL_RE.match(boot[-2]) and boot[-1] == "type 'help' for the commands",
                 "the boot time line comes just before the first prompt", repr(boot[-3:]))

            def run(cmd):
                c.sendline(cmd)
                c.expect(PROMPT)
                lines = [l for l in c.before.replace("\r", "").split("\n")[1:] if l.strip()]
                return lines

            check_sysinfo(case, boot, run("sysinfo"))
            lines = run("blk list")
            case(len(lines) == 3 and "vda" in lines[1] and "vdb" in lines[2] and " ro " in lines[2],
                 "blk list shows both disks, vdb read-only", repr(lines))
            lines = run("help")
            diff = [(i, got, want) for i, (got, want) in enumerate(zip(lines, HELP)) if got != want]
            case(lines == HELP, "help lists exactly the commands",
                 f"{len(lines)} lines, want {len(HELP)}; first difference {diff[:1]!r}")
            for cmd, want in BAD:
                lines = run(cmd)
                ok = len(lines) == 1 and want.lower() in lines[0].lower()
                case(ok, f"{cmd!r} -> one line with {want!r}", repr(lines))
            case(open(rw, "rb").read() == before_rw, "bad commands left vda unchanged")

            before = virtio_list(run("virtio list"))
            check_virtio_list(case, before)
            lines = run("blk read vda 0 1")
            case(any("VDISK TEST IMAGE" in l for l in lines), "blk read vda 0 1 shows the image's first sector",
                 repr(lines[:3]))
            check_virtio_traffic(case, before, virtio_list(run("virtio list")))
            lines = run('blk write vda 5 2 "hello world "')
            case(len(lines) == 1 and "wrote" in lines[0], "blk write with a quoted string", repr(lines))
            lines = run("blk read vda 5 1")
            case(any("hello world hell" in l for l in lines), "the string reads back", repr(lines[:3]))
            lines = run("blk write vda 0x7 1 0xAB")
            lines = run("blk read vda 7")
            case(any("ab ab ab ab" in l for l in lines), "hex sector and byte pattern", repr(lines[:3]))

            seen = len(traced())
            lines = run("blk cache vda writethrough")
            case(lines == ["vda: writethrough cache"], "blk cache switches to writethrough", repr(lines))
            # The writes above sit in QEMU's writeback cache: the switch
            # must make them durable first, with one request that is
            # neither a read nor a write (a FLUSH).
            new = traced()[seen:]
            done = [l for l in new if "virtio_blk_req_complete" in l]
            rws = [l for l in new if "virtio_blk_handle_" in l]
            case(len(done) == 1 and not rws, "going writethrough sends a FLUSH first (QEMU trace)",
                 repr(new[-4:]))
            lines = run("blk flush vda")
            case(len(lines) == 1 and "writethrough" in lines[0], "flush on a writethrough cache says so",
                 repr(lines))
            lines = run("blk cache vda writeback")
            case(lines == ["vda: writeback cache"], "blk cache switches back to writeback", repr(lines))

            # Ctrl-U kills the line; Ctrl-C cancels it: neither command runs.
            c.send("blk write vda 9 1 1\x15blk list\r")
            c.expect(PROMPT)
            case("vda" in c.before and "wrote" not in c.before, "Ctrl-U kills the line", repr(c.before))
            c.send("blk write vda 9 1 1\x03")
            c.expect(PROMPT)
            c.sendline("")
            c.expect(PROMPT)
            # Up arrow recalls the last command.
            c.send("\x1b[A")
            c.expect("blk list")  # the line is redrawn with the recalled command
            c.send("\r")
            c.expect("NAME.*\n.*vda")
            c.expect(PROMPT)
            case(True, "Up arrow recalls 'blk list'")
            # Grow the disk from QEMU's monitor (Ctrl-A c toggles it): the
            # config-change interrupt must reach `blk info` without a reboot.
            c.send("\x01c")
            c.expect(r"\(qemu\)")
            c.sendline("block_resize hd0 2M")
            c.expect(r"\(qemu\)")
            c.send("\x01c")
            c.sendline("")
            c.expect(PROMPT)
            lines = run("blk info vda")
            text = "\n".join(lines)
            case("4096 sectors" in text and "1 config changes" in text,
                 "block_resize in the monitor shows in blk info (config interrupt)",
                 repr([l for l in lines if "sectors" in l or "config" in l]))
            lines = run("blk read vda 4095")
            case(any("vda sector 4095" in l for l in lines), "the new last sector reads",
                 repr(lines[:2]))
            # 256 in flight: an interrupt completes at most the library's
            # budget (VIRTIO_DRAIN_BUDGET, 128 a queue); the rest must arrive
            # through the deferred drain the kernel's wait loop runs.  More
            # completions than 128 per interrupt prove that path carried some.
            lines = run("blk bench vda randread 4096 256 5000")
            m = re.search(r"ops=(\d+) .*irqs=(\d+)", " ".join(lines))
            ops, irqs = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
            case(ops == 5000 and ops > 128 * irqs,
                 "qd 256: every completion arrives, past the interrupt's budget too",
                 f"{ops} ops, {irqs} interrupts; {lines[-1:]!r}")
            c.sendline("poweroff")
            c.expect(pexpect.EOF)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            case(False, "shell session", f"{type(e).__name__}; last output: {c.before!r}")
        finally:
            c.close(force=True)

        after = open(rw, "rb").read()[:len(before_rw)]
        want = bytearray(before_rw)
        want[5 * SECTOR:7 * SECTOR] = (b"hello world " * 100)[:2 * SECTOR]
        want[7 * SECTOR:8 * SECTOR] = b"\xab" * SECTOR
        bad = [s for s in range(len(want) // SECTOR)
               if after[s * SECTOR:(s + 1) * SECTOR] != want[s * SECTOR:(s + 1) * SECTOR]]
        case(not bad, "vda holds exactly the three good writes", f"sectors differ: {bad[:8]}")
        case(open(ro, "rb").read() == before_ro, "read-only vdb unchanged")
    check_boot_phases(case)
    check_boot_footprint(case)
    return case.finish()


def check_boot_phases(case):
    """Eight disks and the boot argument `boottime`: the phases, one per
    disk among them, add up to the total (each is rounded to 0.01 ms)."""
    try:
        total, phases, text = boottime.boot("build/kernel.elf", 8, "boottime")
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        case(False, "boottime: 8 disks reach the prompt", type(e).__name__)
        return
    names = [n for n, _ in phases]
    disks = [n for n in names if n.startswith("virtio-mmio v2 @0x")]
    case(total is not None and len(disks) == 8 and names[-1] == "(the rest)",
         "boottime: a phase per disk of eight, then the rest", repr(names))
    kernel = sum(ms for n, ms in phases if not n.startswith("(firmware"))
    case(total is not None and abs(kernel - total) <= 0.01 * len(phases) + 0.01,
         "boottime: the phases add up to the total",
         f"phases {kernel:.2f} ms, total {total} ms")


def check_boot_footprint(case):
    """Eight disks (all of QEMU virt's virtio-mmio slots) bring the boot's
    memory, the kernel image and the DMA pool after it, to within the
    2 MiB the image starts: guest RAM the boot touches is RAM QEMU's host
    must fault in, a 2 MiB huge page at a time where the host backs guest
    RAM with them, and the page after it cost up to 10 ms (docs/performance.md, "Boot
    time")."""
    try:
        got = boottime.footprint("build/kernel.elf", 8)
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        case(False, "footprint: 8 disks reach the prompt", type(e).__name__)
        return
    huge = 2 << 20
    case(got is not None and got[1] <= (got[0] & ~(huge - 1)) + huge,
         "footprint: kernel image and boot-time DMA pool within one 2 MiB page",
         "sysinfo/mem unreadable" if got is None else
         f"0x{got[0]:x}..0x{got[1]:x}: {(got[1] - got[0]) >> 10} KiB")


if __name__ == "__main__":
    sys.exit(main())
