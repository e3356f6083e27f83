#!/usr/bin/env python3
"""Reference capture for the TC flow tests: counts packets and IP bytes per unidirectional
flow and direction on one interface, through an AF_PACKET socket, independently of the BPF
program. Run inside the interface's network namespace.

    flowcap.py IFNAME      prints "ready", counts until stdin closes or says "stop", then prints
                           "drops N", "gso N" (super-packets seen), one line per flow:
                           "flow SRC DST SPORT DPORT PROTO ETHPROTO DIR PACKETS BYTES", and "end"

Counting rules (what flowmond promises; see bpf/README.md "TC flow counting"):
- direction: PACKET_OUTGOING is egress, everything else ingress;
- a GSO super-packet (virtio_net_hdr.gso_type != 0, from PACKET_VNET_HDR) counts as
  ceil(payload / gso_size) wire packets, each repeating the IP + transport headers;
- bytes are IP bytes (the IP length field), or frame length minus L2 header for non-IP;
- ICMP/ICMPv6 type and code stand in for the ports; IPv4 addresses are printed as IPv4.
"""
import ipaddress
import select
import socket
import struct
import sys

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_VNET_HDR = 15
PACKET_STATISTICS = 6
PACKET_OUTGOING = 4
SO_RCVBUFFORCE = 33
VNET_HDR_LEN = 10
VLAN_TYPES = (0x8100, 0x88A8)
IPV6_EXT = (0, 43, 44, 51, 60)


def parse(frame):
    """Returns (key fields, l3_off, l4_off, l4_hdr_len, ip_len, has_l4, jumbo header length)."""
    eth_proto = struct.unpack_from("!H", frame, 12)[0]
    off = 14
    for _ in range(2):
        if eth_proto not in VLAN_TYPES:
            break
        eth_proto = struct.unpack_from("!H", frame, off + 2)[0]
        off += 4
    l3 = off
    src = dst = "::"
    proto, sport, dport, ip_len, l4, has_l4, l4_hdr, jumbo = 0, 0, 0, 0, 0, False, 0, 0
    if eth_proto == 0x0800:
        ihl = frame[l3] & 0x0F
        ip_len = struct.unpack_from("!H", frame, l3 + 2)[0]
        frag = struct.unpack_from("!H", frame, l3 + 6)[0] & 0x1FFF
        proto = frame[l3 + 9]
        src = str(ipaddress.IPv4Address(frame[l3 + 12:l3 + 16]))
        dst = str(ipaddress.IPv4Address(frame[l3 + 16:l3 + 20]))
        l4, has_l4 = l3 + ihl * 4, frag == 0
    elif eth_proto == 0x86DD:
        plen = struct.unpack_from("!H", frame, l3 + 4)[0]
        ip_len = 40 + plen if plen else 0
        proto = frame[l3 + 6]
        src = str(ipaddress.IPv6Address(frame[l3 + 8:l3 + 24]))
        dst = str(ipaddress.IPv6Address(frame[l3 + 24:l3 + 40]))
        l4, has_l4 = l3 + 40, True
        if plen == 0 and proto == 0:
            jumbo = 8  # BIG TCP's hop-by-hop jumbo header: not in the wire segments
        for _ in range(6):
            if proto not in IPV6_EXT:
                break
            nxt, hlen = frame[l4], frame[l4 + 1]
            if proto == 44:
                if struct.unpack_from("!H", frame, l4 + 2)[0] & 0xFFF8:
                    has_l4 = False
                step = 8
            elif proto == 51:
                step = (hlen + 2) * 4
            else:
                step = (hlen + 1) * 8
            proto, l4 = nxt, l4 + step
    if has_l4:
        if proto == 6:
            sport, dport = struct.unpack_from("!HH", frame, l4)
            l4_hdr = (frame[l4 + 12] >> 4) * 4
        elif proto in (17, 132):
            sport, dport = struct.unpack_from("!HH", frame, l4)
            l4_hdr = 8 if proto == 17 else 12
        elif proto in (1, 58):
            sport, dport = frame[l4], frame[l4 + 1]
            l4_hdr = 8
    key = (src, dst, sport, dport, proto, eth_proto)
    return key, l3, l4, l4_hdr, ip_len, has_l4, jumbo


def wire_count(vnet, frame):
    key, l3, l4, l4_hdr, ip_len, has_l4, jumbo = parse(frame)
    _flags, gso_type, _hdr_len, gso_size = struct.unpack_from("<BBHH", vnet, 0)
    l3_total = len(frame) - l3
    if gso_type == 0:
        return key, 1, ip_len if ip_len else l3_total, False
    hdr = (l4 - l3 + l4_hdr) if has_l4 else 0
    payload = l3_total - hdr
    segs = max(1, -(-payload // gso_size))
    return key, segs, payload + segs * (hdr - jumbo), True


def main():
    ifname = sys.argv[1]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    s.bind((ifname, 0))
    flows = {}
    gso = [0]

    def drain(block_on_stdin):
        while True:
            ready, _, _ = select.select([s, sys.stdin] if block_on_stdin else [s], [], [],
                                        None if block_on_stdin else 0)
            if not ready:
                return True
            if s in ready:
                data, addr = s.recvfrom(1 << 20)
                direction = 1 if addr[2] == PACKET_OUTGOING else 0
                key, packets, nbytes, is_gso = wire_count(data[:VNET_HDR_LEN], data[VNET_HDR_LEN:])
                gso[0] += is_gso
                counts = flows.setdefault(key + (direction,), [0, 0])
                counts[0] += packets
                counts[1] += nbytes
            elif sys.stdin in ready:
                line = sys.stdin.readline()
                if not line or line.strip() == "stop":
                    return False

    print("ready", flush=True)
    drain(True)
    drain(False)
    _packets, drops = struct.unpack("II", s.getsockopt(SOL_PACKET, PACKET_STATISTICS, 8))
    lines = ["drops %d" % drops, "gso %d" % gso[0]]
    lines += ["flow " + " ".join(str(x) for x in k + tuple(v)) for k, v in flows.items()]
    print("\n".join(lines + ["end"]), flush=True)


if __name__ == "__main__":
    main()
