#!/usr/bin/env python3
"""UDP both ways through a tun device (no link-layer header, ARPHRD_NONE).

usage: tunflows.py DEV LOCAL PEER COUNT PAYLOAD
Attaches to the tun device DEV (made with `ip tuntap add DEV mode tun`, address LOCAL, up) and
  - writes COUNT IPv4 UDP datagrams PEER:7000 -> LOCAL:7001 of PAYLOAD bytes into it: the kernel
    receives them on DEV (TC ingress);
  - sends COUNT datagrams LOCAL:7002 -> PEER:7003 of PAYLOAD bytes from a socket: they leave
    through DEV (TC egress) and are read back from the tun descriptor, so all of them passed.
Prints "sent COUNT COUNT" when done.

Before either, a probe LOCAL:7008 -> PEER:7009 is sent until one comes out of the descriptor: the
kernel turns the device's carrier on when the descriptor attaches, but activates its queue later,
from a work item (linkwatch) that waits for the rtnl lock; until then the device discards what it
is given, silently. On a loaded machine that wait outlasted all COUNT datagrams once.
"""
import fcntl
import os
import select
import socket
import struct
import subprocess
import sys
import time

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


def udp_port(packet):
    """The destination port of an IPv4 UDP packet, or None for anything else."""
    if len(packet) < 24 or packet[0] >> 4 != 4 or packet[9] != 17:
        return None
    header = (packet[0] & 0x0F) * 4
    return struct.unpack("!H", packet[header + 2:header + 4])[0]


def wait_until_it_transmits(fd, local, peer, seconds=10):
    """Sends probes to PEER:7009 until one comes out of the tun descriptor."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    probe.bind((local, 7008))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        probe.sendto(b"probe", (peer, 7009))
        while select.select([fd], [], [], 0.05)[0]:
            if udp_port(os.read(fd, 65536)) == 7009:
                probe.close()
                return
    fail("no probe came out of the device in %d s" % seconds)


def fail(message):
    """Exits with the message and what the kernel says of the device, for the test's report."""
    dev = sys.argv[1]
    for command in (["ip", "-s", "-d", "link", "show", "dev", dev], ["tc", "-s", "qdisc", "show", "dev", dev],
                    ["grep", "-A1", "^Udp:", "/proc/net/snmp"]):
        report = subprocess.run(command, capture_output=True, text=True)
        sys.stderr.write("$ %s\n%s%s" % (" ".join(command), report.stdout, report.stderr))
    sys.exit(message)


def main():
    dev, local, peer, count, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", dev.encode(), IFF_TUN | IFF_NO_PI))
    wait_until_it_transmits(fd, local, peer)
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
            fail("only %d of %d datagrams came out of %s" % (out, count, dev))
        if udp_port(os.read(fd, 65536)) == 7003:
            out += 1
    print("sent", count, out)


main()
