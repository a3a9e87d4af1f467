#!/usr/bin/env python3
"""virtio-gpu checked from the host, headless: QEMU runs -nographic with a QMP
socket, and every check reads what the host sees.

- `gpu test` draws the test card; a QMP `screendump` (a P6 PPM) must show the
  eight bars in order at the centre of each bar, at several heights (so across
  the framebuffer's separate chunks), and the text line equal to a reference
  rendering.
- `gpu console on`, three `help`s (the console scrolls by panning the
  scanout through a framebuffer twice the screen's height, then copies back
  to its start) and two edited lines: the whole screen must equal a reference
  rendering of the transcript the UART carried, drawn with the kernel's own
  font table (kernel/display/font.c) and the console's rules
  (kernel/display/fbcon.h) re-implemented here.
- `gpu cursor X Y` twice: QEMU's trace shows an UPDATE_CURSOR with the cursor
  resource, then a MOVE_CURSOR.
- A display resize: through a VNC client's SetDesktopSize (QEMU turns it into a
  display-change event: `gpu info` must show the new mode and the event, and
  the next `gpu test` must fill the new size), and through the device's
  xres/yres properties at boot (virtio-gpu-pci).
- The legacy mmio transport and packed rings draw the test card too, and the
  self-test suite passes from the shell.

The screendumps go to build/gpu/ as PNG; --update-docs also writes the test
card and the console to docs/gpu-test.png and docs/gpu-console.png (the
README's pictures).  Ends with
`N passed, M failed`.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import struct
import sys
import tempfile
import time
import zlib

import pexpect

from cases import Cases

PROMPT = "vdisk> "
OUT = "build/gpu"
BARS = [(0xff, 0xff, 0xff), (0xff, 0xff, 0x00), (0x00, 0xff, 0xff), (0x00, 0xff, 0x00),
        (0xff, 0x00, 0xff), (0xff, 0x00, 0x00), (0x00, 0x00, 0xff), (0x00, 0x00, 0x00)]
NAMES = ["white", "yellow", "cyan", "green", "magenta", "red", "blue", "black"]


# ---- the kernel's numbers and font, from its sources -----------------------

def c_define(path, name):
    m = re.search(r"#define\s+%s\s+(\S+)" % name, open(path).read())
    return int(m.group(1).rstrip("uU"), 0)


class Font:
    """kernel/display/font.c's table and the cell geometry of text.h."""
    def __init__(self):
        self.w = c_define("kernel/display/font.h", "FONT_W")
        self.h = c_define("kernel/display/font.h", "FONT_H")
        self.scale = c_define("kernel/display/text.h", "TEXT_SCALE")
        self.cell_w, self.cell_h = (self.w + 1) * self.scale, (self.h + 1) * self.scale
        src = open("kernel/display/font.c").read()
        row = r'"([.#]{%d})"' % self.w
        self.glyphs = {}
        for m in re.finditer(r"/\* 0x([0-9a-f]{2}) [^\n]*?\*/ \{ (.*) \},", src):
            rows = re.findall(row, m.group(2))
            assert len(rows) == self.h, m.group(0)
            self.glyphs[int(m.group(1), 16)] = rows
        box = re.search(r"unknown\[FONT_H\] = \{(.*?)\};", src, re.S).group(1)
        self.unknown = re.findall(row, box)
        assert len(self.glyphs) == 95 and len(self.unknown) == self.h

    def glyph(self, code):
        return self.glyphs.get(code, self.unknown)


class Canvas:
    """An RGB image, drawn the way kernel/display/ draws."""
    def __init__(self, w, h, rgb=(0, 0, 0)):
        self.w, self.h = w, h
        self.px = bytearray(bytes(rgb) * (w * h))

    def fill(self, x, y, w, h, rgb):
        w, h = min(w, self.w - x), min(h, self.h - y)
        line = bytes(rgb) * w
        for yy in range(y, y + h):
            o = (yy * self.w + x) * 3
            self.px[o:o + 3 * w] = line

    def char(self, font, x, y, code, fg, bg):
        rows = font.glyph(code)
        for py in range(min(font.cell_h, self.h - y)):
            gy = py // font.scale
            o = ((y + py) * self.w + x) * 3
            for px in range(min(font.cell_w, self.w - x)):
                gx = px // font.scale
                ink = gy < font.h and gx < font.w and rows[gy][gx] == "#"
                self.px[o + 3 * px:o + 3 * px + 3] = bytes(fg if ink else bg)

    def text(self, font, x, y, s, fg, bg):
        for ch in s:
            if x >= self.w:
                break
            self.char(font, x, y, ord(ch), fg, bg)
            x += font.cell_w

    def copy_rows(self, dst, src, n, width):
        for i in range(n):
            a, b = ((dst + i) * self.w) * 3, ((src + i) * self.w) * 3
            self.px[a:a + 3 * width] = self.px[b:b + 3 * width]


