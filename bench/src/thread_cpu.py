#!/usr/bin/env python3
"""Samples the CPU time of every thread of the processes named on the command line.

usage: thread_cpu.py OUT PATTERN...   (a process is sampled when its command line contains a PATTERN)

Every 0.25 s it appends one line per thread to OUT: "epoch-seconds process:thread tid ticks"
(ticks = utime + stime from /proc/PID/task/TID/stat, 1/100 s). It reads /proc only and starts no
process, so the sampling costs far less than the threads it measures. Stops on SIGTERM.
"""
import os
import signal
import sys
import time

INTERVAL = 0.25


def sampled(patterns):
    for pid in os.listdir('/proc'):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                argv = f.read().split(b'\0')
        except OSError:
            continue
        cmd = b' '.join(argv)
        for p in patterns:
            if p in cmd:
                yield pid, os.path.basename(argv[0]).decode(errors='replace')
                break


def threads(pid):
    try:
        return os.listdir(f'/proc/{pid}/task')
    except OSError:
        return []


def ticks(pid, tid):
    """(thread name, utime + stime) of one thread; the name may hold spaces and parentheses."""
    with open(f'/proc/{pid}/task/{tid}/stat') as f:
        st = f.read()
    name = st[st.index('(') + 1:st.rindex(')')].replace(' ', '_')
    fields = st[st.rindex(')') + 2:].split()
    return name, int(fields[11]) + int(fields[12])


def main():
    out_path, patterns = sys.argv[1], [p.encode() for p in sys.argv[2:]]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(out_path, 'w') as out:
        while True:
            now = time.time()
            for pid, process in list(sampled(patterns)):
                for tid in threads(pid):
                    try:
                        name, t = ticks(pid, tid)
                    except (OSError, ValueError):
                        continue  # the thread ended between the listing and the read
                    out.write(f'{now:.3f} {process}:{name} {tid} {t}\n')
            out.flush()
            time.sleep(INTERVAL)


if __name__ == '__main__':
    main()
