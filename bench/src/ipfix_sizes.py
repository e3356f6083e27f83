#!/usr/bin/env python3
"""Sends one IPFIX template, then one data message per COUNT (records of 24 octets: source and
destination IPv4 address, octets, packets; each message's records share a second octet of the
source address: 10.<i>.x.y for the i-th message), printing each message's size.

usage: ipfix_sizes.py HOST PORT COUNT [COUNT...]
"""
import socket
import struct
import sys
import time


def message(seq, body):
    return struct.pack("!HHIII", 10, 16 + len(body), int(time.time()), seq, 1) + body


host, port, counts = sys.argv[1], int(sys.argv[2]), [int(c) for c in sys.argv[3:]]
template = struct.pack("!HH", 256, 4) + struct.pack("!HHHHHHHH", 8, 4, 12, 4, 1, 8, 2, 8)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(message(0, struct.pack("!HH", 2, 4 + len(template)) + template), (host, port))
seq = 0
for i, n in enumerate(counts, start=1):
    records = b"".join(struct.pack("!4s4sQQ", bytes([10, i, r >> 8, r & 255]), bytes([10, 99, 0, 1]), 100, 1)
                       for r in range(n))
    m = message(seq, struct.pack("!HH", 256, 4 + len(records)) + records)
    print("10.%d: %d records in %d octets" % (i, n, len(m)))
    s.sendto(m, (host, port))
    seq += n
    time.sleep(0.5)
