#!/usr/bin/env python3
"""The kernel's network stack against QEMU's networks, checked from the host.

Each configuration is one QEMU boot with two NICs of the configuration's
kind (virtio-mmio modern or legacy, PCI; mrg_rxbuf, packed, csum,
ctrl_vq, mq as the configuration says):

  net0  user networking (slirp) with a UDP port forwarded: `net dhcp`
        must get 10.0.2.15, `ping 10.0.2.2` every reply, and datagrams a
        host socket sends to the forwarded port come back from `udp echo`
        byte for byte; QMP set_link down and up shows in `net info`;
  net1  a host-side peer (netpeer.py) on `-netdev dgram` (or on a tap
        interface for the offload and multiqueue configurations): its DHCP
        server sees well-formed requests, it pings back, and it sends
        malformed frames (runts, over the MTU, bad checksums, fragments,
        truncated headers, foreign destinations) whose drop counters must
        each move by exactly what was sent, then bursts that overflow the
        receive ring, after which traffic must still flow.

The full configuration adds QMP announce-self (the peer must see the
gratuitous ARP), the receive filter (promiscuous, all-multicast, the MAC
table: what reaches the guest is counted), and a short `net bench`.
One `[PASS]`/`[FAIL]` line per check, then `N passed, M failed`.

    tests/qemu/net.py [--kernel build/kernel.elf] [--only NAME...] [--list]
"""
import argparse
import json
import os
import random
import re
import socket
import struct
import subprocess
import sys
import tempfile
import time

import pexpect

import netpeer as np_
from cases import Cases

PROMPT = "vdisk> "
USER_MAC = "52:54:00:00:00:10"
PEER_NIC_MAC = "52:54:00:00:00:11"
ECHO_PORT = 7777
FOREIGN_MAC = bytes.fromhex("020000990099")


class Config:
    def __init__(self, name, device="virtio-net-device", props="", legacy=False, full=False,
                 tap=False, queues=1, csum=True, ctrl=True, mrg=True):
        self.name, self.device, self.props, self.legacy = name, device, props, legacy
        self.full, self.tap, self.queues, self.csum, self.ctrl, self.mrg = \
            full, tap, queues, csum, ctrl, mrg


CONFIGS = [
    Config("selftest"),
    Config("mmio-modern", full=True),
    Config("mmio-legacy", legacy=True),
    Config("mmio-legacy-mrg-off", legacy=True, props="mrg_rxbuf=off", mrg=False),
    Config("pci", device="virtio-net-pci"),
    Config("mrg-rxbuf-off", props="mrg_rxbuf=off", mrg=False),
    Config("packed", props="packed=on"),
    Config("ctrl-vq-off", props="ctrl_vq=off", ctrl=False),
    Config("pci-mq-tap", device="virtio-net-pci", props="mq=on,vectors=10", tap=True, queues=4),
    Config("csum-off-tap", props="csum=off,guest_csum=off", tap=True, csum=False),
]


class Qmp:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        end = time.time() + 10
        while True:
            try:
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                if time.time() > end:
                    raise
                time.sleep(0.05)
        self.f = self.sock.makefile("rw")
        self.f.readline()  # greeting
        self.cmd("qmp_capabilities")

    def cmd(self, command, **args):
        self.f.write(json.dumps({"execute": command, "arguments": args}) + "\n")
        self.f.flush()
        while True:
            r = json.loads(self.f.readline())
            if "return" in r or "error" in r:
                return r


class Guest:
    """The kernel's shell in QEMU."""

    def __init__(self, kernel, argv):
        self.c = pexpect.spawn("qemu-system-riscv64", ["-machine", "virt", "-bios", "default",
                                                       "-nographic", "-m", "256M", "-kernel",
                                                       kernel] + argv,
                               encoding="utf-8", timeout=30)
        self.c.expect(PROMPT)
        self.boot_log = self.c.before

    def run(self, cmd, timeout=30):
        self.c.sendline(cmd)
        self.c.expect(PROMPT, timeout=timeout)
        return [l for l in self.c.before.replace("\r", "").split("\n")[1:] if l.strip()]

    def counters(self, iface):
        """Every 'name N' of `net info IFACE`'s counter lines."""
        text = "\n".join(self.run("net info " + iface))
        out = {}
        for line in text.split("\n"):
            if "drops:" in line or line.startswith("         "):
                for name, n in re.findall(r"([a-z-]+) (\d+)", line):
                    out[name] = int(n)
        m = re.search(r"rx (\d+) frames \((\d+) bytes\), tx (\d+) frames", text)
        if m:
            out["rx-frames"], out["tx-frames"] = int(m.group(1)), int(m.group(3))
        out["text"] = text
        return out

    def close(self):
        self.c.close(force=True)


