"""The kernel's boot time, as its own `boot time:` line before the first
prompt says (kernel/boottime.c): one boot with N virtio-blk disks (null-co,
no image), parsed into the total and, with the boot argument `boottime`,
the phases.  Used by tests/qemu/shell.py (the line is there and adds up)
and scripts/bench.py (the figure against its 10 ms target)."""
import re

import pexpect

PROMPT = "vdisk> "
TOTAL_RE = re.compile(r"^boot time: (\d+\.\d\d) ms from kernel entry to the shell prompt$", re.M)
PHASE_RE = re.compile(r"^  (.*\S) +(\d+\.\d\d) ms$")


def argv(kernel, disks, append="", smp=1):
    """QEMU virt as `make run` boots it, with `disks` empty null-co disks."""
    out = ["-machine", "virt", "-bios", "default", "-nographic", "-m", "256M",
           "-smp", str(smp), "-kernel", kernel, "-global", "virtio-mmio.force-legacy=false"]
    for i in range(disks):
        out += ["-drive", f"driver=null-co,size=64M,if=none,id=d{i}",
                "-device", f"virtio-blk-device,drive=d{i}"]
    if append:
        out += ["-append", append]
    return out


def parse(text):
    """(total ms or None, [(phase, ms)]) from a boot's output."""
    text = text.replace("\r", "")
    m = TOTAL_RE.search(text)
    if not m:
        return None, []
    phases = []
    for line in text[m.end():].split("\n")[1:]:
        p = PHASE_RE.match(line)
        if not p:
            break
        phases.append((p.group(1), float(p.group(2))))
    return float(m.group(1)), phases


def spawn(kernel, disks, append="", smp=1, logfile=None):
    """QEMU booting `kernel` with `disks` disks (argv()), not yet waited for."""
    return pexpect.spawn("qemu-system-riscv64", argv(kernel, disks, append, smp),
                         encoding="utf-8", timeout=30, codec_errors="replace", logfile=logfile)


def boot(kernel, disks, append="", smp=1, logfile=None):
    """Boots to the prompt and powers off; (total, phases, output before the
    prompt).  Raises pexpect.TIMEOUT/EOF when the prompt never comes."""
    c = spawn(kernel, disks, append, smp, logfile)
    try:
        c.expect_exact(PROMPT)
        text = c.before
        c.sendline("poweroff")
        c.expect(pexpect.EOF, timeout=10)
    finally:
        c.close(force=True)  # our QEMU, by PID
    total, phases = parse(text)
    return total, phases, text


KERNEL_RE = re.compile(r"^  kernel +0x([0-9a-f]+)\.\.0x([0-9a-f]+) ", re.M)
POOL_RE = re.compile(r"^dma pool: (\d+) KiB used of .*, 0x([0-9a-f]+)\.\.", re.M)


def footprint(kernel, disks):
    """(image start, first address past what the boot used) with `disks`
    disks: the kernel image and, right after it, the DMA pool as far as
    the boot took it (`sysinfo`, `mem`).  None when either line is missing."""
    c = spawn(kernel, disks)
    out = []
    try:
        c.expect_exact(PROMPT)
        for cmd in ("sysinfo", "mem"):
            c.sendline(cmd)
            c.expect_exact(PROMPT)
            out.append(c.before.replace("\r", ""))
    finally:
        c.close(force=True)  # our QEMU, by PID
    info, mem = out
    k, m = KERNEL_RE.search(info), POOL_RE.search(mem)
    if not k or not m:
        return None
    return int(k.group(1), 16), int(m.group(2), 16) + int(m.group(1)) * 1024
