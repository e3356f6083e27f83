#!/usr/bin/env python3
"""Sends frames that carry no IP addresses, through an AF_PACKET socket, for the TC test of the
per-EtherType count: ARP requests, LLDP, 802.3 frames with an LLC header (the kernel names them
ETH_P_802_2 = 0x0004), IPv4 frames too short for an IP header, and one frame of each of N
made-up EtherTypes 0x9000, 0x9001, ... (to fill the map past its 64 types).

    l2frames.py IFNAME DST_MAC N    prints "ETHERTYPE COUNT L3_BYTES" per kind (hex EtherType)
"""
import socket
import struct
import sys


def arp_request(src_mac):
    # who-has 10.255.255.1 tell 10.255.255.2: addresses nobody in the test uses, so nobody answers
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, src_mac, bytes([10, 255, 255, 2]),
                       b"\0" * 6, bytes([10, 255, 255, 1]))


def main():
    ifname, dst_mac, n = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", "")), int(sys.argv[3])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    s.bind((ifname, 0))
    src_mac = s.getsockname()[4]
    llc = b"\xaa\xaa\x03" + b"\0" * 43
    kinds = [
        (0x0806, 3, struct.pack("!H", 0x0806), arp_request(src_mac)),
        (0x88CC, 5, struct.pack("!H", 0x88CC), b"\x02\x07\x04" + b"\0" * 43),
        (0x0004, 2, struct.pack("!H", len(llc)), llc),                   # 802.3 length field, then LLC
        (0x0800, 4, struct.pack("!H", 0x0800), b"\x45\0\0\x14" + b"\0" * 6),  # 10 bytes: no full IPv4 header
    ] + [(0x9000 + i, 1, struct.pack("!H", 0x9000 + i), b"\0" * 46) for i in range(n)]
    for ethertype, count, l2type, l3 in kinds:
        for _ in range(count):
            s.send(dst_mac + src_mac + l2type + l3)
        print("%04x %d %d" % (ethertype, count, len(l3)))
    s.close()


if __name__ == "__main__":
    main()