def iface_of(guest, mac):
    m = re.search(r"(net\d): %s" % mac, guest.boot_log)
    return m.group(1) if m else None


# ---- the checks -------------------------------------------------------------


def user_checks(case, g, cfg, hostport, qmp, net0):
    lines = g.run("net dhcp " + net0)
    case(any(l.startswith("ip 10.0.2.15/24 gateway 10.0.2.2") for l in lines),
         f"{cfg.name}: net dhcp gets 10.0.2.15 from slirp", repr(lines))
    lines = g.run("ping 10.0.2.2 3")
    replies = [l for l in lines if re.match(r"64 bytes from 10\.0\.2\.2: seq=\d time=[\d.]+ ms", l)]
    case(len(replies) == 3 and lines[-1] == "3 transmitted, 3 received",
         f"{cfg.name}: ping 10.0.2.2 gets every reply", repr(lines))

    # udp echo: the host's datagrams come back byte for byte
    rnd = random.Random(cfg.name)
    sizes = [1, 64, 700, 1000, 1400, 1472]
    payloads = [bytes(rnd.randrange(256) for _ in range(n)) for n in sizes]
    g.c.sendline(f"udp echo {ECHO_PORT} 1")
    g.c.expect(f"udp echo: port {ECHO_PORT} for 1 s")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    back = []
    for p in payloads:
        s.sendto(p, ("127.0.0.1", hostport))
        try:
            back.append(s.recv(4096))
        except socket.timeout:
            back.append(None)
    s.close()
    g.c.expect(PROMPT, timeout=15)
    summary = g.c.before.replace("\r", "").strip().split("\n")[-1]
    case(back == payloads, f"{cfg.name}: udp echo returns {len(sizes)} datagrams of 1..1472 bytes "
         "byte for byte", f"sizes back {[len(b) if b else None for b in back]}")
    case(summary.startswith(f"echoed {len(sizes)} datagrams ({sum(sizes)} bytes)"),
         f"{cfg.name}: udp echo counts what it echoed", repr(summary))

    # QMP set_link: STATUS and the config interrupt
    qmp.cmd("set_link", name="n0", up=False)
    time.sleep(0.3)
    down = g.run("net info " + net0)[0]
    ping = g.run("ping 10.0.2.2 1")
    qmp.cmd("set_link", name="n0", up=True)
    time.sleep(0.3)
    up = g.run("net info " + net0)[0]
    case("link down" in down and "link up" in up,
         f"{cfg.name}: QMP set_link down and up shows in net info", repr([down, up]))
    case(any("link down" in l for l in ping), f"{cfg.name}: ping says the link is down",
         repr(ping))


