#!/usr/bin/env python3
"""Small traffic generators for the TC flow tests (run inside a network namespace).

    traffic.py tcp-sink ADDR PORT             accept one connection, read to EOF, print bytes read
    traffic.py tcp-send ADDR PORT NBYTES      connect, send NBYTES, half-close, wait for EOF
    traffic.py udp-send ADDR PORT COUNT SIZE [SPORT]  COUNT datagrams of SIZE payload bytes
                                              (SO_REUSEPORT: several senders may share SPORT)
    traffic.py udp-ports ADDR BASEPORT COUNT  one 16-byte datagram to each of COUNT ports
    traffic.py udp-flood ADDR PORT SECONDS SIZE  as many datagrams as possible, prints the count
"""
import socket
import sys
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def tcp_sink(addr, port):
    srv = socket.socket(family(addr), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, int(port)))
    srv.listen(1)
    print("listening", flush=True)
    conn, _ = srv.accept()
    total = 0
    while True:
        chunk = conn.recv(1 << 16)
        if not chunk:
            break
        total += len(chunk)
    conn.close()
    srv.close()
    print(total, flush=True)


def tcp_send(addr, port, nbytes):
    c = socket.create_connection((addr, int(port)))
    left = int(nbytes)
    block = b"x" * (1 << 16)
    while left > 0:
        n = c.send(block[:min(left, len(block))])
        left -= n
    c.shutdown(socket.SHUT_WR)
    while c.recv(4096):
        pass
    c.close()


def udp_send(addr, port, count, size, sport=0):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind(("::" if ":" in addr else "0.0.0.0", int(sport)))
    payload = b"u" * int(size)
    for _ in range(int(count)):
        s.sendto(payload, (addr, int(port)))
    s.close()


def udp_ports(addr, base, count):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    for p in range(int(base), int(base) + int(count)):
        s.sendto(b"p" * 16, (addr, p))
    s.close()


def udp_flood(addr, port, seconds, size):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.connect((addr, int(port)))
    payload = b"f" * int(size)
    sent, end = 0, time.monotonic() + float(seconds)
    while time.monotonic() < end:
        for _ in range(1000):
            try:
                s.send(payload)
                sent += 1
            except OSError:
                pass
    print(sent, flush=True)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"tcp-sink": tcp_sink, "tcp-send": tcp_send, "udp-send": udp_send,
     "udp-ports": udp_ports, "udp-flood": udp_flood}[cmd](*args)
