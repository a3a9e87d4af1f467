#!/usr/bin/env python3
"""A host-side Ethernet peer for the kernel's network stack.

It sits on the far end of one guest NIC and speaks raw Ethernet frames:
over a local UDP socket for QEMU's `-netdev dgram` (each datagram one
frame), or over an AF_PACKET socket on a tap interface (`-netdev tap`),
where the kernel's virtio_net_hdr comes along (PACKET_VNET_HDR) so the
checksum-offload state of every frame can be checked and set.

What it does, in a background thread:
  - answers ARP for its address and ICMP echo requests;
  - is a DHCP server handing out GUEST_IP, checking each DISCOVER and
    REQUEST it gets (transaction, hardware address, broadcast flag);
  - speaks the benchmark protocol of kernel/net/bench.h on BENCH_PORT;
  - keeps every frame it receives for the test to inspect.
And for the test, on demand: builds well-formed and malformed frames
(runts, frames over the MTU, bad checksums, fragments, truncated headers,
foreign destinations, multicast) and sends them, one by one or in bursts.

    netpeer.py --local PORT --remote PORT     run as a peer until killed
"""
import argparse
import os
import socket
import struct
import threading
import time

PEER_MAC = bytes.fromhex("020000770001")
PEER_IP = "192.168.77.1"
GUEST_IP = "192.168.77.2"
NETMASK = "255.255.255.0"
LEASE_S = 3600
BENCH_PORT = 9000
BROADCAST = b"\xff" * 6

ETH_P_ALL = 0x0003
ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
SOL_PACKET = 263
PACKET_VNET_HDR = 15
VNET_HDR_LEN = 10  # what a packet socket with PACKET_VNET_HDR prepends
NEEDS_CSUM = 1
DATA_VALID = 2


def ip_bytes(s):
    return socket.inet_aton(s)


def csum(data):
    """RFC 1071, complemented."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def fold(data_sum):
    while data_sum >> 16:
        data_sum = (data_sum & 0xFFFF) + (data_sum >> 16)
    return data_sum


def pseudo(src, dst, proto, length):
    return src + dst + struct.pack("!BBH", 0, proto, length)


def free_udp_port():
    """A local UDP port nobody uses right now (for QEMU's side of a dgram link)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def mac_str(m):
    return ":".join("%02x" % b for b in m)


# ---- frame builders -------------------------------------------------------


def eth(dst, src, etype, payload):
    return dst + src + struct.pack("!H", etype) + payload


def ipv4(src, dst, proto, payload, ident=1, frag=0x4000, ttl=64, total=None, bad_csum=False,
         ihl=5):
    total = 20 + len(payload) if total is None else total
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total, ident, frag, ttl, proto, 0,
                    ip_bytes(src), ip_bytes(dst))
    c = csum(h)
    if bad_csum:
        c ^= 0x5A5A
    return h[:10] + struct.pack("!H", c) + h[12:] + payload


def udp(src, dst, sport, dport, data, bad_csum=False, length=None, csum_field=None):
    length = 8 + len(data) if length is None else length
    h = struct.pack("!HHHH", sport, dport, length, 0)
    c = csum(pseudo(ip_bytes(src), ip_bytes(dst), 17, 8 + len(data)) + h + data) or 0xFFFF
    if bad_csum:
        c ^= 0x1234
    if csum_field is not None:
        c = csum_field
    return h[:6] + struct.pack("!H", c) + data


def icmp_echo(kind, ident, seq, data, bad_csum=False):
    h = struct.pack("!BBHHH", kind, 0, 0, ident, seq)
    c = csum(h + data)
    if bad_csum:
        c ^= 0x0F0F
    return h[:2] + struct.pack("!H", c) + h[4:] + data


def arp(oper, sha, spa, tha, tpa):
    return struct.pack("!HHBBH6s4s6s4s", 1, ETH_P_IP, 6, 4, oper, sha, ip_bytes(spa), tha,
                       ip_bytes(tpa))


# ---- transports -----------------------------------------------------------


class DgramLink:
    """QEMU -netdev dgram: we bind `local`, QEMU listens on `remote`."""
    vnet_hdr = False

    def __init__(self, local, remote):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind(("127.0.0.1", local))
        self.remote = ("127.0.0.1", remote)

    def send(self, frame, hdr=None):
        self.sock.sendto(frame, self.remote)

    def recv(self, timeout):
        self.sock.settimeout(timeout)
        try:
            return self.sock.recv(65536), None
        except socket.timeout:
            return None, None

    def close(self):
        self.sock.close()