# Malformed frames: (what, frame builder, the counter it must move, by how much)
def malformed(peer, cfg):
    gm = bytes.fromhex(PEER_NIC_MAC.replace(":", ""))
    to = peer.to_guest
    ip = np_.ipv4
    g_ip, p_ip = np_.GUEST_IP, np_.PEER_IP
    hello = b"hello, world"
    return [
        ("a 12-byte runt", gm + np_.PEER_MAC, "runt", 1),
        ("a 13-byte runt", to(b"")[:13], "runt", 1),
        ("a frame over the MTU (1642 bytes)", peer.udp_to_guest(5000, 6000, bytes(1600)),
         "oversize", 1),
        ("a bad IP header checksum", peer.udp_to_guest(5000, 6000, hello, bad_ip_csum=True),
         "ip-checksum", 1),
        ("a bad UDP checksum", peer.udp_to_guest(5000, 6000, hello, bad_csum=True),
         "udp-checksum", 1),
        ("a first fragment (MF)", peer.udp_to_guest(5000, 6000, hello, frag=0x2000),
         "fragment", 1),
        ("a later fragment (offset 8)", peer.udp_to_guest(5000, 6000, hello, frag=1),
         "fragment", 1),
        ("an IP total length past the frame",
         peer.udp_to_guest(5000, 6000, hello, total=20 + 8 + len(hello) + 64), "ip-header", 1),
        ("an IP header length of 16 bytes", peer.udp_to_guest(5000, 6000, hello, ihl=4),
         "ip-header", 1),
        ("IPv6 under the IPv4 EtherType", to(b"\x60" + bytes(47)), "ip-header", 1),
        ("a UDP length past the packet", peer.udp_to_guest(5000, 6000, hello, length=200),
         "udp-header", 1),
        ("a UDP length of 4", peer.udp_to_guest(5000, 6000, hello, length=4), "udp-header", 1),
        ("an ICMP echo with a bad checksum",
         to(ip(p_ip, g_ip, 1, np_.icmp_echo(8, 1, 1, hello, bad_csum=True))), "icmp", 1),
        ("an IPv6 frame", np_.eth(gm, np_.PEER_MAC, 0x86DD, bytes(60)), "ethertype", 1),
        ("a VLAN-tagged frame", np_.eth(gm, np_.PEER_MAC, 0x8100, bytes(60)), "ethertype", 1),
        ("ARP with a hardware length of 5",
         np_.eth(gm, np_.PEER_MAC, 0x0806, np_.arp(1, np_.PEER_MAC, p_ip, bytes(6), g_ip)[:4] +
                 b"\x05" + bytes(23)), "arp", 1),
        ("TCP", to(ip(p_ip, g_ip, 6, bytes(20))), "ip-protocol", 1),
        ("UDP to a port nobody listens on", peer.udp_to_guest(5000, 6000, hello), "udp-port", 1),
        ("UDP to another address", peer.udp_to_guest(5000, 6000, hello, dst_ip="192.168.77.99"),
         "ip-not-ours", 1),
    ]


def peer_setup_checks(case, g, cfg, peer, net1):
    lines = g.run("net dhcp " + net1, timeout=20)
    case(any(l.startswith("ip 192.168.77.2/24") for l in lines),
         f"{cfg.name}: net dhcp gets 192.168.77.2 from the peer's DHCP server", repr(lines))
    kinds = [k for k, _ in peer.dhcp_log]
    problems = [p for _, ps in peer.dhcp_log for p in ps]
    case(kinds[:2] == [1, 3] and not problems,
         f"{cfg.name}: the peer saw a well-formed DISCOVER then REQUEST", repr(peer.dhcp_log))
    lines = g.run("ping 192.168.77.1 2")
    case(lines and lines[-1] == "2 transmitted, 2 received", f"{cfg.name}: ping the peer",
         repr(lines))


def malformed_checks(case, g, cfg, peer, net1):
    before = g.counters(net1)
    want = {}
    frames = [m for m in malformed(peer, cfg) if len(m[1]) >= 14 or not peer.link.vnet_hdr]
    for what, frame, counter, n in frames:
        peer.send(frame)
        want[counter] = want.get(counter, 0) + n
    time.sleep(0.5)
    after = g.counters(net1)
    wrong = {k: (after.get(k, 0) - before.get(k, 0), v) for k, v in want.items()
             if after.get(k, 0) - before.get(k, 0) != v}
    case(not wrong, f"{cfg.name}: {len(frames)} malformed frames dropped, each "
         "counted under its reason", f"counter: (moved, expected) {wrong}")
    lines = g.run("ping 192.168.77.1 1")
    case(lines and lines[-1] == "1 transmitted, 1 received",
         f"{cfg.name}: traffic flows after the malformed frames", repr(lines))


def echo_with_peer(g, peer, port, frames, seconds, send_gap=0.0):
    """Run `udp echo` on the guest and send frames; the echoes the peer saw."""
    peer.clear()
    g.c.sendline(f"udp echo {port} {seconds}")
    g.c.expect(f"udp echo: port {port} for {seconds} s")
    for f in frames:
        peer.send(*f) if isinstance(f, tuple) else peer.send(f)
        if send_gap:
            time.sleep(send_gap)
    g.c.expect(PROMPT, timeout=seconds + 15)
    summary = g.c.before.replace("\r", "").strip().split("\n")[-1]
    m = re.match(r"echoed (\d+) datagrams", summary)
    time.sleep(0.2)
    with peer.lock:
        seen = [d for sp, dp, d in peer.udp_seen if sp == port]
    return (int(m.group(1)) if m else -1), seen, summary


