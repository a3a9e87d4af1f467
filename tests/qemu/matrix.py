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
    """What kernel/selftest/blk.c writes into sector s."""
    base = (s * 131) & 0xFF
    return bytes((base ^ ((i * 7) & 0xFF) ^ 0x5A) for i in range(SECTOR))


def written_sectors(capacity, per=1):
    """The exact set of sectors the self-test writes its pattern to on a
    writable disk whose logical block is `per` sectors (the range commands
    are in range_commands())."""
    c = capacity
    mid = c // 2 // per * per
    out = set(range(0, per)) | set(range(mid, mid + per)) | set(range(c - per, c))
    if c >= 80:
        out.update(range(64, 80))
    first = 128 if per == 1 else 1024
    if c >= first + 32 * per:
        out.update(range(first, first + 32 * per))
    return sorted(s for s in out if 0 <= s < c)


def device_prop(disk, name, default):
    """A virtio-blk property as given on the device (QEMU's default if not)."""
    for kv in (disk.props if disk else "").split(","):
        if kv.startswith(name + "="):
            return kv.split("=", 1)[1]
    return default


def range_commands(capacity, disk):
    """(zeroed, discarded) sector ranges of kernel/selftest/blk.c: WRITE_ZEROES
    over 200..263 and DISCARD over 300..363 when the disk is big enough, the
    device offers the command (QEMU 7.2: discard and write-zeroes default on)
    and the range is whole logical blocks."""
    per = int(device_prop(disk, "logical_block_size", "512")) // SECTOR
    def applies(prop, first, count):
        return (capacity >= first + count and device_prop(disk, prop, "on") in ("on", "true")
                and first % per == 0 and count % per == 0)
    zeroed = range(200, 264) if applies("write-zeroes", 200, 64) else range(0)
    discarded = range(300, 364) if applies("discard", 300, 64) else range(0)
    return zeroed, discarded


