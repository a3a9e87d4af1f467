#!/usr/bin/env python3
"""virtio-console in QEMU, with the host side proving the bytes moved.

Over modern virtio-mmio, legacy virtio-mmio, virtio-pci and modern mmio
with packed rings, one boot each
with `console=hvc0`: a virtconsole on a unix socket carries the shell (the
UART keeps the boot messages until then), and two named virtserialports on
unix sockets are the host ends the session talks to.  Text the guest writes
must arrive on the host socket, text the host sends must be printed by
`con read`, names and host open/closed states must show in `con list`, and
`device_del` of one port over QMP must remove it while the other keeps
working; keys typed on the UART must not reach the shell, and unplugging
the virtconsole must put the shell back on the UART.  Then, per transport, a `selftest` boot with file chardevs: the
self-test's lines and its emergency write must be in the files; and a
`panic` boot: the message must be on the UART and, through the emergency
write, in the virtconsole's file (QEMU exit status 2).  Last,
`CONSOLE=virtio scripts/qemu.sh` (what `make run CONSOLE=virtio` runs)
must bring the shell up on stdio through the virtio console, and a
bring-up failed on purpose (virtio-fail=) must keep nothing.
Ends with `N passed, M failed`.
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

import pexpect
import pexpect.fdpexpect

from cases import Cases

PROMPT = "vdisk> "
KERNEL = "build/kernel.elf"
PORT = "org.example.port"
GONE = "org.example.gone"

TRANSPORTS = [
    # name, QEMU arguments before the device, the virtio-serial device
    ("mmio-modern", ["-global", "virtio-mmio.force-legacy=false"], "virtio-serial-device",
     "virtio-mmio v2"),
    ("mmio-legacy", ["-global", "virtio-mmio.force-legacy=true"], "virtio-serial-device",
     "virtio-mmio v1"),
    ("pci", [], "virtio-serial-pci", "virtio-pci"),
    # packed rings (QEMU 7.2 leaves WRITE out of used packed descriptors)
    ("mmio-packed", ["-global", "virtio-mmio.force-legacy=false"],
     "virtio-serial-device,packed=on", "virtio-mmio v2"),
]

# (command, the one line it must print), run on hvc0
BAD = [
    ("con", "con: missing subcommand (list, write, read; see 'help')"),
    ("con frob", "con: unknown subcommand 'frob' (list, write, read; see 'help')"),
    ("con list x", "con list: unexpected argument 'x' (usage: con list)"),
    ("con write", "con write: missing PORT (usage: con write PORT TEXT)"),
    ("con write 1", "con write: missing TEXT (usage: con write PORT TEXT)"),
    ("con write nosuch text", "con write: no port 'nosuch' (see 'con list')"),
    ("con read 9", "con read: no port '9' (see 'con list')"),
    ("con read 1 12x", "con read: MS '12x' is not a number"),
    ("con read 1 100000", "con read: MS must be at most 60000"),
]


def base_argv(pre):
    return ["qemu-system-riscv64", "-machine", "virt", "-bios", "default", "-nographic",
            "-m", "256M", "-kernel", KERNEL, "-monitor", "none", "-serial", "stdio"] + pre


def connect(path, timeout=5.0):
    """A client socket on QEMU's server socket (it may still be starting)."""
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def recv_until(s, want, timeout=3.0):
    """Bytes from s until `want` is among them or the time is up."""
    got = b""
    deadline = time.monotonic() + timeout
    while want not in got and time.monotonic() < deadline:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = s.recv(4096)
        except socket.timeout:
            break
        if not chunk:
            break
        got += chunk
    return got


class Qmp:
    def __init__(self, path):
        self.s = connect(path)
        self.s.settimeout(10)  # a silent QMP is a failed case, not a hang
        self.f = self.s.makefile("rw")
        self.read()  # greeting
        self.cmd("qmp_capabilities")

    def read(self):
        return json.loads(self.f.readline())

    def cmd(self, name, **args):
        self.f.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        self.f.flush()
        while True:
            r = self.read()
            if "return" in r or "error" in r:
                return r