def burst_checks(case, g, cfg, peer, net1):
    n = 3000
    frames = [peer.udp_to_guest(4000 + i % 16, 9100, struct.pack("!I", i) + bytes(60))
              for i in range(n)]
    echoed, seen, summary = echo_with_peer(g, peer, 9100, frames, 1)
    case(0 < echoed <= n and len(seen) == echoed,
         f"{cfg.name}: a burst of {n} datagrams: {echoed} echoed, {n - echoed} lost to the full "
         "receive ring, every echo reached the peer", f"{summary!r}, peer got {len(seen)}")
    lines = g.run("ping 192.168.77.1 1")
    echoed2, seen2, _ = echo_with_peer(g, peer, 9101, [peer.udp_to_guest(4000, 9101, b"again")],
                                       1)
    case(lines and lines[-1] == "1 transmitted, 1 received" and echoed2 == 1 and seen2 == [b"again"],
         f"{cfg.name}: traffic resumes after the burst", repr([lines, echoed2, seen2]))


def filter_checks(case, g, cfg, peer, net1):
    gm = bytes.fromhex(PEER_NIC_MAC.replace(":", ""))
    joined, other = bytes.fromhex("01005e0000fb"), bytes.fromhex("01005e0000fc")

    def send_and_count(dst_mac, dst_ip, k=3):
        before = g.counters(net1)
        for i in range(k):
            peer.send(peer.udp_to_guest(5000, 6000, b"filter", dst_mac=dst_mac, dst_ip=dst_ip))
        time.sleep(0.3)
        after = g.counters(net1)
        return {c: after[c] - before[c] for c in ("not-ours", "ip-not-ours")}

    foreign = send_and_count(FOREIGN_MAC, np_.GUEST_IP)
    if cfg.ctrl:
        case(foreign == {"not-ours": 0, "ip-not-ours": 0},
             f"{cfg.name}: promiscuous off: the device drops frames for another host", repr(foreign))
        lines = g.run("net promisc " + net1 + " on")
        foreign = send_and_count(FOREIGN_MAC, np_.GUEST_IP)
        g.run("net promisc " + net1 + " off")
        case(lines == [f"{net1}: promiscuous on"] and foreign["not-ours"] == 3,
             f"{cfg.name}: promiscuous on: they reach the stack, which counts them", repr(foreign))
        lines = g.run(f"net mcast {net1} 01:00:5e:00:00:fb")
        j = send_and_count(joined, "224.0.0.251")
        o = send_and_count(other, "224.0.0.252")
        case(lines == [f"{net1}: 1 multicast group joined"] and j["ip-not-ours"] == 3 and
             o == {"not-ours": 0, "ip-not-ours": 0},
             f"{cfg.name}: the MAC filter passes the joined group only", repr([lines, j, o]))
        g.run(f"net allmulti {net1} on")
        o = send_and_count(other, "224.0.0.252")
        g.run(f"net allmulti {net1} off")
        case(o["ip-not-ours"] == 3, f"{cfg.name}: all-multicast passes any group", repr(o))
    else:
        lines = g.run("net promisc " + net1 + " on")
        case(foreign["not-ours"] == 3 and "no control queue" in " ".join(lines),
             f"{cfg.name}: without a control queue the device stays promiscuous and the stack "
             "filters", repr([foreign, lines]))


def announce_checks(case, g, cfg, peer, qmp, net1):
    peer.clear()
    qmp.cmd("announce-self", initial=50, max=100, rounds=2, step=50)
    gmac = bytes.fromhex(PEER_NIC_MAC.replace(":", ""))
    garp = peer.wait_for(lambda f, h: f[12:14] == b"\x08\x06" and f[6:12] == gmac and
                         f[28:32] == f[38:42] == socket.inet_aton(np_.GUEST_IP), 5)
    time.sleep(0.5)
    m = re.search(r"(\d+) announces, \d+ resets", "\n".join(g.run("net info " + net1)))
    case(garp is not None and m and int(m.group(1)) >= 1,
         f"{cfg.name}: QMP announce-self: the peer sees a gratuitous ARP, the device its ack",
         f"garp {garp is not None}, {m and m.group(0)}")