class TapLink:
    """A tap interface QEMU made (-netdev tap): frames through a packet
    socket, each with the kernel's virtio_net_hdr in front.  A packet
    socket cannot send a frame shorter than an Ethernet header."""
    vnet_hdr = True

    def __init__(self, ifname):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.sock.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind((ifname, ETH_P_ALL))

    def send(self, frame, hdr=None):
        self.sock.send((hdr or bytes(VNET_HDR_LEN)) + frame)

    def recv(self, timeout):
        self.sock.settimeout(timeout)
        while True:
            try:
                data, addr = self.sock.recvfrom(65536 + VNET_HDR_LEN)
            except socket.timeout:
                return None, None
            except OSError:  # the interface bounced (ENETDOWN): keep listening
                time.sleep(0.05)
                return None, None
            if addr[2] != socket.PACKET_OUTGOING:  # not our own sends
                return data[VNET_HDR_LEN:], data[:VNET_HDR_LEN]

    def close(self):
        self.sock.close()


def tap_up(ifname, timeout=10):
    """Wait for QEMU's tap, keep the host's IPv6 off it (no noise for the
    guest), bring it up."""
    end = time.time() + timeout
    while not os.path.exists("/sys/class/net/" + ifname):
        if time.time() > end:
            raise RuntimeError("tap %s never appeared" % ifname)
        time.sleep(0.05)
    try:
        with open("/proc/sys/net/ipv6/conf/%s/disable_ipv6" % ifname, "w") as f:
            f.write("1")
    except OSError:
        pass
    # a large MTU: frames over the guest's MTU must get through the tap
    os.system("ip link set dev %s mtu 9000 up" % ifname)


def tap_possible():
    return os.geteuid() == 0 and os.path.exists("/dev/net/tun") and os.system(
        "command -v ip >/dev/null") == 0


# ---- the peer ---------------------------------------------------------------