class Shell:
    """The shell on hvc0, through the virtconsole's socket."""
    def __init__(self, sock):
        self.sock = sock
        self.c = pexpect.fdpexpect.fdspawn(sock.fileno(), encoding="utf-8", timeout=15)

    def sync(self):
        """Skip whatever the guest printed before we connected (QEMU keeps
        some of it, or not): answer to a command no one else sends."""
        self.c.send("sync-here\r")
        self.c.expect("unknown command 'sync-here'")
        self.c.expect(PROMPT)

    def run(self, cmd):
        self.c.send(cmd + "\r")
        self.c.expect(PROMPT)
        return [l for l in self.c.before.replace("\r", "").split("\n")[1:] if l.strip()]

    def port_line(self, name):
        for l in self.run("con list"):
            if f" {name} " in l:
                return l
        return None

    def wait_port(self, name, pred, timeout=5.0):
        """Poll `con list` until pred(line of port `name`, or None) holds."""
        deadline = time.monotonic() + timeout
        line = self.port_line(name)
        while not pred(line) and time.monotonic() < deadline:
            time.sleep(0.2)
            line = self.port_line(name)
        return pred(line), line


def session(case, name, pre, serial_dev, transport_word, work):
    hvc, p1, p2, qmp = (os.path.join(work, f"{name}-{n}.sock") for n in ("hvc", "p1", "p2", "qmp"))
    argv = base_argv(pre) + [
        "-append", "console=hvc0",
        "-device", f"{serial_dev},id=vser",
        "-chardev", f"socket,id=hvc,path={hvc},server=on,wait=off",
        "-device", "virtconsole,chardev=hvc,id=con0",
        "-chardev", f"socket,id=p1,path={p1},server=on,wait=off",
        "-device", f"virtserialport,chardev=p1,name={PORT},id=port1",
        "-chardev", f"socket,id=p2,path={p2},server=on,wait=off",
        "-device", f"virtserialport,chardev=p2,name={GONE},id=port2",
        "-qmp", f"unix:{qmp},server=on,wait=off",
    ]
    uart = pexpect.spawn(argv[0], argv[1:], encoding="utf-8", timeout=30)
    g = lambda n: f"{name}: {n}"
    socks = []
    try:
        uart.expect(r"console: the shell moves to hvc0 \(port 0, ([^)]*)\)")
        where = uart.match.group(1)
        case(transport_word in where, g("the UART hands the shell over to hvc0"), where)
        hs = connect(hvc)
        socks.append(hs)
        sh = Shell(hs)
        sh.sync()

        lines = sh.run("con list")
        want = re.compile(r"^0 +- +open +hvc0\* ")
        case(len(lines) == 5 and want.match(lines[1] or "") and lines[-1] == "* the shell's console",
             g("con list: hvc0 is the shell's console"), repr(lines))
        l1, l2 = sh.port_line(PORT), sh.port_line(GONE)
        case(l1 is not None and " closed " in l1 and l2 is not None and " closed " in l2,
             g("con list: both named ports, host ends closed"), repr((l1, l2)))
        for cmd, want_line in BAD:
            lines = sh.run(cmd)
            case(lines == [want_line], g(f"{cmd!r} -> one line"), repr(lines))

        s1 = connect(p1)
        socks.append(s1)
        ok, line = sh.wait_port(PORT, lambda l: l is not None and " open " in l)
        case(ok, g("the host opening its end shows as open"), repr(line))
        lines = sh.run(f'con write {PORT} "hello from the guest"')
        got = recv_until(s1, b"\n")
        case(got == b"hello from the guest\n" and lines == [f"con write: 21 bytes to port 1 ({PORT})"],
             g("con write: the text arrives on the host socket"), repr((got, lines)))
        s1.sendall(b"hello from the host\n")
        lines = sh.run(f"con read {PORT}")
        case(lines == ["hello from the host"], g("con read prints what the host sent"), repr(lines))
        lines = sh.run("con read 1 300")
        case(lines == [f"con read: nothing from port 1 ({PORT}) within 300 ms"],
             g("con read with nothing sent says so"), repr(lines))
        s1.close()
        socks.remove(s1)
        ok, line = sh.wait_port(PORT, lambda l: l is not None and " closed " in l)
        case(ok, g("the host closing its end shows as closed"), repr(line))

        # The port to unplug carries traffic first.
        s2 = connect(p2)
        socks.append(s2)
        sh.wait_port(GONE, lambda l: l is not None and " open " in l)
        sh.run(f"con write {GONE} before")
        before = recv_until(s2, b"\n")
        q = Qmp(qmp)  # one connection for the session: QEMU serves one client
        socks.append(q.s)
        r = q.cmd("device_del", id="port2")
        ok, line = sh.wait_port(GONE, lambda l: l is None)
        lines = sh.run(f"con write {GONE} after")
        case(before == b"before\n" and "return" in r and ok and
             lines == [f"con write: no port '{GONE}' (see 'con list')"],
             g("device_del over QMP removes the port"), repr((before, r, line, lines)))
        s1 = connect(p1)
        socks.append(s1)
        sh.wait_port(PORT, lambda l: l is not None and " open " in l)
        sh.run('con write 1 "still here"')
        got = recv_until(s1, b"\n")
        s1.sendall(b"and back\n")
        lines = sh.run("con read 1")
        case(got == b"still here\n" and lines == ["and back"],
             g("the other port keeps working both ways"), repr((got, lines)))

        # A scripted session on hvc0.
        help_lines = sh.run("help")
        mem = sh.run("mem")
        sh.c.send("con lisx\x08t\r")  # Backspace edits on this console too
        sh.c.expect(PROMPT)
        edited = [l for l in sh.c.before.replace("\r", "").split("\n") if l.startswith("PORT ")]
        case(any(l.startswith("  con read PORT [MS]") for l in help_lines) and
             len(mem) == 1 and mem[0].startswith("dma pool:") and len(edited) == 1,
             g("shell session on hvc0: help, mem, line editing"), repr((help_lines[-6:], mem)))
        # Keys on the UART are no longer the shell's.
        uart.send("poweroff\r")
        lines = sh.run("con read 1 200")
        case(lines == [f"con read: nothing from port 1 ({PORT}) within 200 ms"],
             g("keys typed on the UART do not reach the shell"), repr(lines))
        case(PROMPT not in uart.before, g("after the handover the UART carries no prompt"),
             repr(uart.before[-200:]))

        # The virtconsole goes: the shell is back on the UART.
        r = q.cmd("device_del", id="con0")
        uart.expect("console: hvc0 is gone; the shell is back on the UART")
        uart.send("\r")
        uart.expect(PROMPT)
        uart.send("con list\r")
        uart.expect(PROMPT)
        back = uart.before
        case("return" in r and f" {PORT} " in back and " hvc0" not in back,
             g("device_del of the virtconsole: the shell falls back to the UART"),
             repr((r, back)))
        uart.send("poweroff\r")
        uart.expect(pexpect.EOF)
        uart.close()
        case(uart.exitstatus == 0, g("poweroff ends QEMU with status 0"),
             f"status {uart.exitstatus}")
    except (pexpect.TIMEOUT, pexpect.EOF, OSError) as e:
        case(False, g("session"), f"{type(e).__name__}: {e}; UART: {uart.before!r}"[-600:])
    finally:
        for s in socks:
            s.close()
        uart.close(force=True)