def bench_checks(case, g, cfg, peer, net1):
    lines = g.run(f"net bench {np_.PEER_IP} {np_.BENCH_PORT} 1 64", timeout=30)
    text = "\n".join(lines)
    end = time.time() + 5  # the peer works through its backlog
    while peer.bench_tx_end is None and time.time() < end:
        time.sleep(0.1)
    tx = re.search(r"tx (\d+) datagrams", text)
    rx = re.search(r"rx (\d+) datagrams.*the peer sent (\d+)", text)
    ok = tx and rx and int(tx.group(1)) > 0 and peer.bench_tx_end == int(tx.group(1)) and \
        0 < peer.bench_rx <= int(tx.group(1)) and 0 < int(rx.group(1)) <= int(rx.group(2))
    # A failure says where each side stood: the guest's rings (net info)
    # and the peer's blast.
    detail = "" if ok else "; " + " | ".join(g.run("net info " + net1))
    case(bool(ok), f"{cfg.name}: net bench runs both ways against the peer, counts agree",
         f"{text!r}, peer counted {peer.bench_rx} of {peer.bench_tx_end}, "
         f"blasted {getattr(peer, 'blast_sent', None)}{detail}")


def mq_checks(case, g, cfg, peer, net1):
    info = "\n".join(g.run("net info " + net1))
    m = re.search(r"queue pairs (\d+) in use of (\d+) \(device offers (\d+)\)", info)
    case(m and m.group(1) == m.group(2) == str(cfg.queues),
         f"{cfg.name}: VQ_PAIRS_SET puts all {cfg.queues} pairs in use", repr(m and m.group(0)))
    frames = [peer.udp_to_guest(20000 + i * 7, 9200, b"flow %d" % i) for i in range(48)]
    echoed, seen, summary = echo_with_peer(g, peer, 9200, frames, 1)
    info = "\n".join(g.run("net info " + net1))
    pairs = [(int(a), int(b)) for a, b in re.findall(r"pair \d+: rx (\d+) frames, tx (\d+)", info)]
    busy_rx = sum(1 for r, _ in pairs if r)
    busy_tx = sum(1 for _, t in pairs if t)
    case(echoed == 48 and len(seen) == 48 and busy_rx >= 2 and busy_tx >= 2,
         f"{cfg.name}: 48 flows spread over {busy_rx} receive queues, answered on {busy_tx} "
         "transmit queues", f"{summary!r}, pairs {pairs}")


