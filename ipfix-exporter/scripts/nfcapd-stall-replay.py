#!/usr/bin/env python3
"""Replays a capture of NfdumpInteropTest.uniflowsOverIpv6 (IPv6 datagrams only) to an nfcapd on
::1 with nfcapd not scheduled (SIGSTOP) while the test's first batch of 200 flows (372 data
records in domain 7) arrives, as on a busy machine; then the remaining datagrams 1 ms apart.
Usage: nfcapd-stall-replay.py CAPTURE PORT NFCAPD_PID
(nfcapd -p PORT -b ::1 -6 -w DIR -t 3600; SIGTERM it after and read its "Sequence Errors").
With the container elements the batch is 97 datagrams and nfcapd's default buffer holds 92:
one sequence error; without them 65 datagrams and none."""
import os, signal, socket, struct, subprocess, sys, time
cap, port, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
out = subprocess.run(["tshark", "-r", cap, "-Y", "ipv6", "-T", "fields", "-e", "udp.payload"],
                     capture_output=True, text=True).stdout
dgrams = [bytes.fromhex(l.replace(":", "")) for l in out.split()]
templates, cut, records = {}, None, 0
for i, b in enumerate(dgrams):
    dom = struct.unpack("!I", b[12:16])[0]
    off = 16
    while off + 4 <= len(b):
        sid, slen = struct.unpack("!HH", b[off:off+4]); body = b[off+4:off+slen]
        if sid == 2:
            p = 0
            while p < len(body):
                tid, cnt = struct.unpack("!HH", body[p:p+4]); p += 4; lens = []
                for _ in range(cnt):
                    et, el = struct.unpack("!HH", body[p:p+4]); p += 8 if et & 0x8000 else 4; lens.append(el)
                templates[tid] = lens
        elif sid > 255 and dom == 7:
            p = 0
            while p < len(body):
                for el in templates[sid]:
                    if el == 65535:
                        l = body[p]; p += 1
                        if l == 255: l = struct.unpack("!H", body[p:p+2])[0]; p += 2
                        p += l
                    else: p += el
                records += 1
        off += slen
    if cut is None and records >= 372:
        cut = i + 1
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.connect(("::1", port))
os.kill(pid, signal.SIGSTOP)
for b in dgrams[:cut]: s.send(b)
os.kill(pid, signal.SIGCONT)
time.sleep(0.05)
for b in dgrams[cut:]:
    s.send(b); time.sleep(0.001)
print(f"first batch: {cut} datagrams, {sum(map(len, dgrams[:cut]))} octets sent while nfcapd was stopped; {len(dgrams) - cut} after")