class Peer:
    def __init__(self, link):
        self.link = link
        self.frames = []          # (time, frame, vnet hdr or None): everything received
        self.lock = threading.Lock()
        self.guest_mac = None
        self.dhcp_log = []        # (message type, problems) per client message
        self.bench_rx = 0         # "VDTX" datagrams counted
        self.bench_tx_end = None  # the guest's "VDTE" count
        self.blasting = False
        self.udp_seen = []        # (sport, dport, payload) for the test
        self.stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def close(self):
        self.stop = True
        self.thread.join(2)
        self.link.close()

    # -- sending

    def send(self, frame, hdr=None):
        self.link.send(frame, hdr)

    def to_guest(self, payload_ip, dst_mac=None):
        return eth(dst_mac or self.guest_mac or BROADCAST, PEER_MAC, ETH_P_IP, payload_ip)

    def udp_to_guest(self, sport, dport, data, **kw):
        ip_kw = {k: kw.pop(k) for k in list(kw) if k in ("frag", "total", "ihl", "ident")}
        dst_mac = kw.pop("dst_mac", None)
        dst_ip = kw.pop("dst_ip", GUEST_IP)
        bad_ip = kw.pop("bad_ip_csum", False)
        u = udp(PEER_IP, dst_ip, sport, dport, data, **kw)
        return self.to_guest(ipv4(PEER_IP, dst_ip, 17, u, bad_csum=bad_ip, **ip_kw), dst_mac)

    # -- receiving

    def wait_for(self, pred, timeout):
        """The first received frame (since the start) pred(frame, hdr) accepts."""
        end = time.time() + timeout
        while time.time() < end:
            with self.lock:
                for _, f, h in self.frames:
                    if pred(f, h):
                        return f, h
            time.sleep(0.02)
        return None

    def clear(self):
        with self.lock:
            self.frames = []
            self.udp_seen = []

    def _run(self):
        while not self.stop:
            frame, hdr = self.link.recv(0.1)
            if frame is None or len(frame) < 14:
                continue
            with self.lock:
                if len(self.frames) < 100000:
                    self.frames.append((time.time(), frame, hdr))
            try:
                self._handle(frame, hdr)
            except (struct.error, IndexError):
                pass

    def _handle(self, f, hdr):
        etype = struct.unpack("!H", f[12:14])[0]
        src_mac = f[6:12]
        if etype == ETH_P_ARP:
            op, sha, spa, tpa = struct.unpack("!6xH6s4s6x4s", f[14:42])
            if op == 1 and tpa == ip_bytes(PEER_IP):
                self.send(eth(sha, PEER_MAC, ETH_P_ARP, arp(2, PEER_MAC, PEER_IP, sha,
                                                            socket.inet_ntoa(spa))))
            return
        if etype != ETH_P_IP:
            return
        ip = f[14:]
        ihl = (ip[0] & 15) * 4
        proto = ip[9]
        src, dst = ip[12:16], ip[16:20]
        l4 = ip[ihl:struct.unpack("!H", ip[2:4])[0]]
        if proto == 1 and l4[0] == 8 and dst == ip_bytes(PEER_IP):
            ident, seq = struct.unpack("!HH", l4[4:8])
            reply = icmp_echo(0, ident, seq, l4[8:])
            self.send(eth(src_mac, PEER_MAC, ETH_P_IP,
                          ipv4(PEER_IP, socket.inet_ntoa(src), 1, reply)))
        elif proto == 17:
            sport, dport = struct.unpack("!HH", l4[:4])
            data = l4[8:]
            if dport == 67:
                self._dhcp(src_mac, data)
            elif dport == BENCH_PORT:
                self._bench(src_mac, socket.inet_ntoa(src), sport, data)
            else:
                with self.lock:
                    self.udp_seen.append((sport, dport, data))

    # -- DHCP server

    def _dhcp(self, mac, m):
        problems = []
        if m[0] != 1 or m[1] != 1 or m[2] != 6:
            problems.append("op/htype/hlen %d/%d/%d" % (m[0], m[1], m[2]))
        if m[28:34] != mac:
            problems.append("chaddr %s is not the frame's source %s" % (mac_str(m[28:34]),
                                                                        mac_str(mac)))
        if not struct.unpack("!H", m[10:12])[0] & 0x8000:
            problems.append("no broadcast flag")
        if m[236:240] != b"\x63\x82\x53\x63":
            problems.append("no magic cookie")
        opts, i = {}, 240
        while i < len(m) and m[i] != 255:
            if m[i] == 0:
                i += 1
                continue
            opts[m[i]] = m[i + 2:i + 2 + m[i + 1]]
            i += 2 + m[i + 1]
        kind = opts.get(53, b"\0")[0]
        if kind == 3 and opts.get(50) != ip_bytes(GUEST_IP):
            problems.append("REQUEST for %r, not the offered address" % opts.get(50))
        self.dhcp_log.append((kind, problems))
        if kind not in (1, 3):
            return
        self.guest_mac = mac
        reply = bytearray(240)
        reply[0:4] = b"\x02\x01\x06\x00"
        reply[4:8] = m[4:8]
        reply[10:12] = m[10:12]
        reply[16:20] = ip_bytes(GUEST_IP)
        reply[20:24] = ip_bytes(PEER_IP)
        reply[28:44] = m[28:44]
        reply[236:240] = b"\x63\x82\x53\x63"
        reply += bytes([53, 1, 2 if kind == 1 else 5, 54, 4]) + ip_bytes(PEER_IP)
        reply += bytes([1, 4]) + ip_bytes(NETMASK) + bytes([51, 4]) + struct.pack("!I", LEASE_S)
        reply += bytes([255])
        u = udp(PEER_IP, "255.255.255.255", 67, 68, bytes(reply))
        self.send(eth(BROADCAST, PEER_MAC, ETH_P_IP, ipv4(PEER_IP, "255.255.255.255", 17, u)))

    # -- the benchmark protocol (kernel/net/bench.h)

    def _bench(self, mac, src, sport, data):
        tag = data[:4]
        if tag == b"VDTX":
            self.bench_rx += 1
        elif tag == b"VDTE":
            self.bench_tx_end = struct.unpack("!I", data[4:8])[0]
        elif tag == b"VDRX" and not self.blasting:
            secs, size, port = struct.unpack("!III", data[4:16])
            self.blasting = True
            threading.Thread(target=self._blast, args=(mac, src, port, secs, size),
                             daemon=True).start()

    def _blast(self, mac, dst, port, secs, size):
        head = eth(mac, PEER_MAC, ETH_P_IP, b"")
        n, end = 0, time.time() + secs
        frames = []
        for k in range(64):  # prebuilt: the peer must outrun the guest
            body = b"VDRB" + struct.pack("!I", k) + bytes(size - 8)
            frames.append(head + ipv4(PEER_IP, dst, 17, udp(PEER_IP, dst, BENCH_PORT, port, body)))
        while time.time() < end:
            for fr in frames:
                try:
                    self.send(fr)
                    n += 1
                except OSError:  # a full socket buffer: try the next one
                    time.sleep(0.0001)
        time.sleep(0.2)
        body = b"VDRE" + struct.pack("!I", n) + bytes(size - 8)
        for _ in range(3):
            self.send(head + ipv4(PEER_IP, dst, 17, udp(PEER_IP, dst, BENCH_PORT, port, body)))
            time.sleep(0.05)
        self.blast_sent = n
        self.blasting = False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--local", type=int, required=True, help="our UDP port (QEMU's remote)")
    ap.add_argument("--remote", type=int, required=True, help="QEMU's UDP port (its local)")
    a = ap.parse_args()
    p = Peer(DgramLink(a.local, a.remote))
    print("netpeer: %s %s on 127.0.0.1:%d" % (mac_str(PEER_MAC), PEER_IP, a.local), flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        p.close()


if __name__ == "__main__":
    main()