def offload_checks(case, g, cfg, peer, net1):
    """Over the tap the peer sees (and sets) each frame's virtio_net_hdr."""
    data = b"offload check " * 10
    part = peer.udp_to_guest(30000, 9300, data)
    # a partial checksum from the host: the field holds the pseudo-header sum
    ip_end = 14 + 20
    pseudo = np_.pseudo(socket.inet_aton(np_.PEER_IP), socket.inet_aton(np_.GUEST_IP), 17,
                        8 + len(data))
    psum = np_.fold(sum(struct.unpack("!%dH" % (len(pseudo) // 2), pseudo)))
    partial = part[:ip_end + 6] + struct.pack("!H", psum) + part[ip_end + 8:]
    hdr_partial = struct.pack("<BBHHHH", np_.NEEDS_CSUM, 0, 0, 0, ip_end, 6)
    bad = peer.udp_to_guest(30001, 9300, data, bad_csum=True)
    hdr_valid = struct.pack("<BBHHHH", np_.DATA_VALID, 0, 0, 0, 0, 0)
    before = g.counters(net1)
    echoed, seen, summary = echo_with_peer(g, peer, 9300, [(partial, hdr_partial),
                                                           (bad, hdr_valid)], 1, send_gap=0.1)
    after = g.counters(net1)
    frames = peer.frames
    replies = [(f, h) for _, f, h in frames if len(f) > 42 and f[12:14] == b"\x08\x00" and
               f[23] == 17 and struct.unpack("!H", f[34:36])[0] == 9300]
    case(len(replies) >= 1 and data in [f[42:] for f, _ in replies],
         f"{cfg.name}: a datagram with a partial checksum (NEEDS_CSUM) is taken and echoed",
         f"{summary!r}")
    good = True
    for f, h in replies:
        flags, _, _, _, start, off = struct.unpack("<BBHHHH", h)
        udp_part = f[34:34 + struct.unpack("!H", f[38:40])[0]]
        if cfg.csum:
            # CSUM negotiated: the driver left the sum to the device; the
            # tap passes it on as NEEDS_CSUM at the UDP header.  Completing
            # it must give a checksum that verifies.
            done = np_.csum(udp_part)
            full = udp_part[:6] + struct.pack("!H", done) + udp_part[8:]
            ok = flags & np_.NEEDS_CSUM and start == 34 and off == 6 and \
                np_.csum(pseudo_for(f) + full) == 0
        else:
            ok = not flags & np_.NEEDS_CSUM and np_.csum(pseudo_for(f) + udp_part) == 0
        good &= bool(ok)
    case(replies and good, f"{cfg.name}: the guest's datagrams carry " +
         ("a partial checksum the device completes right (NEEDS_CSUM at 34+6)" if cfg.csum
          else "a full checksum (no NEEDS_CSUM without CSUM)"),
         repr([h.hex() for _, h in replies]))
    moved = after.get("udp-checksum", 0) - before.get("udp-checksum", 0)
    # DATA_VALID on a bad checksum: believed only with GUEST_CSUM.  The
    # host kernel may not pass the flag on; then the frame is verified.
    bad_echoed = any(f[42:] == data and struct.unpack("!H", f[36:38])[0] == 30001
                     for f, _ in replies)
    if cfg.csum:
        case((bad_echoed and moved == 0) or (not bad_echoed and moved == 1),
             f"{cfg.name}: a bad checksum under DATA_VALID: " +
             ("trusted and echoed (GUEST_CSUM)" if bad_echoed else
              "the host kernel dropped the flag, so it was verified and dropped"),
             f"echoed {bad_echoed}, udp-checksum +{moved}")
    else:
        case(not bad_echoed and moved == 1, f"{cfg.name}: without GUEST_CSUM a DATA_VALID flag "
             "is not believed: the bad checksum is dropped", f"echoed {bad_echoed}, +{moved}")


def pseudo_for(f):
    return np_.pseudo(f[26:30], f[30:34], 17, struct.unpack("!H", f[38:40])[0])


# Bad input with a device present: each one line naming what was wrong.
BAD = [
    ("ping 10.0.2", "'10.0.2' is not an IPv4 address"),
    ("ping 10.0.2.2 0", "COUNT must be 1..1000"),
    ("udp echo 0", "PORT must be 1..65535"),
    ("udp send 10.0.2.2 99999 x", "PORT must be 1..65535"),
    ("net info net9", "no interface named 'net9'"),
    ("net promisc {net1} maybe", "neither on nor off"),
    ("net mcast {net1} 02:00:00:00:00:01", "not a group"),
    ("net mcast {net1} 01:00:5e", "not a MAC address"),
    ("net bench 192.168.77.1 9000 1 8", "SIZE must be 16..1472"),
    ("ping 10.0.2.99 1", "10.0.2.99 does not answer ARP"),
]


def bad_input_checks(case, g, cfg, net1):
    for cmd, want in BAD:
        cmd = cmd.format(net1=net1)
        lines = g.run(cmd)
        case(len(lines) == 1 and want in lines[0], f"{cfg.name}: {cmd!r} -> one line with "
             f"{want!r}", repr(lines))


def run_selftest(case, kernel):
    """The self-test suite "net" with a DHCP server and a gateway on the link."""
    argv = ["-machine", "virt", "-bios", "default", "-nographic", "-m", "256M", "-kernel", kernel,
            "-global", "virtio-mmio.force-legacy=false", "-append", "selftest net-online",
            "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0"]
    try:
        out = subprocess.run(["qemu-system-riscv64"] + argv, capture_output=True, text=True,
                             timeout=60)
        log, rc = out.stdout, out.returncode
    except subprocess.TimeoutExpired:
        log, rc = "", -1
    cases = re.findall(r"\[PASS\] (net0?: [^\n]*)", log)
    case(rc == 0 and len(cases) == 5, "selftest: boot with `selftest net-online` exits 0 with "
         "the suite's 5 net cases passed", f"exit {rc}, {cases}")


# ---- one configuration ----------------------------------------------------------


def run_config(case, cfg, kernel, work):
    hostport = np_.free_udp_port()
    qmp_path = os.path.join(work, cfg.name + ".qmp")
    props = ("," + cfg.props) if cfg.props else ""
    tap = cfg.tap and np_.tap_possible()
    argv = ["-global", "virtio-mmio.force-legacy=" + ("true" if cfg.legacy else "false"),
            "-qmp", f"unix:{qmp_path},server=on,wait=off"]
    tapname = None
    if tap:
        tapname = "vdnet%d" % (os.getpid() % 10000)
        q = f",queues={cfg.queues}" if cfg.queues > 1 else ""
        argv += ["-netdev", f"tap,id=n1,ifname={tapname},script=no,downscript=no{q}"]
    else:
        if cfg.tap:
            print(f"[NOTE] net: {cfg.name}: no tap here (needs root and /dev/net/tun): the "
                  "peer NIC uses -netdev dgram, offload and multiqueue checks are skipped")
        a, b = np_.free_udp_port(), np_.free_udp_port()
        argv += ["-netdev", f"dgram,id=n1,local.type=inet,local.host=127.0.0.1,local.port={b},"
                 f"remote.type=inet,remote.host=127.0.0.1,remote.port={a}"]
    # mmio: the first -device takes the highest slot, and the kernel names
    # NICs in address order; PCI the other way round.  Their MACs tell.
    argv += ["-device", f"{cfg.device},netdev=n1,mac={PEER_NIC_MAC}{props}",
             "-netdev", f"user,id=n0,hostfwd=udp:127.0.0.1:{hostport}-:{ECHO_PORT}",
             "-device", f"{cfg.device},netdev=n0,mac={USER_MAC}{props}"]
    peer = None if tap else np_.Peer(np_.DgramLink(a, b))
    g = Guest(kernel, argv)
    try:
        if tap:
            np_.tap_up(tapname)
            peer = np_.Peer(np_.TapLink(tapname))
        qmp = Qmp(qmp_path)
        net0, net1 = iface_of(g, USER_MAC), iface_of(g, PEER_NIC_MAC)
        case(net0 and net1, f"{cfg.name}: both NICs come up", repr(g.boot_log[-400:]))
        if not (net0 and net1):
            return
        user_checks(case, g, cfg, hostport, qmp, net0)
        peer_setup_checks(case, g, cfg, peer, net1)
        malformed_checks(case, g, cfg, peer, net1)
        burst_checks(case, g, cfg, peer, net1)
        if cfg.full or not cfg.ctrl:
            filter_checks(case, g, cfg, peer, net1)
        if cfg.full:
            bad_input_checks(case, g, cfg, net1)
            announce_checks(case, g, cfg, peer, qmp, net1)
            bench_checks(case, g, cfg, peer, net1)
        if tap and cfg.queues > 1:
            mq_checks(case, g, cfg, peer, net1)
        if tap:
            offload_checks(case, g, cfg, peer, net1)
        g.c.sendline("poweroff")
        g.c.expect(pexpect.EOF, timeout=10)
    except (pexpect.TIMEOUT, pexpect.EOF) as e:
        case(False, f"{cfg.name}: session", f"{type(e).__name__}; last output "
             f"{g.c.before[-400:]!r}")
    finally:
        g.close()
        if peer:
            peer.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", default="build/kernel.elf")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    if a.list:
        for c in CONFIGS:
            print(c.name)
        return 0
    case = Cases("net")
    with tempfile.TemporaryDirectory(prefix="vdisk-net-") as work:
        for cfg in CONFIGS:
            if a.only and cfg.name not in a.only:
                continue
            t0 = time.time()
            if cfg.name == "selftest":
                run_selftest(case, a.kernel)
            else:
                run_config(case, cfg, a.kernel, work)
            print(f"net: {cfg.name} took {time.time() - t0:.1f} s", flush=True)
    return case.finish()


if __name__ == "__main__":
    sys.exit(main())