def selftest_boot(case, name, pre, serial_dev, work):
    files = {n: os.path.join(work, f"{name}-{n}.out") for n in ("hvc", "p1")}
    argv = base_argv(pre) + [
        "-append", "selftest",
        "-device", serial_dev,
        "-chardev", f"file,id=hvc,path={files['hvc']}",
        "-device", "virtconsole,chardev=hvc",
        "-chardev", f"file,id=p1,path={files['p1']}",
        "-device", f"virtserialport,chardev=p1,name={PORT}",
    ]
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=90)
        out, rc = p.stdout.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired:
        out, rc = "", None
    got = {n: open(f, "rb").read() if os.path.exists(f) else b"" for n, f in files.items()}
    fails = [l for l in out.splitlines() if l.startswith("[FAIL]")]
    passes = [l for l in out.splitlines() if l.startswith("[PASS] con: ")]
    case(rc == 0 and not fails and len(passes) >= 4,
         f"{name}: selftest boot passes the con suite", f"status {rc}; {fails[:3]} {passes}")
    case(b"selftest: hello from port 1\n" in got["p1"] and
         b"selftest: hello from port 0\n" in got["hvc"],
         f"{name}: the self-test's lines are in the host files", repr(got))
    case(b"selftest: emergency write\n" in got["hvc"],
         f"{name}: the emergency write reached the console's file", repr(got["hvc"][-120:]))


