"""The benchmark image and the host's view of it, for scripts/bench.py and
scripts/ceiling_quick.py: a raw image of random bytes, kept in the host page
cache, host `dd` from there, and whether QEMU can read it with aio=io_uring."""
import os
import re
import shutil
import statistics
import subprocess

IMAGE_BYTES = 256 << 20

# The most bytes of the image found evicted from the page cache since the
# previous read-through, over the read-throughs that tracked it (fincore).
EVICTION = {"max_bytes": 0, "checks": 0}


def make_image(path, log=print):
    """IMAGE_BYTES of random bytes at `path`, unless a file of that size is
    already there."""
    if os.path.exists(path) and os.path.getsize(path) == IMAGE_BYTES:
        return
    log(f"creating {path} (256 MiB of random bytes)")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "wb") as f:
        for _ in range(IMAGE_BYTES >> 20):
            f.write(os.urandom(1 << 20))
    os.replace(path + ".tmp", path)


def resident_bytes(path):
    """How many bytes of `path` are in the page cache (util-linux fincore),
    or None when that cannot be told."""
    if not shutil.which("fincore"):
        return None
    p = subprocess.run(["fincore", "-n", "-b", "-o", "RES", path], capture_output=True,
                       text=True)
    try:
        return int(p.stdout.split()[0])
    except (IndexError, ValueError):
        return None


def warm(path, track=True):
    """Reads the image through so that it sits in the host page cache; the
    callers do it before every boot and every run.  This VM takes clean
    pages back even with gigabytes free (a DAMON pageout scheme; a few MB a
    minute measured with fincore), and a random read that misses goes to
    the disk, at 100 times the cost.  `track` records in EVICTION what had
    gone since the previous read-through."""
    before = resident_bytes(path) if track else None
    subprocess.run(["cat", path], stdout=subprocess.DEVNULL, check=True)
    if before is not None:
        EVICTION["checks"] += 1
        EVICTION["max_bytes"] = max(EVICTION["max_bytes"], os.path.getsize(path) - before)


def host_dd(path, reps):
    """Host `dd` from the page cache at bs=1M and bs=4k: the median of
    `reps` runs each, in MB/s and reads per second."""
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
