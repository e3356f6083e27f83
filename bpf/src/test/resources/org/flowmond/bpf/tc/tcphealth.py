#!/usr/bin/env python3
"""TCP peers for TcTcpHealthTest (run inside a network namespace). The sender prints what the kernel
says about its own socket (getsockopt TCP_INFO, the struct `ss -tin` prints) as one JSON line.

    tcphealth.py sink ADDR PORT [STALL_S [RCVBUF]]   accept one connection; wait STALL_S seconds
                                                   before reading (zero window), read to EOF
    tcphealth.py send ADDR PORT NBYTES              connect, send NBYTES, half-close, wait for EOF;
                                                   samples tcpi_rtt every 20 ms while sending
    tcphealth.py pairs ADDR PORT ROUNDS             TCP_NODELAY; ROUNDS times: two writes of one MSS
                                                   each (one skb each: autocorking off in the
                                                   namespace), then 200 ms pause
    tcphealth.py reset ADDR PORT                    connect, send 1000 bytes, close with SO_LINGER {1, 0}
"""
import json
import socket
import struct
import sys
import time

TCP_INFO_LEN = 232
# struct tcp_info (linux/tcp.h): offsets of the fields read here
RTT, TOTAL_RETRANS, SND_MSS, BYTES_RETRANS, RCV_OOOPACK = 68, 100, 16, 208, 224


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def tcp_info(s):
    b = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, TCP_INFO_LEN)
    u32 = lambda off: struct.unpack_from("I", b, off)[0]
    return {"rtt_us": u32(RTT), "total_retrans": u32(TOTAL_RETRANS), "snd_mss": u32(SND_MSS),
            "bytes_retrans": struct.unpack_from("Q", b, BYTES_RETRANS)[0], "rcv_ooopack": u32(RCV_OOOPACK)}


def sink(addr, port, stall=0.0, rcvbuf=0):
    srv = socket.socket(family(addr), socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if int(rcvbuf):
        srv.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, int(rcvbuf))  # inherited by the accepted socket
    srv.bind((addr, int(port)))
    srv.listen(1)
    print("listening", flush=True)
    conn, _ = srv.accept()
    time.sleep(float(stall))
    total = 0
    while True:
        try:
            chunk = conn.recv(1 << 16)
        except ConnectionResetError:
            break
        if not chunk:
            break
        total += len(chunk)
    conn.close()
    srv.close()
    print(total, flush=True)


def finish(c, extra):
    c.shutdown(socket.SHUT_WR)
    while c.recv(4096):
        pass
    info = tcp_info(c)  # after the peer's FIN: every segment is acknowledged, nothing more is resent
    info.update(extra)
    c.close()
    print(json.dumps(info), flush=True)


def send(addr, port, nbytes):
    c = socket.create_connection((addr, int(port)))
    left, block, rtts, next_sample = int(nbytes), b"x" * (1 << 14), [], 0.0
    while left > 0:
        left -= c.send(block[:min(left, len(block))])
        now = time.monotonic()
        if now >= next_sample:
            rtts.append(tcp_info(c)["rtt_us"])
            next_sample = now + 0.02
    finish(c, {"rtt_samples_us": rtts})


def pairs(addr, port, rounds):
    c = socket.create_connection((addr, int(port)))
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    time.sleep(0.1)
    mss = tcp_info(c)["snd_mss"]
    for _ in range(int(rounds)):
        c.sendall(b"p" * mss)  # TCP builds GSO skbs whatever the device: one write, one segment
        time.sleep(0.002)      # the first left (veth transmits at once): no merging; below TLP's 8 ms minimum
        c.sendall(b"q" * mss)
        time.sleep(0.2)
    finish(c, {})


def reset(addr, port):
    c = socket.create_connection((addr, int(port)))
    c.sendall(b"r" * 1000)
    time.sleep(0.2)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    print("{}", flush=True)


if __name__ == "__main__":
    {"sink": sink, "send": send, "pairs": pairs, "reset": reset}[sys.argv[1]](*sys.argv[2:])