def rgb_of(v):
    return ((v >> 16) & 255, (v >> 8) & 255, v & 255)


def render_testcard(font, w, h, text):
    """kernel/display/testcard.c"""
    c = Canvas(w, h)
    bars_h = h * 3 // 4
    for i, colour in enumerate(BARS):
        x0, x1 = w * i // 8, w * (i + 1) // 8
        c.fill(x0, 0, x1 - x0, bars_h, colour)
    band = h - bars_h
    y = bars_h + ((band - font.cell_h) // 2 if band > font.cell_h else 0)
    c.text(font, font.cell_w, y, text, (255, 255, 255), (0, 0, 0))
    return c


def render_console(font, w, h, stream):
    """The framebuffer console's rules (kernel/display/fbcon.h) over a byte
    stream; the canvas and the number of times it scrolled."""
    fg = rgb_of(c_define("kernel/display/fbcon.h", "FBCON_FG"))
    bg = rgb_of(c_define("kernel/display/fbcon.h", "FBCON_BG"))
    c = Canvas(w, h, bg)
    cols, rows = w // font.cell_w, h // font.cell_h
    cx = cy = scrolls = 0
    state = "plain"

    def newline():
        nonlocal cx, cy, scrolls
        cx = 0
        if cy + 1 < rows:
            cy += 1
            return
        scrolls += 1
        c.copy_rows(0, font.cell_h, (rows - 1) * font.cell_h, cols * font.cell_w)
        c.fill(0, cy * font.cell_h, cols * font.cell_w, font.cell_h, bg)

    for ch in stream:
        o = ord(ch)
        if state == "esc":
            state = "csi" if ch == "[" else "plain"
            continue
        if state == "csi":
            if ch.isdigit() or ch == ";":
                continue
            state = "plain"
            if ch == "K":
                c.fill(cx * font.cell_w, cy * font.cell_h, (cols - cx) * font.cell_w,
                       font.cell_h, bg)
            continue
        if ch == "\n":
            newline()
        elif ch == "\r":
            cx = 0
        elif ch == "\b":
            cx = max(cx - 1, 0)
        elif ch == "\t":
            cx = min((cx + 8) & ~7, cols)
        elif ch == "\x1b":
            state = "esc"
        elif o < 0x20:
            pass
        else:
            if cx >= cols:
                newline()
            c.char(font, cx * font.cell_w, cy * font.cell_h, o, fg, bg)
            cx += 1
    return c, scrolls


# ---- images ------------------------------------------------------------------

def read_ppm(path):
    data = open(path, "rb").read()
    fields, i = [], 0
    while len(fields) < 4:
        while data[i:i + 1].isspace():
            i += 1
        if data[i:i + 1] == b"#":
            i = data.index(b"\n", i)
            continue
        j = i
        while not data[j:j + 1].isspace():
            j += 1
        fields.append(data[i:j])
        i = j
    assert fields[0] == b"P6" and fields[3] == b"255", fields
    w, h = int(fields[1]), int(fields[2])
    return w, h, data[i + 1:i + 1 + 3 * w * h]


def write_png(path, w, h, rgb):
    """An 8-bit RGB PNG with zlib (no PIL on a stock Debian python3)."""
    raw = b"".join(b"\x00" + bytes(rgb[y * w * 3:(y + 1) * w * 3]) for y in range(h))

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def pixel(img, x, y):
    w, _, rgb = img
    o = (y * w + x) * 3
    return tuple(rgb[o:o + 3])


def region(img, x, y, w, h):
    iw, _, rgb = img
    return b"".join(bytes(rgb[((y + r) * iw + x) * 3:((y + r) * iw + x + w) * 3]) for r in range(h))


def bar_problems(img):
    """Bars whose centre, at three heights in the top three quarters, is not
    the colour it must be."""
    w, h, _ = img
    bad = []
    for i, want in enumerate(BARS):
        x = (w * i // 8 + w * (i + 1) // 8) // 2
        for y in (h // 8, h * 3 // 8, h * 5 // 8):
            got = pixel(img, x, y)
            if got != want:
                bad.append(f"{NAMES[i]} bar at {x},{y} is #{bytes(got).hex()}")
    return bad


# ---- QEMU ----------------------------------------------------------------------

class Machine:
    """One QEMU boot: the shell through pexpect, QMP through a unix socket."""
    def __init__(self, work, name, devices, extra=(), legacy=False):
        self.work, self.name = work, name
        self.qmp_path = os.path.join(work, f"{name}.qmp")
        self.trace = os.path.join(work, f"{name}.trace")
        self.vnc_path = os.path.join(work, f"{name}.vnc")
        argv = ["-machine", "virt", "-bios", "default", "-nographic", "-m", "256M",
                "-kernel", "build/kernel.elf",
                "-global", f"virtio-mmio.force-legacy={'true' if legacy else 'false'}",
                "-qmp", f"unix:{self.qmp_path},server=on,wait=off",
                "-D", self.trace] + list(devices) + list(extra)
        self.c = pexpect.spawn("qemu-system-riscv64", argv, encoding="utf-8", timeout=30)
        self.c.expect(PROMPT)
        self.boot = self.c.before
        self.qmp = socket.socket(socket.AF_UNIX)
        self.qmp.connect(self.qmp_path)
        self.qf = self.qmp.makefile("rw")
        self.qf.readline()  # the greeting
        self.command("qmp_capabilities")

    def command(self, name, **args):
        self.qf.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        self.qf.flush()
        while True:
            reply = json.loads(self.qf.readline())
            if "return" in reply or "error" in reply:
                return reply

    def run(self, cmd):
        """The raw transcript of one command up to its next prompt."""
        self.c.sendline(cmd)
        self.c.expect(PROMPT)
        return self.c.before

    def lines(self, cmd):
        return [l for l in self.run(cmd).replace("\r", "").split("\n")[1:] if l.strip()]

    def screendump(self, tag):
        path = os.path.join(self.work, f"{self.name}-{tag}.ppm")
        reply = self.command("screendump", filename=path)
        if "error" in reply:
            raise RuntimeError(f"screendump: {reply['error']}")
        return read_ppm(path)

    def close(self):
        try:
            self.c.sendline("poweroff")
            self.c.expect(pexpect.EOF, timeout=10)
        except (pexpect.TIMEOUT, pexpect.EOF):
            pass
        self.c.close(force=True)
        self.qmp.close()


def vnc_set_desktop_size(path, w, h):
    """An RFB 3.8 client that asks for a new desktop size (SetDesktopSize,
    the ExtendedDesktopSize extension QEMU forwards to the display)."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(path)

    def recv(n):
        b = b""
        while len(b) < n:
            k = s.recv(n - len(b))
            if not k:
                raise EOFError("VNC server closed the connection")
            b += k
        return b
    recv(12)
    s.sendall(b"RFB 003.008\n")
    if 1 not in recv(recv(1)[0]):
        raise RuntimeError("VNC server wants authentication")
    s.sendall(b"\x01")
    if recv(4) != b"\x00\x00\x00\x00":
        raise RuntimeError("VNC security handshake failed")
    s.sendall(b"\x01")  # shared
    recv(20)
    recv(struct.unpack(">I", recv(4))[0])  # the desktop name
    encodings = [-308, -223, 0]  # ExtendedDesktopSize, DesktopSize, Raw
    s.sendall(struct.pack(">BxH", 2, len(encodings)) + b"".join(struct.pack(">i", e) for e in encodings))
    s.sendall(struct.pack(">BxHHBx", 251, w, h, 1) + struct.pack(">IHHHHI", 0, 0, 0, w, h, 0))
    return s  # kept open until the guest has seen the change


def wait_for(m, cmd, want, seconds=8):
    deadline = time.monotonic() + seconds
    while True:
        text = m.run(cmd)
        if want(text) or time.monotonic() > deadline:
            return text
        time.sleep(0.3)


# ---- cases -----------------------------------------------------------------------

def test_card(case, font, m, label, w, h, png=None):
    """`gpu test` and its screendump: the size, the bars, the text line."""
    lines = m.lines("gpu test")
    case(any(f"{w}x{h}: eight bars and a line of text, flushed" in l for l in lines),
         f"{label}: gpu test reports {w}x{h}", repr(lines))
    img = m.screendump("test")
    case(img[:2] == (w, h), f"{label}: the screendump is {w}x{h}", f"{img[0]}x{img[1]}")
    if img[:2] != (w, h):
        return
    bad = bar_problems(img)
    case(not bad, f"{label}: eight bars white..black at their centres", "; ".join(bad[:4]))
    ref = render_testcard(font, w, h, f"vdisk gpu test {w}x{h} display0")
    band = (0, h * 3 // 4, w, h - h * 3 // 4)
    got, want = region(img, *band), region((w, h, ref.px), *band)
    case(got == want, f"{label}: the text line matches the reference rendering "
         f"(sha256 {hashlib.sha256(want).hexdigest()[:16]})",
         f"screendump sha256 {hashlib.sha256(got).hexdigest()[:16]}")
    os.makedirs(OUT, exist_ok=True)
    write_png(os.path.join(OUT, f"{label}-test.png"), w, h, img[2])
    if png:
        write_png(png, w, h, img[2])


def console(case, font, m, png=None):
    """gpu console on, three helps (enough to scroll past the end of the
    framebuffer, where the console copies the screen back to its start) and
    two edited lines (backspace; Ctrl-U, which redraws with ESC [ K): the
    screen must be the reference rendering of what the UART carried."""
    first = m.run("gpu console on")
    shown = first.split("\r\n", 1)[1] + PROMPT  # the echo line came before
    # each step ends at a prompt (Ctrl-U redraws one: "\r", the prompt, ESC [ K)
    for keys in ("help\r", "help\r", "help\r", "blk lisx\x7ft\r", "foo\x15", "mem\r"):
        m.c.send(keys)
        m.c.expect(PROMPT)
        shown += m.c.before + PROMPT
    w, h = 1280, 800
    ref, scrolls = render_console(font, w, h, shown)
    pans = (h * c_define("kernel/display/display.h", "DISPLAY_SCREENS") - h) // font.cell_h
    want = hashlib.sha256(bytes(ref.px)).hexdigest()
    got = None
    for _ in range(30):  # the last flush is asynchronous: give it a moment
        img = m.screendump("console")
        got = hashlib.sha256(bytes(img[2])).hexdigest()
        if got == want:
            break
        time.sleep(0.1)
    case(scrolls > pans, f"console: {scrolls} scrolls, past the {pans} the framebuffer pans through",
         f"{scrolls} scrolls")
    case(got == want, f"console: the screen matches the reference rendering (sha256 {want[:16]})",
         f"screendump sha256 {got[:16]}")
    write_png(os.path.join(OUT, "console.png"), img[0], img[1], img[2])
    if png and got == want:
        write_png(png, img[0], img[1], img[2])
    if got != want:
        write_png(os.path.join(OUT, "console-reference.png"), ref.w, ref.h, ref.px)
    lines = m.lines("gpu console off")
    case(lines == ["gpu console: off"], "console: gpu console off", repr(lines))


def cursor(case, m):
    a = m.lines("gpu cursor 100 200")
    b = m.lines("gpu cursor 300 400")
    case(a == ["gpu cursor: display0 at 100,200 (UPDATE_CURSOR)"] and
         b == ["gpu cursor: display0 at 300,400 (MOVE_CURSOR)"], "cursor: gpu cursor twice",
         repr(a + b))
    trace = open(m.trace).read()
    case("virtio_gpu_update_cursor scanout 0, x 100, y 200, update, res 0x2" in trace and
         "virtio_gpu_update_cursor scanout 0, x 300, y 400, move" in trace,
         "cursor: QEMU saw UPDATE_CURSOR with resource 2, then MOVE_CURSOR",
         repr([l for l in trace.splitlines() if "cursor" in l]))


BAD = [
    ("gpu", "missing"),
    ("gpu cursor 5000 1", "not below 1280"),
    ("gpu cursor 1 x", "not a number"),
    ("gpu cursor 1", "missing y"),
    ("gpu console maybe", "neither on nor off"),
    ("gpu info now", "unexpected argument"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--update-docs", action="store_true",
                    help="also write docs/gpu-test.png and docs/gpu-console.png")
    args = ap.parse_args()
    case = Cases("gpu")
    font = Font()
    os.makedirs(OUT, exist_ok=True)
    work = tempfile.mkdtemp(prefix="vdisk-gpu-")
    try:
        m = Machine(work, "mmio", ["-device", "virtio-gpu-device"],
                    ["-trace", "virtio_gpu_update_cursor", "-vnc", f"unix:{os.path.join(work, 'mmio.vnc')}"])
        try:
            case("display0: virtio-gpu, 1 scanout, mode 1280x800, virtio-mmio v2" in m.boot,
                 "mmio: the GPU is found at boot", repr(m.boot[-300:]))
            info = m.lines("gpu info")
            case(any(l.startswith("  output 0       enabled, 1280x800 at 0,0; RHT QEMU Monitor, EDID")
                     for l in info), "mmio: gpu info shows output 0, its mode and its EDID", repr(info[:3]))
            for cmd, want in BAD:
                lines = m.lines(cmd)
                case(len(lines) == 1 and want in lines[0].lower(), f"{cmd!r} -> one line with {want!r}",
                     repr(lines))
            test_card(case, font, m, "mmio", 1280, 800,
                      png="docs/gpu-test.png" if args.update_docs else None)
            cursor(case, m)
            console(case, font, m, png="docs/gpu-console.png" if args.update_docs else None)
            out = m.run("selftest")
            counts = re.search(r"selftest: (\d+) passed, (\d+) failed", out)
            gpu_cases = len(re.findall(r"\[PASS\] display0: ", out))
            case(counts and counts.group(2) == "0" and gpu_cases >= 8 and "[FAIL]" not in out,
                 f"mmio: selftest from the shell, {gpu_cases} display0 cases pass",
                 repr([l for l in out.splitlines() if "FAIL" in l or "selftest:" in l][-4:]))
            vnc = vnc_set_desktop_size(m.vnc_path, 800, 600)
            info = wait_for(m, "gpu info", lambda t: "enabled, 800x600" in t)
            vnc.close()
            case("enabled, 800x600" in info and "1 display changes" in info and
                 "1 display events (events_clear)" in info,
                 "resize: a VNC SetDesktopSize reaches gpu info as a display event",
                 repr([l for l in info.splitlines() if "output" in l or "event" in l or "changes" in l]))
            test_card(case, font, m, "resized", 800, 600)
        finally:
            m.close()

        m = Machine(work, "pci", ["-device", "virtio-gpu-pci,xres=800,yres=600"])
        try:
            case("display0: virtio-gpu, 1 scanout, mode 800x600, virtio-pci" in m.boot,
                 "pci: xres/yres picked up at boot", repr(m.boot[-300:]))
            test_card(case, font, m, "pci", 800, 600)
        finally:
            m.close()

        m = Machine(work, "legacy", ["-device", "virtio-gpu-device"], legacy=True)
        try:
            case("virtio-mmio v1 (legacy)" in m.boot and "display0: virtio-gpu" in m.boot,
                 "legacy: the GPU on legacy mmio", repr(m.boot[-300:]))
            test_card(case, font, m, "legacy", 1280, 800)
        finally:
            m.close()

        m = Machine(work, "packed", ["-device", "virtio-gpu-device,packed=on"])
        try:
            info = m.lines("gpu info")
            case(any("controlq" in l and "packed ring" in l for l in info), "packed: the rings are packed",
                 repr([l for l in info if "controlq" in l]))
            test_card(case, font, m, "packed", 1280, 800)
        finally:
            m.close()
    except (pexpect.TIMEOUT, pexpect.EOF, OSError, RuntimeError) as e:
        case(False, "session", f"{type(e).__name__}: {e}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return case.finish()


if __name__ == "__main__":
    sys.exit(main())
