#!/usr/bin/env python3
"""Create a raw test disk image whose every sector is recognisable.

Sector 0 starts with "VDISK TEST IMAGE: sector 0", every later 512-byte
sector with "sector N"; the text ends with a newline and the rest of the
sector holds each byte's own offset within the sector (0x1b 0x1c ...), so a
hex dump shows at once which sector it is and whether bytes moved.

usage: mkdisk.py --size 64M build/disk.img
"""
import argparse
import os
import sys

SECTOR = 512
UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_size(text):
    """'64M', '64MiB', '1G', '4096' -> bytes (a positive multiple of 512)."""
    t = text.strip().upper()
    if t.endswith("IB"):
        t = t[:-2]
    unit = t[-1:] if t[-1:] in UNITS and not t[-1:].isdigit() else ""
    digits = t[: len(t) - len(unit)]
    if not digits.isdigit():
        raise argparse.ArgumentTypeError(f"bad size {text!r} (want e.g. 64M, 1G, 1048576)")
    size = int(digits) * UNITS[unit]
    if size <= 0 or size % SECTOR:
        raise argparse.ArgumentTypeError(f"size {size} is not a positive multiple of {SECTOR}")
    return size


def sector_text(n):
    return (f"VDISK TEST IMAGE: sector {n}\n" if n == 0 else f"sector {n}\n").encode()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=parse_size, default=parse_size("64M"),
                    help="image size, e.g. 64M (default), 1G or bytes")
    ap.add_argument("output", help="image file to create (replaced if present)")
    args = ap.parse_args()

    # the filler after the text only depends on the text length; cache it
    tails = {}
    tmp = args.output + ".tmp"
    with open(tmp, "wb") as f:
        chunk = []
        for n in range(args.size // SECTOR):
            text = sector_text(n)
            tail = tails.get(len(text))
            if tail is None:
                tail = tails[len(text)] = bytes(i & 0xFF for i in range(len(text), SECTOR))
            chunk.append(text + tail)
            if len(chunk) == 2048:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))
    os.replace(tmp, args.output)  # never leave a half-written image behind
    print(f"mkdisk: wrote {args.output} ({args.size // SECTOR} sectors, {args.size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
