#!/usr/bin/env python3
"""CPU per thread in one time window, from thread_cpu.py's samples: a Markdown table.

usage: thread_cpu_window.py SAMPLES START_EPOCH SECONDS

Threads of one kind are summed ("C2 CompilerThread0" and "…1": "C2_CompilerThre"; "GC Thread#1":
"GC_Thread"). A thread's CPU in the window is its last sample at or before the end minus its last
sample at or before the start (0 if it started inside the window); the sampling interval (0.25 s)
bounds the error at each end.
"""
import collections
import re
import sys


def window_cpu(path, start, end):
    seen = collections.defaultdict(list)
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4:
                seen[(parts[1], parts[2])].append((float(parts[0]), int(parts[3])))
    by_kind = collections.Counter()
    for (name, _tid), samples in seen.items():
        before = [t for at, t in samples if at <= start]
        until = [t for at, t in samples if at <= end]
        if until:
            by_kind[re.sub(r'#?\d+$', '', name)] += until[-1] - (before[-1] if before else 0)
    return by_kind


def main():
    path, start, seconds = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
    by_kind = window_cpu(path, start, start + seconds)
    print(f'| thread (process:name) | CPU in the {seconds:.2f} s window (s) |')
    print('|---|---|')
    for kind, ticks in by_kind.most_common():
        if ticks > 0:
            print(f'| {kind} | {ticks / 100:.2f} |')
    print(f'| **all sampled threads** | **{sum(by_kind.values()) / 100:.2f}** (of {2 * seconds:.1f} on 2 cores) |')


if __name__ == '__main__':
    main()
