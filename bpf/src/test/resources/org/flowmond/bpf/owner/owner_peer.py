#!/usr/bin/env python3
"""A process whose sockets the ownership tests inspect. Reads one command per line on stdin and
answers one line on stdout ("ok ..." or "error ..."); sockets are named by the id the command
that made them prints. Every answer about a socket carries its cookie (getsockopt SO_COOKIE),
which is the key the kernel's owner map uses.

Commands:
  name NAME                       set the process name (comm)
  tcp_listen FAMILY ADDR PORT     -> ok ID COOKIE PORT      (FAMILY 4 or 6)
  accept ID                       -> ok NEWID COOKIE REMOTEPORT
  tcp_connect FAMILY ADDR PORT    -> ok ID COOKIE LOCALPORT (blocking; error ERRNO on failure)
  tcp_syncnt ID N                 TCP_SYNCNT for the next connect on ID (made by socket FAMILY)
  socket FAMILY tcp|udp           -> ok ID COOKIE
  connect_id ID ADDR PORT         -> ok COOKIE LOCALPORT or error ERRNO
  udp_bind FAMILY ADDR PORT       -> ok ID COOKIE PORT
  udp_bind_nocookie FAMILY ADDR PORT -> ok ID PORT   (the socket gets no cookie)
  udp_socket FAMILY               -> ok ID COOKIE
  udp_connect ID ADDR PORT        -> ok LOCALPORT
  sendto ID ADDR PORT N           N bytes to ADDR:PORT -> ok LOCALPORT
  recvfrom ID                     -> ok N ADDR PORT
  send ID N                       -> ok
  recv ID                         -> ok N
  fork_send ID N                  a child sends N bytes on ID and exits -> ok CHILDPID
  tcp_serve ID N                  a thread serves N short connections on listener ID: accept,
                                  answer what comes with as many bytes until EOF, close -> ok
  udp_serve ID N                  a thread answers N datagrams on ID, 32 bytes each -> ok
  join                            waits for the serving thread -> ok
  tcp_burst FAMILY ADDR PORT N    N short connections: connect, 10 bytes, (every second one
                                  waits for the answer), close -> ok PORT,PORT,...
  udp_burst FAMILY ADDR PORT N    N times a new socket: 64 bytes, wait for the answer, close
                                  -> ok PORT,PORT,...
  cookie ID                       -> ok COOKIE
  close ID                        -> ok
"""
import ctypes
import os
import socket
import struct
import sys
import threading

SO_COOKIE = 57
TCP_SYNCNT = 7
socks = {}
next_id = [1]
server_thread = [None]


def cookie(s):
    return struct.unpack("<Q", s.getsockopt(socket.SOL_SOCKET, SO_COOKIE, 8))[0]


def fam(f):
    return socket.AF_INET6 if f == "6" else socket.AF_INET


def add(s):
    i = next_id[0]
    next_id[0] += 1
    socks[i] = s
    return i


