"""The network part of `make bench` (scripts/bench.py calls run()): the
kernel's `net bench` over `-netdev dgram` against the host-side peer of
tests/qemu/netpeer.py, one boot, UDP datagrams of 64 and 1472 payload
bytes (64 only with --quick), each way for `secs` seconds.  Packet rates
are the guest's own counts over its own clock; the peer's counts of what
reached it are kept next to them (a Python peer can fall behind).
"""
import os
import re
import sys

import pexpect

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "qemu"))
import netpeer  # noqa: E402

PROMPT = "vdisk> "


def parse(text):
    tx = re.search(r"tx (\d+) datagrams of \d+ bytes in [\d.]+ s: (\d+) pps, ([\d.]+) Mbit/s", text)
    rx = re.search(r"rx (\d+) datagrams of \d+ bytes in [\d.]+ s: (\d+) pps, ([\d.]+) Mbit/s "
                   r"\(the peer sent (\d+)\)", text)
    if not tx or not rx:
        return None
    return {"tx_frames": int(tx.group(1)), "tx_pps": int(tx.group(2)), "tx_mbps": float(tx.group(3)),
            "rx_frames": int(rx.group(1)), "rx_pps": int(rx.group(2)), "rx_mbps": float(rx.group(3)),
            "peer_sent": int(rx.group(4))}


def run(kernel, secs, quick, logfile):
    """([{size, tx_pps, ...}], [problem])"""
    a, b = netpeer.free_udp_port(), netpeer.free_udp_port()
    peer = netpeer.Peer(netpeer.DgramLink(a, b))
    argv = ["-machine", "virt", "-bios", "default", "-nographic", "-m", "256M", "-smp", "2",
            "-kernel", kernel, "-global", "virtio-mmio.force-legacy=false",
            "-netdev", f"dgram,id=n0,local.type=inet,local.host=127.0.0.1,local.port={b},"
            f"remote.type=inet,remote.host=127.0.0.1,remote.port={a}",
            "-device", "virtio-net-device,netdev=n0"]
    results, problems = [], []
    c = pexpect.spawn("qemu-system-riscv64", argv, encoding="utf-8", timeout=60)
    c.logfile_read = logfile
    try:
        c.expect(PROMPT)
        c.sendline("net dhcp")
        c.expect(PROMPT)
        if "ip 192.168.77.2" not in c.before:
            return [], ["net bench: no address from the peer: " + c.before.strip()[-200:]]
        for size in (64,) if quick else (64, 1472):
            peer.bench_rx, peer.bench_tx_end = 0, None
            c.sendline(f"net bench {netpeer.PEER_IP} {netpeer.BENCH_PORT} {secs} {size}")
            c.expect(PROMPT, timeout=3 * secs + 30)
            r = parse(c.before)
            if not r:
                problems.append(f"net bench {size}: no figures: {c.before.strip()[-300:]}")
                continue
            r.update(size=size, peer_got=peer.bench_rx)
            results.append(r)
        c.sendline("poweroff")
        c.expect(pexpect.EOF, timeout=10)
    except (pexpect.TIMEOUT, pexpect.EOF):
        problems.append("net bench: the session ended early: " + c.before[-300:])
    finally:
        c.close(force=True)
        peer.close()
    return results, problems


def report_lines(results):
    if not results:
        return []
    lines = ["", "network: `net bench` over -netdev dgram against tests/qemu/netpeer.py, 1 queue "
             "pair, modern virtio-mmio; Mbit/s of UDP payload",
             f"{'size':>5s} {'tx pps':>8s} {'tx Mbit/s':>9s} {'rx pps':>8s} {'rx Mbit/s':>9s} "
             f"{'peer got/sent':>14s}"]
    for r in results:
        lines.append(f"{r['size']:5d} {r['tx_pps']:8d} {r['tx_mbps']:9.1f} {r['rx_pps']:8d} "
                     f"{r['rx_mbps']:9.1f} {r['peer_got']:>6d}/{r['peer_sent']:<7d}")
    return lines