def sparse_problems(path, disk):
    """What is wrong with a sparse image after the self-test: every sector
    the self-test writes (or zeroes) must hold what it wrote, and every
    other sector the file holds data for must still be zero (discarded
    ones may hold anything the discard left: zeros, here)."""
    c = disk.size // SECTOR
    per = int(device_prop(disk, "logical_block_size", "512")) // SECTOR
    writable = not (disk.read_only or disk.absent)
    written = set(written_sectors(c, per)) if writable else set()
    zeroed, discarded = range_commands(c, disk) if writable else (range(0), range(0))
    bad = []
    with open(path, "rb") as f:
        def holds(s, want):
            f.seek(s * SECTOR)
            return f.read(SECTOR) == want
        bad += [s for s in sorted(written) if not holds(s, pattern_sector(s))]
        bad += [s for s in zeroed if not holds(s, bytes(SECTOR))]
        data, end = 0, os.fstat(f.fileno()).st_size
        while data < end:  # every extent that holds data, written or not
            try:
                data = os.lseek(f.fileno(), data, os.SEEK_DATA)
            except OSError:
                break  # no data past here
            hole = os.lseek(f.fileno(), data, os.SEEK_HOLE)
            for s in range(data // SECTOR, (hole + SECTOR - 1) // SECTOR):
                if s not in written and s not in discarded and not holds(s, bytes(SECTOR)):
                    bad.append(s)
            data = hole
    return [f"sparse image: {len(bad)} sectors differ from the expected writes "
            f"(first: {sorted(bad)[:8]})"] if bad else []


def make_image(path, size, seed):
    rng = random.Random(seed)
    data = bytearray(rng.randbytes(size))
    for s in range(0, size // SECTOR):
        tag = b"sector %d" % s
        data[s * SECTOR: s * SECTOR + len(tag)] = tag
    with open(path, "wb") as f:
        f.write(data)
    return bytes(data)


def expected_image(original, read_only, disk=None, got=None):
    """What the disk must hold after the self-test.  Discarded sectors may
    read back old or zeroed (unspecified): there each sector of `got` is
    taken if it is one of the two, so only a third content is a mismatch."""
    if read_only:
        return original
    data = bytearray(original)
    c = len(original) // SECTOR
    per = int(device_prop(disk, "logical_block_size", "512")) // SECTOR
    for s in written_sectors(c, per):
        data[s * SECTOR:(s + 1) * SECTOR] = pattern_sector(s)
    zeroed, discarded = range_commands(c, disk)
    for s in zeroed:
        data[s * SECTOR:(s + 1) * SECTOR] = bytes(SECTOR)
    for s in discarded:
        sec = got[s * SECTOR:(s + 1) * SECTOR] if got is not None else b""
        if sec == bytes(SECTOR):
            data[s * SECTOR:(s + 1) * SECTOR] = sec
    return bytes(data)


class Disk:
    """bus: "mmio" (virtio-blk-device) or "pci" (virtio-blk-pci).  absent: the
    kernel must not use this disk at all (its image must stay untouched).
    sparse: a zero image made by truncate (for disks of gigabytes), checked
    sector by sector where the self-test writes and wherever the file holds
    data, instead of whole."""
    def __init__(self, size=16 << 20, props="", drive="", bus="mmio", read_only=False,
                 absent=False, blkdebug=False, sparse=False):
        self.size, self.props, self.drive, self.bus = size, props, drive, bus
        self.read_only, self.absent, self.sparse = read_only, absent, sparse
        # blkdebug: QEMU fails every read and write of sector 1000
        # (BLKDEBUG_RULES; kernel/selftest/ioerr.c expects exactly that)
        self.blkdebug = blkdebug


BLKDEBUG_RULES = """[inject-error]
event = "read_aio"
errno = "5"
sector = "1000"

[inject-error]
event = "write_aio"
errno = "5"
sector = "1000"
"""


DMA_HIGH = 1 << 32  # what the boot argument dma=high promises: a pool at or above 4 GiB


class Config:
    def __init__(self, name, disks, qemu=(), legacy=False, smp=1, expect=(), qemu_pre=(),
                 append="selftest", machine="virt", mem="256M"):
        self.name, self.disks, self.qemu = name, disks, list(qemu)
        self.machine = machine  # -machine value
        self.mem = mem  # -m value
        self.append = append
        self.qemu_pre = list(qemu_pre)  # before the disks (a bridge they plug into)
        self.legacy, self.smp = legacy, smp
        self.expect = list(expect)  # console lines that must appear (substrings)


def configs():
    M = 1 << 20
    return [
        Config("mmio-modern", [Disk()], expect=["vda: ring=split in memory"]),
        Config("mmio-legacy", [Disk()], legacy=True),
        Config("queue-size-1024", [Disk(props="queue-size=1024")]),
        Config("rng-mmio-and-pci", [Disk()],
               qemu=["-device", "virtio-rng-device", "-device", "virtio-rng-pci"],
               expect=["rng0: bytes vary within and between reads", "rng1: entropy device"]),
        Config("rng-legacy", [Disk()], legacy=True, qemu=["-device", "virtio-rng-device"],
               expect=["rng0: bytes vary within and between reads"]),
        # The entropy device and a disk on one INTx line (slots 1 and 5,
        # APLIC source 33): the rng's used-buffer interrupt must be taken
        # and acknowledged, or the line stays asserted and the kernel
        # livelocks in the disk's handler.
        Config("rng-pci-intx-shared",
               [Disk(bus="pci", props="disable-legacy=on,addr=1,vectors=0")],
               machine="virt,aia=aplic-imsic",
               qemu=["-device", "virtio-rng-pci,disable-legacy=on,addr=5,vectors=0"],
               expect=["rng0: entropy device, virtio-pci modern 00:05.0 irq 33",
                       "rng0: bytes vary within and between reads"]),
        # Packed rings: QEMU 7.2 never sets WRITE in a used descriptor, the
        # length counts anyway (virtq_packed.c).
        Config("rng-mmio-packed", [Disk()], qemu=["-device", "virtio-rng-device,packed=on"],
               expect=["rng0: entropy device, virtio-mmio v2 @0x10007000 irq 7, ring=packed",
                       "rng0: bytes vary within and between reads"]),
        Config("rng-pci-packed", [Disk()],
               qemu=["-device", "virtio-rng-pci,disable-legacy=on,packed=on"],
               expect=["rng0: entropy device, virtio-pci modern 00:01.0 irq 33, ring=packed",
                       "rng0: bytes vary within and between reads"]),
        # the input suite: configuration, stocked event queue, axis
        # ranges, caps-lock LED round trip through the status queue
        Config("input-mmio-and-pci", [Disk()],
               qemu=["-device", "virtio-keyboard-device", "-device", "virtio-tablet-pci"],
               expect=["[PASS] input0: caps lock LED on and off through the status queue",
                       "[PASS] input1: every absolute axis has a range"]),
        Config("input-aia-pci-msix", [Disk()], machine="virt,aia=aplic-imsic",
               qemu=["-device", "virtio-keyboard-pci"],
               expect=["input0: QEMU Virtio Keyboard, virtio-pci modern 00:01.0 msix",
                       "[PASS] input0: caps lock LED on and off through the status queue"]),
        Config("input-packed", [Disk()],
               qemu=["-device", "virtio-keyboard-device,packed=on",
                     "-device", "virtio-tablet-pci,disable-legacy=on,packed=on"],
               expect=["input0: QEMU Virtio Keyboard, virtio-mmio v2 @0x10007000 irq 7, ring=packed",
                       "input1: QEMU Virtio Tablet, virtio-pci modern 00:01.0 irq 33, ring=packed",
                       "[PASS] input0: caps lock LED on and off through the status queue"]),
        Config("num-queues-4", [Disk(props="num-queues=4")], expect=["a read on each of the 4 request queues"]),
        Config("logical-block-4096",
               [Disk(props="logical_block_size=4096,physical_block_size=4096")],
               expect=["block size 4096"]),
        Config("blkdebug-ioerr", [Disk(drive="rerror=report,werror=report", blkdebug=True)],
               append="selftest ioerr", expect=["ioerr: read of the bad sector fails"]),
        Config("mmio-modern-smp2", [Disk()], smp=2),
        Config("packed", [Disk(props="packed=on")], expect=["vda: ring=packed in memory"]),
        Config("packed-direct", [Disk(props="packed=on,indirect_desc=off")],
               expect=["vda: ring=packed in memory"]),
        Config("event-idx-off", [Disk(props="event_idx=off")]),
        Config("indirect-off", [Disk(props="indirect_desc=off")]),
        Config("packed-legacy-fallback", [Disk(props="packed=on")], legacy=True,
               expect=["vda: ring=split in memory"]),
        Config("queue-size-16", [Disk(props="queue-size=16")]),
        Config("readonly", [Disk(read_only=True)]),
        Config("two-disks", [Disk(size=8 * M), Disk(size=4 * M, props="packed=on")]),
        Config("eight-disks", [Disk(size=(1 + i) * M) for i in range(8)]),
        Config("one-sector-disk", [Disk(size=SECTOR)]),
        # 8 Mi + 2048 sectors: a read of 2^32 + 512 bytes must be refused,
        # not done as 512 (a 32-bit length); the image is sparse.
        Config("disk-over-4g", [Disk(size=(4 << 30) + M, sparse=True)],
               expect=["[PASS] vda: a read of 2^32 + 512 bytes is refused, not cut short"]),
        # Bring-ups that fail at their last step (virtio-fail=: the registry
        # refuses them), after queues, interrupt and DRIVER_OK: each leaves
        # no DMA memory and no handler (suite "bringup"), its disk image
        # untouched, and the disk after it reuses the slot and works.
        # Slots from the top: vda 0x10008000, the failing disk 0x10007000,
        # rng 0x10006000, keyboard 0x10005000, balloon 0x10004000 (no
        # driver); the PCI disk at 00:01.0.
        Config("bringup-failures",
               [Disk(size=8 * M), Disk(size=4 * M, absent=True),
                Disk(size=4 * M, bus="pci", props="disable-legacy=on", absent=True)],
               qemu=["-device", "virtio-rng-device", "-device", "virtio-keyboard-device",
                     "-device", "virtio-balloon-device"],
               append="selftest virtio-fail=0x10007000 virtio-fail=0x10006000 "
                      "virtio-fail=0x10005000 virtio-fail=00:01.0",
               expect=["virtio-mmio v2 @0x10004000 irq 4: virtio device type 5: no driver",
                       "[PASS] virtio1: the failed virtio-input bring-up kept no memory",
                       "[PASS] virtio2: the failed virtio-rng bring-up kept no memory",
                       "[PASS] virtio3: the failed virtio-blk bring-up kept no memory",
                       "[PASS] virtio5: the failed virtio-blk bring-up kept no memory",
                       "[PASS] vda: ring=split in memory"]),
        # The range commands explicitly on, with the back end really
        # deallocating (discard=unmap), then both off: the cases are skipped.
        Config("discard-write-zeroes",
               [Disk(props="discard=on,write-zeroes=on", drive="discard=unmap")]),
        Config("no-discard-write-zeroes", [Disk(props="discard=off,write-zeroes=off")]),
        # GET_ID: the guest cannot know the serial; it prints it, we check.
        Config("serial", [Disk(props="serial=VDISK-SERIAL-1")],
               expect=['vda: GET_ID (serial "VDISK-SERIAL-1")']),
        # virtio-pci (modern transport; 00:01.0 is the first free slot, INTA of
        # slot s is PLIC 32 + s % 4).
        Config("pci-modern", [Disk(bus="pci", props="disable-legacy=on")],
               expect=["virtio-pci modern 00:01.0 irq 33", "vda: ring=split in memory"]),
        Config("pci-transitional", [Disk(bus="pci")],
               expect=["virtio-pci transitional 00:01.0 irq 33"]),
        Config("pci-queue-size-16", [Disk(bus="pci", props="disable-legacy=on,queue-size=16")]),
        Config("pci-num-queues-4", [Disk(bus="pci", props="disable-legacy=on,num-queues=4")],
               expect=["a read on each of the 4 request queues"]),
        Config("pci-packed", [Disk(bus="pci", props="disable-legacy=on,packed=on")],
               expect=["vda: ring=packed in memory"]),
        # The smallest queue a request fits in without indirect tables: 4
        # entries hold one 3-descriptor request at a time, and the
        # self-test's in-flight expectation follows from that capacity.
        Config("pci-packed-queue-size-4",
               [Disk(bus="pci", props="disable-legacy=on,packed=on,indirect_desc=off,"
                                      "event_idx=off,queue-size=4")],
               expect=["vda: ring=packed in memory", "queue holds 1 request at once"]),
        # Legal on virtio-mmio too, but QEMU's mmio QueueNumMax is 1024
        # whatever queue-size says: the kernel takes its 256 entries.
        Config("mmio-packed-queue-size-4",
               [Disk(props="packed=on,indirect_desc=off,event_idx=off,queue-size=4")],
               expect=["vda: ring=packed in memory", "queue holds 85 requests at once"]),
        Config("pci-split-queue-size-4",
               [Disk(bus="pci", props="disable-legacy=on,queue-size=4")],
               expect=["vda: ring=split in memory", "queue holds 4 requests at once"]),
        # Behind a PCI-to-PCI bridge at 00:01.0: bus 1, pins swizzled.
        Config("pci-behind-bridge",
               [Disk(size=8 * M, bus="pci", props="disable-legacy=on,bus=b1,addr=2"),
                Disk(size=4 * M, bus="pci", props="bus=b1,addr=3")],
               qemu_pre=["-device", "pci-bridge,chassis_nr=1,id=b1"],
               expect=["virtio-pci modern 01:02.0 irq 35",
                       "virtio-pci transitional 01:03.0 irq 32"]),
        # Two levels of bridges, a second bridge, a multi-function slot.
        Config("pci-nested-bridges",
               [Disk(size=4 * M, bus="pci", props="disable-legacy=on,bus=b2,addr=1"),
                Disk(size=4 * M, bus="pci", props="bus=b3,addr=7,packed=on"),
                Disk(size=2 * M, bus="pci", props="disable-legacy=on,addr=4.0,multifunction=on"),
                Disk(size=2 * M, bus="pci", props="addr=4.1")],
               qemu_pre=["-device", "pci-bridge,chassis_nr=1,id=b1",
                         "-device", "pci-bridge,chassis_nr=2,id=b2,bus=b1,addr=4",
                         "-device", "pci-bridge,chassis_nr=3,id=b3"],
               expect=["virtio-pci modern 02:01.0 irq 34", "virtio-pci transitional 03:07.0 irq 33",
                       "virtio-pci modern 00:04.0 irq 32", "virtio-pci transitional 00:04.1 irq 32"]),
        # Slots 1 and 5 share PLIC 33: both handlers run on each interrupt.
        Config("pci-shared-irq",
               [Disk(size=8 * M, bus="pci", props="disable-legacy=on,addr=1"),
                Disk(size=4 * M, bus="pci", props="disable-legacy=on,addr=5,packed=on")],
               expect=["virtio-pci modern 00:01.0 irq 33", "virtio-pci modern 00:05.0 irq 33"]),
        Config("pci-mixed-mmio",
               [Disk(size=8 * M), Disk(size=4 * M, bus="pci", props="disable-legacy=on"),
                Disk(size=2 * M, bus="pci", props="packed=on")],
               expect=["virtio-mmio v2 @0x10008000", "virtio-pci modern 00:01.0",
                       "virtio-pci transitional 00:02.0"]),
        # disable-modern=on has no virtio capabilities: not driven, said so,
        # and the self-test passes on the mmio disk alone.
        Config("pci-legacy-only",
               [Disk(size=8 * M), Disk(size=4 * M, bus="pci", props="disable-modern=on",
                                       absent=True)],
               expect=["legacy-only virtio-pci device not supported"]),
        # AIA instead of a PLIC: wired interrupts go APLIC -> IMSIC as MSIs,
        # virtio-pci uses MSI-X vector 0 straight into the IMSIC.
        Config("aia-mmio", [Disk()], machine="virt,aia=aplic-imsic",
               expect=["  irq       aia", "virtio-mmio v2 @0x10008000 irq 8"]),
        Config("aia-pci-msix", [Disk(bus="pci", props="disable-legacy=on")],
               machine="virt,aia=aplic-imsic",
               expect=["virtio-pci modern 00:01.0 irq 33: msix vector 0 -> eiid",
                       "(configuration), vector 1 -> eiid",
                       "writable, virtio-pci modern 00:01.0 msix eiid"]),
        Config("aia-pci-msix-num-queues-4",
               [Disk(bus="pci", props="disable-legacy=on,num-queues=4")],
               machine="virt,aia=aplic-imsic",
               expect=["msix vector 0 -> eiid", "a read on each of the 4 request queues"]),
        Config("aia-mixed",
               [Disk(size=8 * M), Disk(size=4 * M, bus="pci", props="disable-legacy=on"),
                Disk(size=2 * M, bus="pci", props="packed=on")],
               machine="virt,aia=aplic-imsic",
               expect=["virtio-mmio v2 @0x10008000 irq 8", "00:01.0 irq 33: msix vector 0 -> eiid",
                       "00:02.0 irq 34: msix vector 0 -> eiid"]),
        # vectors=0: no MSI-X capability, so INTx through the APLIC; slots 1
        # and 5 share source 33 (a level line re-armed after the handlers).
        Config("aia-pci-intx-shared",
               [Disk(size=8 * M, bus="pci", props="disable-legacy=on,vectors=0,addr=1"),
                Disk(size=4 * M, bus="pci", props="disable-legacy=on,vectors=0,addr=5")],
               machine="virt,aia=aplic-imsic",
               expect=["writable, virtio-pci modern 00:01.0 irq 33)",
                       "writable, virtio-pci modern 00:05.0 irq 33)"]),
        # The DMA pool above 4 GiB (dma=high, 5 GiB of RAM): every ring and
        # buffer address needs its high 32 bits.  Legacy mmio takes a 32-bit
        # page number, which reaches 16 TiB: the queue must still work.
        Config("dma-high-mmio-modern", [Disk()], mem="5G", append="selftest dma=high",
               expect=["vda: ring=split in memory"]),
        Config("dma-high-mmio-legacy", [Disk()], legacy=True, mem="5G",
               append="selftest dma=high", expect=["virtio-mmio v1 (legacy)", "vda: ring=split in memory"]),
        Config("dma-high-pci", [Disk(bus="pci", props="disable-legacy=on")], mem="5G",
               append="selftest dma=high", expect=["virtio-pci modern 00:01.0", "vda: ring=split in memory"]),
    ]


def dma_pool_start(out):
    """The DMA address the boot banner's `dma pool` line starts at, or None."""
    for line in out.splitlines():
        if line.startswith("  dma pool  0x"):
            return int(line.split()[2].split("..")[0], 16)
    return None


def qemu_argv(kernel, cfg, images):
    argv = ["qemu-system-riscv64", "-machine", cfg.machine, "-bios", "default",
            "-nographic", "-m", cfg.mem, "-smp", str(cfg.smp), "-kernel", kernel,
            "-append", cfg.append, "-monitor", "none", "-serial", "stdio"]
    if not cfg.legacy:
        argv += ["-global", "virtio-mmio.force-legacy=false"]
    argv += cfg.qemu_pre
    for i, (disk, path) in enumerate(zip(cfg.disks, images)):
        image = path
        if disk.blkdebug:
            rules = path + ".blkdebug"
            with open(rules, "w") as f:
                f.write(BLKDEBUG_RULES)
            image = f"blkdebug:{rules}:{path}"
        drive = f"file={image},if=none,format=raw,id=hd{i}"
        if disk.read_only:
            drive += ",readonly=on"
        if disk.drive:
            drive += "," + disk.drive
        model = {"mmio": "virtio-blk-device", "pci": "virtio-blk-pci"}[disk.bus]
        dev = f"{model},drive=hd{i}"
        if disk.props:
            dev += "," + disk.props
        argv += ["-drive", drive, "-device", dev]
    return argv + cfg.qemu


def run_config(kernel, cfg, workdir, verbose):
    images, originals = [], []
    for i, disk in enumerate(cfg.disks):
        path = os.path.join(workdir, f"{cfg.name}-{i}.img")
        if disk.sparse:
            with open(path, "wb") as f:
                f.truncate(disk.size)
            originals.append(None)
        else:
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
    if "dma=high" in cfg.append.split():
        start = dma_pool_start(out)
        if start is None or start < DMA_HIGH:
            problems.append(f"dma=high, but the banner's dma pool starts at "
                            f"{'?' if start is None else hex(start)}, below 4 GiB")
    summary = [l for l in out.splitlines()
               if l.startswith("selftest:") and " passed, " in l]
    if rc == 0 and not summary:
        problems.append("no self-test summary line")
    for i, (disk, path, orig) in enumerate(zip(cfg.disks, images, originals)):
        if disk.sparse:
            problems += [f"disk {i}: {p}" for p in sparse_problems(path, disk)]
            continue
        got = open(path, "rb").read()
        want = expected_image(orig, disk.read_only or disk.absent, disk, got)
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
