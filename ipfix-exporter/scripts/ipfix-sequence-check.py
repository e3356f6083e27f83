#!/usr/bin/env python3
"""Checks the IPFIX sequence numbers in a capture (tshark -w) the way a collector does: per
destination port and observation domain, each message's sequence number must equal the data
records of the messages before it (templates decoded from the capture, variable-length fields
included). A gap is reported once and the count resynchronised, as nfcapd does. With -v: each
message's size, record count and sets (T2/T3 template sets, D<id>x<records> data sets).
Usage: ipfix-sequence-check.py CAPTURE [-v]"""
import subprocess, sys, struct, collections
cap = sys.argv[1]
out = subprocess.run(["tshark", "-r", cap, "-T", "fields", "-e", "frame.time_relative", "-e", "udp.srcport",
                      "-e", "udp.dstport", "-e", "udp.payload"], capture_output=True, text=True).stdout
templates = {}   # (port, domain, tid) -> list of lengths (65535 = var)
expected = collections.defaultdict(int)
errors = 0; msgs = 0
sizes = []
for line in out.splitlines():
    t, sp, dp, payload = line.split("\t")
    b = bytes.fromhex(payload.replace(":", ""))
    if len(b) < 16 or struct.unpack("!H", b[:2])[0] != 10:
        continue
    ver, length, etime, seq, dom = struct.unpack("!HHIII", b[:16])
    key = (dp, dom)
    msgs += 1
    if seq != expected[key] % 2**32:
        errors += 1
        print(f"t={t} port={dp} dom={dom} seq={seq} expected={expected[key]}")
        expected[key] = seq
    off = 16; recs = 0; setinfo = []
    while off + 4 <= length:
        sid, slen = struct.unpack("!HH", b[off:off+4])
        body = b[off+4:off+slen]
        if sid in (2, 3):
            p = 0
            while p + 4 <= len(body):
                tid, cnt = struct.unpack("!HH", body[p:p+4]); p += 4
                if sid == 3:
                    p += 2
                lens = []
                for _ in range(cnt):
                    et, el = struct.unpack("!HH", body[p:p+4]); p += 4
                    if et & 0x8000: p += 4
                    lens.append(el)
                templates[(dp, dom, tid)] = lens
            setinfo.append(f"T{sid}")
        else:
            lens = templates.get((dp, dom, sid))
            n = 0
            if lens is None:
                print(f"t={t} dom={dom}: data set {sid} before its template")
            else:
                p = 0
                while p < len(body):
                    for el in lens:
                        if el == 65535:
                            l = body[p]; p += 1
                            if l == 255:
                                l = struct.unpack("!H", body[p:p+2])[0]; p += 2
                            p += l
                        else:
                            p += el
                    n += 1
                if p != len(body):
                    print(f"t={t} set {sid}: parsed {p} of {len(body)}")
            recs += n
            setinfo.append(f"D{sid}x{n}")
        off += slen
    expected[key] += recs
    sizes.append((float(t), dp, dom, length, recs, " ".join(setinfo)))
print(f"messages={msgs} sequence_errors={errors} totals={dict(expected)}")
if "-v" in sys.argv:
    for s in sizes:
        print(*s)
