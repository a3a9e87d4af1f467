#!/usr/bin/env python3
"""virtio-input from the host: QEMU's keyboard, tablet and mouse (mmio and
PCI) driven through QMP `input-send-event`, checked in the guest's shell.

Per machine: `input list` names every device; key presses and releases
appear in `input watch` in the order sent, as `key CODE down|up`; absolute
tablet moves give the axis values QEMU scales them to; relative mouse
moves give `rel AXIS VALUE`; and keys typed through QMP (`help`, Enter)
run the command in the shell, with shift and backspace.  Ends with
`N passed, M failed`.
"""
import json
import os
import socket
import sys
import tempfile
import time

import pexpect

from cases import Cases

PROMPT = "vdisk> "
# Linux key codes of the QEMU qcodes used below.
KEY = {"a": 30, "b": 48, "h": 35, "e": 18, "l": 38, "p": 25, "ret": 28,
       "shift": 42, "backspace": 14, "1": 2}
ABS_MAX = 0x7fff  # QEMU's tablet axes are 0..32767


class Qmp:
    """The smallest QMP client: one command at a time, events skipped."""

    def __init__(self, path, timeout=20):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.sock.settimeout(timeout)
        self.buf = b""
        self._read()  # the greeting
        self.execute("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("QMP closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def execute(self, cmd, **args):
        msg = {"execute": cmd}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise RuntimeError(f"{cmd}: {reply['error']}")

    def keys(self, *steps):
        """steps: (qcode, down) pairs, sent as one input-send-event each.
        No `device` argument: under -nographic no device is bound to a
        console, and QEMU routes each kind of event to the one device of
        the machine that takes it (keys, absolute, relative)."""
        for qcode, down in steps:
            self.execute("input-send-event", events=[{"type": "key", "data": {
                "down": down, "key": {"type": "qcode", "data": qcode}}}])

    def type(self, text):
        for ch in text:
            self.keys((ch, True), (ch, False))

    def close(self):
        self.sock.close()


def boot(work, devices, legacy=False):
    qmp_path = os.path.join(work, "qmp.sock")
    argv = ["-machine", "virt", "-bios", "default", "-nographic", "-m", "256M",
            "-kernel", "build/kernel.elf",
            "-global", f"virtio-mmio.force-legacy={'true' if legacy else 'false'}",
            "-qmp", f"unix:{qmp_path},server=on,wait=off"]
    for d in devices:
        argv += ["-device", d]
    c = pexpect.spawn("qemu-system-riscv64", argv, encoding="utf-8", timeout=30)
    c.expect(PROMPT)
    return c, Qmp(qmp_path), c.before


def shell_lines(c, cmd, timeout=30):
    c.sendline(cmd)
    c.expect(PROMPT, timeout=timeout)
    return [l.strip() for l in c.before.replace("\r", "").split("\n")[1:] if l.strip()]


def watch(c, seconds, send):
    """Start `input watch SECONDS`, run send() once it is watching, return
    the event lines it printed."""
    c.sendline(f"input watch {seconds}")
    c.expect(r"input watch: \d+ s, ")
    c.expect("\n")
    send()
    c.expect(r"input watch: (\d+) events", timeout=seconds + 20)
    printed = [l.strip() for l in c.before.replace("\r", "").split("\n") if l.strip()]
    c.expect(PROMPT)
    return printed


def machine(case, label, devices, kbd, tablet, mouse, legacy=False, packed=False):
    """One boot; kbd, tablet, mouse: whether the machine has one; packed:
    every device must run on a packed ring (QEMU never sets WRITE in its
    used descriptors: the event lengths must count all the same)."""
    with tempfile.TemporaryDirectory(prefix="vdisk-input-") as work:
        c, q = None, None
        try:
            c, q, banner = boot(work, devices, legacy)
            if packed:
                n = sum(1 for on in (kbd, tablet, mouse) if on)
                case(banner.count(", ring=packed") == n,
                     f"{label}: every input device runs on a packed ring",
                     repr([l for l in banner.splitlines() if "ring=" in l]))
            lines = shell_lines(c, "input list")
            text = "\n".join(lines)
            want = [n for n, on in (("QEMU Virtio Keyboard", kbd), ("QEMU Virtio Tablet", tablet),
                                    ("QEMU Virtio Mouse", mouse)) if on]
            case(all(n in text for n in want) and text.count("input") >= len(want),
                 f"{label}: input list names {', '.join(want)}", repr(lines[:12]))
            if kbd:
                case("events   key" in text and " led" in text,
                     f"{label}: the keyboard announces key and led events", repr(lines[:12]))

            if kbd:
                seq = [("a", True), ("a", False), ("shift", True), ("b", True), ("b", False),
                       ("shift", False)]
                got = watch(c, 3, lambda: q.keys(*seq))
                want_lines = [f"key {KEY[k]} {'down' if d else 'up'}" for k, d in seq]
                keys = [l for l in got if l.startswith("key ")]
                case(keys == want_lines, f"{label}: key presses and releases in order in input watch",
                     f"got {keys}, want {want_lines}")

            if tablet:
                moves = [(0, 0), (ABS_MAX // 2, ABS_MAX // 4), (ABS_MAX, ABS_MAX)]

                def send_moves():
                    for x, y in moves:
                        q.execute("input-send-event", events=[
                            {"type": "abs", "data": {"axis": "x", "value": x}},
                            {"type": "abs", "data": {"axis": "y", "value": y}}])
                got = watch(c, 2, send_moves)
                absl = [l for l in got if l.startswith("abs ")]
                want_abs = []
                for x, y in moves:
                    want_abs += [f"abs 0 {x}", f"abs 1 {y}"]
                case(absl == want_abs, f"{label}: tablet moves give the axis values",
                     f"got {absl}, want {want_abs}")

            if mouse:
                def send_rel():
                    q.execute("input-send-event", events=[
                        {"type": "rel", "data": {"axis": "x", "value": 5}},
                        {"type": "rel", "data": {"axis": "y", "value": -3}}])
                got = watch(c, 2, send_rel)
                rel = [l for l in got if l.startswith("rel ")]
                case(rel == ["rel 0 5", "rel 1 -3"], f"{label}: mouse motion as rel lines",
                     f"got {rel}")

            if kbd:
                # Keys typed through QMP: a typo erased with Backspace,
                # then `help` and Enter; the help must print.
                q.type("hx")
                q.keys(("backspace", True), ("backspace", False))
                q.type("elp")
                q.keys(("ret", True), ("ret", False))
                c.expect("list the commands")
                c.expect("input watch \\[SECONDS\\]")
                c.expect(PROMPT)
                case(True, f"{label}: 'help' typed on the virtio keyboard runs")
                # Shift makes capitals: 'HELP' is not a command.
                q.keys(("shift", True))
                q.type("help")
                q.keys(("shift", False), ("ret", True), ("ret", False))
                c.expect(PROMPT)
                case("unknown command 'HELP'" in c.before, f"{label}: shift types capitals",
                     repr(c.before[-120:]))
                # Caps lock: capitals without shift, and its LED goes to
                # the device through the status queue (on, then off).
                q.keys(("caps_lock", True), ("caps_lock", False))
                q.type("ab")
                q.keys(("caps_lock", True), ("caps_lock", False), ("ret", True), ("ret", False))
                c.expect(PROMPT)
                case("unknown command 'AB'" in c.before, f"{label}: caps lock types capitals",
                     repr(c.before[-120:]))
                lines = shell_lines(c, "input list")
                leds = [l for l in lines if l.startswith("leds")]
                case(leds == ["leds     2 updates sent, 2 taken by the device"],
                     f"{label}: caps lock LED on and off reach the device (status queue)", repr(leds))
            c.sendline("poweroff")
            c.expect(pexpect.EOF)
        except (pexpect.TIMEOUT, pexpect.EOF, OSError, RuntimeError, EOFError) as e:
            case(False, f"{label}: session", f"{type(e).__name__}: {e}; last output: "
                 f"{(c.before[-300:] if c and isinstance(c.before, str) else '')!r}")
        finally:
            if q:
                q.close()
            if c:
                c.close(force=True)


def main():
    case = Cases("input")
    machine(case, "mmio", ["virtio-keyboard-device", "virtio-tablet-device", "virtio-mouse-device"],
            True, True, True)
    machine(case, "pci", ["virtio-keyboard-pci", "virtio-tablet-pci", "virtio-mouse-pci"],
            True, True, True)
    machine(case, "legacy mmio", ["virtio-keyboard-device", "virtio-tablet-device"],
            True, True, False, legacy=True)
    machine(case, "packed", ["virtio-keyboard-pci,disable-legacy=on,packed=on",
                             "virtio-tablet-device,packed=on", "virtio-mouse-pci,packed=on"],
            True, True, True, packed=True)
    return case.finish()


if __name__ == "__main__":
    sys.exit(main())
