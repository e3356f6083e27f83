#!/usr/bin/env python3
"""UDP both ways through a tun device (no link-layer header, ARPHRD_NONE).

usage: tunflows.py DEV LOCAL PEER COUNT PAYLOAD
Attaches to the tun device DEV (made with `ip tuntap add DEV mode tun`, address LOCAL, up) and
  - writes COUNT IPv4 UDP datagrams PEER:7000 -> LOCAL:7001 of PAYLOAD bytes into it: the kernel
    receives them on DEV (TC ingress);
  - sends COUNT datagrams LOCAL:7002 -> PEER:7003 of PAYLOAD bytes from a socket: they leave
    through DEV (TC egress) and are read back from the tun descriptor, so all of them passed.
Prints "sent COUNT COUNT" when done.
"""
import fcntl
import os
import select
import socket
import struct
import sys

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def udp_datagram(src, dst, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + udp


def main():
    dev, local, peer, count, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", dev.encode(), IFF_TUN | IFF_NO_PI))
    payload = b"x" * size
    for _ in range(count):
        os.write(fd, udp_datagram(peer, local, 7000, 7001, payload))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((local, 7002))
    out = 0
    for _ in range(count):
        s.sendto(payload, (peer, 7003))
    while out < count:
        if not select.select([fd], [], [], 5)[0]:
            sys.exit("only %d of %d datagrams came out of %s" % (out, count, dev))
        packet = os.read(fd, 65536)
        if packet[9] == 17 and struct.unpack("!H", packet[22:24])[0] == 7003:
            out += 1
    print("sent", count, out)


main()
