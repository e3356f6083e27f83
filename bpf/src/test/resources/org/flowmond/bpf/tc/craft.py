#!/usr/bin/env python3
"""Sends hand-built Ethernet frames for the TC parser test, through an AF_PACKET socket with a
virtio_net_hdr whose hdr_len is 14. Frames longer than a page (the interface needs an MTU
above 5,100) then have only the Ethernet header in the skb's linear area; the IP and transport
headers sit in page fragments (as with trafgen), so a parser that read them with direct packet
access would miss them.

    craft.py IFNAME DST_MAC SRC4 DST4 SRC6 DST6    sends frame kind i (i+1) times and prints, per
                                                   kind, "NAME COUNT IP_BYTES" (IP_BYTES: the IP
                                                   length field, or the L3 length for non-IP)
"""
import socket
import struct
import sys

SOL_PACKET = 263
PACKET_VNET_HDR = 15
BIG = b"." * 5000  # makes a frame longer than a page: headers leave the linear area


def ipv4(src, dst, proto, payload, options=b"", frag=0, tot_len=None):
    ihl = 5 + len(options) // 4
    tot = tot_len if tot_len is not None else 4 * ihl + len(payload)
    return struct.pack("!BBHHHBBH4s4s", (4 << 4) | ihl, 0, tot, 0, frag, 64, proto, 0,
                       socket.inet_pton(socket.AF_INET, src), socket.inet_pton(socket.AF_INET, dst)) + options + payload


def ipv6(src, dst, nexthdr, payload):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nexthdr, 64,
                       socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)) + payload


def ext(nexthdr):
    return bytes([nexthdr, 0]) + bytes([1, 4, 0, 0, 0, 0])  # 8 bytes: PadN option


def frag(nexthdr, offset, more):
    return struct.pack("!BBHI", nexthdr, 0, (offset << 3) | more, 1234)


def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def tcp(sport, dport, flags9):
    return struct.pack("!HHIIBBHHH", sport, dport, 1, 0, (5 << 4) | (flags9 >> 8), flags9 & 0xFF, 1000, 0, 0)


def frames(a):
    """(name, ethertype-and-tags, L3 bytes) in order; the test knows the same list."""
    s4, d4, s6, d6 = a
    tag = lambda tci, inner: struct.pack("!HH", tci, inner)
    return [
        ("ipv4-options-udp", struct.pack("!H", 0x0800), ipv4(s4, d4, 17, udp(1111, 2222, BIG), options=b"\x01" * 4)),
        ("ipv6-ext-tcp", struct.pack("!H", 0x86DD), ipv6(s6, d6, 0, ext(60) + ext(6) + tcp(3333, 4444, 0x142) + BIG)),
        ("ipv6-first-fragment", struct.pack("!H", 0x86DD), ipv6(s6, d6, 44, frag(17, 0, 1) + udp(5001, 5002, BIG))),
        ("ipv6-later-fragment", struct.pack("!H", 0x86DD), ipv6(s6, d6, 44, frag(17, 100, 0) + BIG)),
        ("ipv4-later-fragment", struct.pack("!H", 0x0800), ipv4(s4, d4, 17, BIG, frag=100)),
        ("vlan-sctp", struct.pack("!H", 0x8100) + tag(100, 0x0800),
         ipv4(s4, d4, 132, struct.pack("!HHII", 5555, 6666, 0, 0) + BIG)),
        ("qinq-icmp", struct.pack("!H", 0x88A8) + tag(200, 0x8100) + tag(300, 0x0800),
         ipv4(s4, d4, 1, struct.pack("!BBHHH", 8, 0, 0, 7, 1) + BIG)),
        ("non-ip", struct.pack("!H", 0x88B5), BIG),
        ("truncated-tcp", struct.pack("!H", 0x0800), ipv4(s4, d4, 6, struct.pack("!HH", 7777, 8888), tot_len=40)),
        ("ipv6-long-chain", struct.pack("!H", 0x86DD), ipv6(s6, d6, 60, b"".join(ext(60) for _ in range(6)) + ext(17)
                                                              + udp(9001, 9002, BIG))),
    ]


def main():
    ifname, dst_mac = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", ""))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
    s.bind((ifname, 0))
    src_mac = s.getsockname()[4]
    # virtio_net_hdr: flags 0, gso_type NONE, hdr_len 14 (linear part), gso_size/csum 0
    vnet = struct.pack("<BBHHHH", 0, 0, 14, 0, 0, 0)
    for i, (name, l2type, l3) in enumerate(frames(sys.argv[3:7])):
        for _ in range(i + 1):
            s.send(vnet + dst_mac + src_mac + l2type + l3)
        print(name, i + 1, ip_bytes(l2type, l3))
    s.close()


def ip_bytes(l2type, l3):
    inner = struct.unpack_from("!H", l2type, len(l2type) - 2)[0]
    if inner == 0x0800:
        return struct.unpack_from("!H", l3, 2)[0]
    if inner == 0x86DD:
        return 40 + struct.unpack_from("!H", l3, 4)[0]
    return len(l3)


if __name__ == "__main__":
    main()
