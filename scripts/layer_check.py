#!/usr/bin/env python3
"""The dependency direction, checked on the #include lines (a `make check`
stage, like the library's own include check in scripts/cross_build.sh):

  - a library device driver (drivers/virtio/devices/, the sources of a
    VIRTIO_DEVICE_SRCS.<name> line of virtio.mk) and its public header
    include/virtio/<name>.h include only the core API (device.h, driver.h,
    virtq.h, errors.h, platform.h), wire headers (virtio/wire/), their own
    public header and their own private headers (devices/<name>_*.h);
  - shell commands (kernel/shell/) and self-tests (kernel/selftest/) never
    reach the library, directly or through a kernel header: they use
    kernel subsystems;
  - no other kernel code (kernel/ outside kernel/virtio/, boot/, lib/,
    drivers/uart/) reaches it either: only kernel/virtio/ includes it.

A kernel file "reaches" the library when one of its quoted includes, or
one of theirs (kernel headers followed all the way), is a library header.
One case per rule, each violation with its include chain; ends with
`N passed, M failed`.

    scripts/layer_check.py [ROOT]
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
LIB = "drivers/virtio"
LIB_INCLUDE = LIB + "/include"
CORE_API = {"device.h", "driver.h", "virtq.h", "errors.h", "platform.h"}


def includes(root, path):
    with open(os.path.join(root, path), encoding="utf-8") as f:
        return INCLUDE.findall(f.read())


def resolve(root, includer, name):
    """Where a quoted include lands, searched as the kernel's build does:
    the includer's directory, then -I. and the library's -I."""
    for base in (os.path.dirname(includer), "", LIB_INCLUDE):
        path = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(os.path.join(root, path)):
            return path
    return None


def library_chain(root, path, seen=None):
    """The include chain from `path` to the first library header it
    reaches (a list of paths), or None."""
    seen = set() if seen is None else seen
    for name in includes(root, path):
        target = resolve(root, path, name)
        if target is None or target in seen:
            continue
        seen.add(target)
        if target.startswith(LIB + "/"):
            return [path, name]
        rest = library_chain(root, target, seen)
        if rest:
            return [path] + rest
    return None


def sources(root, top, exclude=()):
    out = []
    for d, _, files in os.walk(os.path.join(root, top)):
        rel = os.path.relpath(d, root)
        if any(rel == e or rel.startswith(e + "/") for e in exclude):
            continue
        out += sorted(os.path.join(rel, f) for f in files if f.endswith((".c", ".h")))
    return sorted(out)


def device_groups(root):
    """{name: [source paths]} from virtio.mk's VIRTIO_DEVICE_SRCS.<name> lines."""
    groups = {}
    with open(os.path.join(root, LIB, "virtio.mk"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"VIRTIO_DEVICE_SRCS\.(\w+)\s*:?=\s*(.*)", line)
            if m:
                groups[m.group(1)] = [os.path.join(LIB, s) for s in m.group(2).split()]
    return groups


def device_include_ok(path, inc, name, public):
    """May `path`, a file of device driver `name`, include "inc"?"""
    if path != public and "/" not in inc and inc.startswith(name + "_"):
        return True  # its own private header, beside it in devices/
    if path != public and not inc.startswith("virtio/"):
        return False
    short = inc[len("virtio/"):] if inc.startswith("virtio/") else inc
    return short in CORE_API or short.startswith("wire/") or short == name + ".h"


def device_violations(root):
    """Includes of device drivers and their public headers outside what a
    device driver may use."""
    bad, files = [], 0
    for name, srcs in sorted(device_groups(root).items()):
        public = os.path.join(LIB_INCLUDE, "virtio", name + ".h")
        own = [p for p in sources(root, LIB + "/devices")
               if os.path.basename(p).startswith(name + "_") and p.endswith(".h")]
        if os.path.isfile(os.path.join(root, public)):
            own.append(public)
        for path in srcs + own:
            files += 1
            bad += [f'{path}: #include "{inc}" (device {name})' for inc in includes(root, path)
                    if not device_include_ok(path, inc, name, public)]
    return bad, files


def kernel_violations(root, paths):
    bad = []
    for path in paths:
        chain = library_chain(root, path)
        if chain:
            bad.append(" -> ".join(chain))
    return bad


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(os.path.dirname(__file__), ".."))
    passed = failed = 0

    def case(name, bad, files):
        nonlocal passed, failed
        if bad:
            failed += 1
            print(f"[FAIL] layers: {name}:")
            for line in bad:
                print(f"       {line}")
        else:
            passed += 1
            print(f"[PASS] layers: {name} ({files} files)")

    bad, files = device_violations(root)
    case("library device drivers include only the core API, wire headers and their own",
         bad, files)
    shell = sources(root, "kernel/shell")
    case("shell commands never reach the library", kernel_violations(root, shell), len(shell))
    tests = sources(root, "kernel/selftest")
    case("self-tests never reach the library", kernel_violations(root, tests), len(tests))
    rest = sources(root, "kernel", exclude=("kernel/virtio", "kernel/shell", "kernel/selftest"))
    rest += sources(root, "boot") + sources(root, "lib") + sources(root, "drivers/uart")
    case("only kernel/virtio/ includes the library", kernel_violations(root, rest), len(rest))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