def panic_boot(case, name, pre, serial_dev, work):
    out = os.path.join(work, f"{name}-panic.out")
    argv = base_argv(pre) + [
        "-append", "selftest panic",
        "-device", serial_dev,
        "-chardev", f"file,id=hvc,path={out}",
        "-device", "virtconsole,chardev=hvc",
    ]
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        uart, rc = p.stdout.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired:
        uart, rc = "", None
    got = open(out, "rb").read() if os.path.exists(out) else b""
    msg = "PANIC: the boot argument 'panic' asked for it"
    case(rc == 2 and msg in uart and (msg + "\r\n").encode() in got,
         f"{name}: a panic goes to the UART and through the emergency write",
         repr((rc, got[-160:])))


def failed_bringup(case, work):
    """virtio-fail= fails the console's bring-up at its last step: the
    bring-up self-test must find that it kept no memory and no handler."""
    argv = base_argv(["-global", "virtio-mmio.force-legacy=false"]) + [
        "-append", "selftest virtio-fail=0x10008000",
        "-device", "virtio-serial-device",
        "-chardev", "null,id=n", "-device", f"virtserialport,chardev=n,name={PORT}",
    ]
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
        out, rc = p.stdout.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired:
        out, rc = "", None
    want = "the failed virtio-console bring-up kept no memory and no interrupt handler"
    case(rc == 0 and f"[PASS] virtio0: {want}" in out and "[PASS] con:" not in out,
         "a failed bring-up leaves no memory, no handler and no port", f"status {rc}")


def make_run(case):
    env = dict(os.environ, KERNEL=KERNEL, DISK="none", RNG="none", CONSOLE="virtio", APPEND="")
    c = pexpect.spawn("scripts/qemu.sh", [], env=env, encoding="utf-8", timeout=30)
    try:
        c.expect(r"console: the shell moves to hvc0")
        c.expect(PROMPT)
        c.send("con list\r")
        c.expect(PROMPT)
        listed = c.before
        c.send("poweroff\r")
        c.expect(pexpect.EOF)
        c.close()
        case(" hvc0* " in listed and c.exitstatus == 0,
             "CONSOLE=virtio scripts/qemu.sh: the shell on stdio through hvc0",
             repr((listed, c.exitstatus)))
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        case(False, "CONSOLE=virtio scripts/qemu.sh", f"{type(e).__name__}: {c.before!r}"[-400:])
    finally:
        c.close(force=True)


def main():
    case = Cases("console")
    only = sys.argv[1:]
    with tempfile.TemporaryDirectory(prefix="vdisk-console-") as work:
        for name, pre, dev, word in TRANSPORTS:
            if only and name not in only:
                continue
            session(case, name, pre, dev, word, work)
            selftest_boot(case, name, pre, dev, work)
            panic_boot(case, name, pre, dev, work)
        if not only or "make-run" in only:
            make_run(case)
            failed_bringup(case, work)
    return case.finish()


if __name__ == "__main__":
    sys.exit(main())