def run(cmd, args):
    if cmd == "name":
        libc = ctypes.CDLL(None)
        libc.prctl(15, args[0].encode(), 0, 0, 0)  # PR_SET_NAME
        return "ok"
    if cmd == "tcp_listen":
        s = socket.socket(fam(args[0]), socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((args[1], int(args[2])))
        s.listen(64)
        return "ok %d %d %d" % (add(s), cookie(s), s.getsockname()[1])
    if cmd == "accept":
        c, addr = socks[int(args[0])].accept()
        return "ok %d %d %d" % (add(c), cookie(c), addr[1])
    if cmd == "tcp_connect":
        s = socket.socket(fam(args[0]), socket.SOCK_STREAM)
        i = add(s)
        s.connect((args[1], int(args[2])))
        return "ok %d %d %d" % (i, cookie(s), s.getsockname()[1])
    if cmd == "tcp_connect_from":  # a fixed local address and port: the same 5-tuple in two namespaces
        s = socket.socket(fam(args[0]), socket.SOCK_STREAM)
        i = add(s)
        s.bind((args[1], int(args[2])))
        s.connect((args[3], int(args[4])))
        return "ok %d %d %d" % (i, cookie(s), s.getsockname()[1])
    if cmd == "socket":
        s = socket.socket(fam(args[0]), socket.SOCK_STREAM if args[1] == "tcp" else socket.SOCK_DGRAM)
        return "ok %d %d" % (add(s), cookie(s))
    if cmd == "tcp_syncnt":
        socks[int(args[0])].setsockopt(socket.IPPROTO_TCP, TCP_SYNCNT, int(args[1]))
        return "ok"
    if cmd == "connect_id":
        s = socks[int(args[0])]
        err = s.connect_ex((args[1], int(args[2])))
        if err:
            return "error %d" % err
        return "ok %d %d" % (cookie(s), s.getsockname()[1])
    if cmd == "udp_bind":
        s = socket.socket(fam(args[0]), socket.SOCK_DGRAM)
        s.bind((args[1], int(args[2])))
        return "ok %d %d %d" % (add(s), cookie(s), s.getsockname()[1])
    if cmd == "udp_bind_nocookie":  # the kernel makes a cookie only when someone asks
        s = socket.socket(fam(args[0]), socket.SOCK_DGRAM)
        s.bind((args[1], int(args[2])))
        return "ok %d %d" % (add(s), s.getsockname()[1])
    if cmd == "udp_socket":
        s = socket.socket(fam(args[0]), socket.SOCK_DGRAM)
        return "ok %d %d" % (add(s), cookie(s))
    if cmd == "udp_connect":
        s = socks[int(args[0])]
        s.connect((args[1], int(args[2])))
        return "ok %d" % s.getsockname()[1]
    if cmd == "sendto":
        s = socks[int(args[0])]
        s.sendto(b"x" * int(args[3]), (args[1], int(args[2])))
        return "ok %d" % s.getsockname()[1]
    if cmd == "recvfrom":
        data, addr = socks[int(args[0])].recvfrom(65536)
        return "ok %d %s %d" % (len(data), addr[0], addr[1])
    if cmd == "send":
        socks[int(args[0])].sendall(b"y" * int(args[1]))
        return "ok"
    if cmd == "recv":
        return "ok %d" % len(socks[int(args[0])].recv(65536))
    if cmd == "fork_send":
        s = socks[int(args[0])]
        pid = os.fork()
        if pid == 0:
            try:
                s.sendall(b"z" * int(args[1]))
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        return "ok %d" % pid
    if cmd == "tcp_serve":
        return serve(tcp_serve, socks[int(args[0])], int(args[1]))
    if cmd == "udp_serve":
        return serve(udp_serve, socks[int(args[0])], int(args[1]))
    if cmd == "join":
        server_thread[0].join()
        return "ok"
    if cmd == "tcp_burst":
        return "ok " + ",".join(str(tcp_short(fam(args[0]), args[1], int(args[2]), i % 2 == 0))
                                for i in range(int(args[3])))
    if cmd == "udp_burst":
        return "ok " + ",".join(str(udp_short(fam(args[0]), args[1], int(args[2])))
                                for _ in range(int(args[3])))
    if cmd == "cookie":
        return "ok %d" % cookie(socks[int(args[0])])
    if cmd == "close":
        socks.pop(int(args[0])).close()
        return "ok"
    return "error unknown command " + cmd


def serve(loop, s, n):
    t = threading.Thread(target=loop, args=(s, n), daemon=True)
    server_thread[0] = t
    t.start()
    return "ok"


def tcp_serve(listener, n):
    for _ in range(n):
        c, _ = listener.accept()
        with c:
            c.settimeout(5)
            try:
                while True:
                    data = c.recv(65536)
                    if not data:
                        break
                    c.sendall(b"a" * len(data))
            except OSError:
                pass  # a client that did not wait for the answer has reset the connection


def udp_serve(s, n):
    for _ in range(n):
        data, addr = s.recvfrom(65536)
        s.sendto(b"r" * 32, addr)


def tcp_short(family, addr, port, wait_answer):
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(5)
        s.connect((addr, port))
        local = s.getsockname()[1]
        s.sendall(b"q" * 10)
        if wait_answer:
            s.recv(65536)
    return local


def udp_short(family, addr, port):
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.settimeout(5)
        s.sendto(b"q" * 64, (addr, port))
        s.recvfrom(65536)
        return s.getsockname()[1]


def main():
    print("ready %d" % os.getpid(), flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        try:
            answer = run(parts[0], parts[1:])
        except OSError as e:
            answer = "error %d %s" % (e.errno or 0, e)
        print(answer, flush=True)


if __name__ == "__main__":
    main()
