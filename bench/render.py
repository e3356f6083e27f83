#!/usr/bin/python3
"""Turns the raw benchmark files into the markdown sections of RESULTS.md (printed on stdout).

    render.py datapath DATAPATH.TSV DATAPATH-TC.TSV TC_COST.TXT COMMAND
    render.py syscall SYSCALL.TSV GUEST.TSV BPF.TSV COMMAND
    render.py jmh JMH.JSON COMMAND
    render.py targets SECTION.md...        the targets table, from the "TARGET|" comment lines

Ratios are taken per round against the unprobed/no-program run of the same round; tables show
their median and spread = (max - min) / median over the rounds. Each section ends with hidden
lines "<!-- TARGET|target|measured|met -->" from which the summary table is built.
"""
import csv
import json
import statistics
import sys
from collections import defaultdict

HZ = 100  # USER_HZ: /proc/stat and /proc/PID/stat count in 1/100 s on Linux


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def spread(xs):
    xs = [x for x in xs if x is not None]
    m = median(xs)
    return (max(xs) - min(xs)) / m if xs and m else None


def fmt(x, digits=3):
    if x is None:
        return "n/a"
    if abs(x) >= 1e5:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}" if abs(x) < 1 else f"{x:,.{max(0, digits - len(str(int(abs(x)))))}f}"


def pct(x):
    return "n/a" if x is None else f"±{x * 100:.1f} %"


def target(name, measured, met):
    verdict = "n/a" if met is None else ("**met**" if met else "**missed**")
    print(f"<!-- TARGET|{name}|{measured}|{verdict} -->")


def read_tsv(path):
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


# ---------------------------------------------------------------- datapath

SCENARIO_TITLES = {
    "udp": "UDP, 64-byte frames",
    "tcp-on": "bulk TCP, offloads on",
    "tcp-off": "bulk TCP, offloads off",
}


def num(s):
    try:
        return float(s)
    except (TypeError, ValueError):
        return None


def datapath(tsv, tc_tsv, tc_cost, command):
    rows = read_tsv(tsv)
    base = {}
    for r in rows:
        if r["config"] == "none":
            base[(r["scenario"], r["round"])] = r
    by = defaultdict(list)
    order = []
    for r in rows:
        key = (r["scenario"], r["config"])
        if key not in by:
            order.append(key)
        b = base.get((r["scenario"], r["round"]))
        metric = "rate_pps" if r["scenario"] == "udp" else "bps"
        pkts = num(r["expected"]) or 0
        rate = num(r[metric])
        soft = num(r["softirq_ticks"]) / HZ * 1e9 / pkts if pkts else None
        tool = num(r["tool_ticks"]) / HZ * 1e9 / pkts if pkts else None
        soft_base = None
        if b is not None and num(b["expected"]):
            soft_base = num(b["softirq_ticks"]) / HZ * 1e9 / num(b["expected"])
        by[key].append({
            "round": r["round"],
            "ratio": rate / num(b[metric]) if b is not None and num(b[metric]) else None,
            "rate": rate,
            "pps": num(r["rate_pps"]),
            "soft": soft,
            "tool": tool if r["config"] != "none" else None,
            # the tool's own CPU plus the softirq time it added over the no-program run of the round
            "attr": (tool + soft - soft_base) if r["config"] != "none" and soft is not None and soft_base is not None else None,
            "sent": r["sent"], "expected": r["expected"], "counted": r["counted"], "drops": r["tool_drops"],
            "tc": num(r["tc_run_ns"]) / num(r["tc_runs"]) if num(r["tc_runs"]) else None,
            "tc_runs": num(r["tc_runs"]),
        })

    print("## Datapath cost\n")
    print(f"    {command}\n")
    n_rounds = len({r["round"] for r in rows})
    print(f"Traffic from namespace fmdp-tx to fmdp-rx over a veth pair; every tool watches the receiving "
          f"veth. {n_rounds} round(s); in each round every scenario runs once per configuration, "
          f"alternating (none, flowmond, softflowd, pmacctd, rotated by one place each round so that no tool always runs at the same place). Ratio = rate ÷ the no-program run of the "
          f"same round (UDP: datagrams received per second; TCP: iperf3 goodput); median and spread "
          f"(max − min)/median over the rounds. CPU per packet: softirq time of both cores (/proc/stat) "
          f"and the tool's processes (/proc/PID/stat, children included) over the traffic, divided by "
          f"the packets (UDP: datagrams sent; TCP: wire segments both TCP stacks sent, OutSegs + RetransSegs of /proc/net/snmp). "
          f"\"Added CPU\" = the tool's CPU + the softirq time above the no-program run of the round. "
          f"A tool's CPU is counted from the moment it is idle after its start (below 5 % of a core "
          f"over 0.5 s), so start-up work is not charged per packet. `kernel.bpf_stats_enabled` is 0 "
          f"in these runs. flowmond runs as shipped, so its syscall "
          f"probes are attached too (with the `tracepoint` hook, any syscall tracepoint sends every "
          f"task's syscalls through the traced slow path, the sender's and receiver's included).\n")
    print("| scenario | configuration | rate (median) | ratio to none (median, spread) | softirq ns/packet | tool ns/packet | added CPU ns/packet | packets sent / expected | counted by the tool (counted − expected), per round | tool-reported drops |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    agg = {}
    for key in order:
        sc, cfg = key
        rs = by[key]
        ratios = [x["ratio"] for x in rs]
        rate_s = (f"{fmt(median([x['rate'] for x in rs]))} pkt/s" if sc == "udp"
                  else f"{median([x['rate'] for x in rs]) / 1e9:.2f} Gbit/s, {fmt(median([x['pps'] for x in rs]))} pkt/s")
        a = {
            "ratio": median(ratios), "spread": spread(ratios),
            "soft": median([x["soft"] for x in rs]), "tool": median([x["tool"] for x in rs]),
            "attr": median([x["attr"] for x in rs]),
            "exact": None, "tc": median([x["tc"] for x in rs]),
        }
        counts = []
        exact = True
        for x in rs:
            if x["counted"] in ("-", "", None):
                exact = None
                continue
            c, e = int(x["counted"]), int(x["expected"])
            counts.append(f"{c:,} ({c - e:+,})")
            exact = exact and c == e
        a["exact"] = exact
        agg[key] = a
        expected = ", ".join(f"{int(x['expected']):,}" for x in rs)
        print(f"| {SCENARIO_TITLES.get(sc, sc)} | {cfg} | {rate_s} | "
              f"{fmt(a['ratio'], 3) if cfg != 'none' else '1'} ({pct(a['spread']) if cfg != 'none' else '—'}) | "
              f"{fmt(a['soft'])} | {fmt(a['tool'])} | {fmt(a['attr'])} | {expected} | "
              f"{'; '.join(counts) if counts else '—'} | {', '.join(x['drops'] for x in rs) if cfg != 'none' else '—'} |")

    print("\nWith offloads on, the veth carries GSO super-packets: libpcap (softflowd, pmacctd) sees one "
          "packet per super-packet, while flowmond counts wire segments (`gso_segs`), so only flowmond "
          "can match the segment count there.\n")

    try:
        tc_rows = [r for r in read_tsv(tc_tsv) if num(r["tc_runs"])]
    except OSError:
        tc_rows = []
    if tc_rows:
        print("TC program's own cost: one more flowmond run per scenario with `kernel.bpf_stats_enabled=1` "
              "(run_time_ns / run_cnt of the programs on the receiving veth, ingress + egress; one run "
              "per packet and hook):\n")
        print("| scenario | program runs | ns per run | runs per expected packet | flowmond counted / expected |")
        print("|---|---|---|---|---|")
        for r in tc_rows:
            runs, ns = num(r["tc_runs"]), num(r["tc_run_ns"])
            exp = num(r["expected"]) or 0
            print(f"| {SCENARIO_TITLES.get(r['scenario'], r['scenario'])} | {runs:,.0f} | {ns / runs:.0f} | "
                  f"{runs / exp if exp else 0:.2f} | {r['counted']} / {r['expected']} |")
        print()
    try:
        with open(tc_cost) as f:
            text = f.read().strip()
        print("`bpf/scripts/tc-cost.sh` (the TC program alone on a veth pair, UDP flood, bpf_stats):\n")
        print("\n".join("    " + line for line in text.splitlines()) + "\n")
    except OSError:
        print("`bpf/scripts/tc-cost.sh`: not run.\n")

    # targets
    lines = []
    for sc, label in (("tcp-on", "offloads on"), ("tcp-off", "offloads off")):
        a = agg.get((sc, "flowmond"))
        if a and a["ratio"] is not None:
            met = a["ratio"] >= 0.97
            lines.append((f"Datapath: flowmond ≥ 0.97 of the no-program rate, bulk TCP ({label})",
                          f"{a['ratio']:.3f}", met))
    fm, sf, pm = agg.get(("udp", "flowmond")), agg.get(("udp", "softflowd")), agg.get(("udp", "pmacctd"))
    if fm and fm["ratio"] is not None:
        peers = [p["ratio"] for p in (sf, pm) if p and p["ratio"] is not None]
        best = max(peers) if peers else None
        lines.append(("Datapath: 64-byte UDP rate ratio ≥ the best of softflowd and pmacctd",
                      f"flowmond {fm['ratio']:.3f} vs best peer {fmt(best)}",
                      None if best is None else fm["ratio"] >= best))
    if fm and sf and fm["attr"] is not None and sf["attr"]:
        lines.append(("Datapath: 64-byte UDP added CPU per packet ≤ 1/5 of softflowd's",
                      f"added CPU: flowmond {fm['attr']:.0f} ns vs softflowd {sf['attr']:.0f} ns (×{fm['attr'] / sf['attr']:.2f}); "
                      f"own process only: {fmt(fm['tool'])} vs {fmt(sf['tool'])} ns",
                      fm["attr"] <= sf["attr"] / 5))
    for cfg in ("flowmond", "softflowd", "pmacctd"):
        ks = [k for k in order if k[1] == cfg and agg[k]["exact"] is not None]
        if ks:
            bad = [SCENARIO_TITLES.get(k[0], k[0]) for k in ks if not agg[k]["exact"]]
            lines.append((f"Datapath: {cfg} counts exact (every scenario, every round)",
                          "exact" if not bad else "not exact in: " + ", ".join(bad),
                          not bad))
    print("| target | measured | met? |\n|---|---|---|")
    for name, measured, met in lines:
        print(f"| {name} | {measured} | {'n/a' if met is None else ('met' if met else 'missed')} |")
    print()
    for name, measured, met in lines:
        if "softflowd counts" in name or "pmacctd counts" in name:
            continue  # the peers' exactness is reported, but it is not one of flowmond's targets
        target(name, measured, met)


# ---------------------------------------------------------------- syscall

def syscall(tsv, guest_tsv, bpf_tsv, command):
    print("## Syscall path\n")
    print(f"    {command}\n")
    print("`connect_loop`: one process connects to a listener on 127.0.0.1, accepts, and closes both "
          "(RST), as fast as it can, in a network namespace. Each hook variant alternates with an "
          "unprobed run of the same round, in the order none, flowmond on odd rounds and flowmond, none "
          "on even ones (ABBA); ratio = the flowmond run ÷ the unprobed run of its round. flowmond's TC program sits on an idle veth, so only the syscall "
          "probes are measured. Drops: `dropped.ring-buffer` and `dropped.event-queue` + "
          "`dropped.syscall-stash-full` of the daemon's final statistics line.\n")
    lines = []
    for path, where in ((tsv, "this machine"), (guest_tsv, "qemu guest")):
        try:
            rows = read_tsv(path)
        except OSError:
            print(f"**{where}**: not run.\n")
            continue
        kernels = sorted({r["kernel"] for r in rows})
        print(f"**{where}** (kernel {', '.join(kernels)}):\n")
        if where == "qemu guest":
            print("Debian's kernel under qemu TCG (`packaging/vm/run-guest.sh`), one emulating thread for "
                  "both vCPUs: the daemon's CPU per event is taken straight from the loop, as on a one-core "
                  "machine, and emulated code is slow, so the ratios are far below this machine's and only "
                  "comparable between hooks (same daemon, same consumer). The daemon runs with C1 only "
                  "(`-XX:TieredStopAtLevel=1`) and one unmeasured warm-up loop after start.\n")
        print("| hook | unprobed conn/s (median) | with flowmond conn/s (median) | ratio (median, spread) | per-round ratios | ring-buffer drops per round | event-queue + stash drops per round |")
        print("|---|---|---|---|---|---|---|")
        hooks = []
        for r in rows:
            if (r["kernel"], r["hook"]) not in hooks:
                hooks.append((r["kernel"], r["hook"]))
        for kernel, hook in hooks:
            rs = [r for r in rows if r["kernel"] == kernel and r["hook"] == hook]
            bad = [r["status"] for r in rs if r["status"] != "ok"]
            label = hook + (f" ({kernel})" if len(kernels) > 1 else "")
            if bad:
                print(f"| {label} | — | — | — | — | — | {bad[0]} |")
                lines.append((f"Syscall path ({where}, {label})", bad[0], None))
                continue
            base = {r["round"]: num(r["connections"]) / num(r["seconds"]) for r in rs if r["config"] == "none"}
            probed = [r for r in rs if r["config"] == "flowmond"]
            ratios, prb = [], []
            for r in probed:
                c = num(r["connections"]) / num(r["seconds"])
                prb.append(c)
                u = base.get(r["round"])
                ratios.append(c / u if u else None)
            drops = [r["ring_drops"] for r in probed]
            queue = [r["queue_drops"] for r in probed]
            m = median(ratios)
            print(f"| {label} | {fmt(median(list(base.values())))} | {fmt(median(prb))} | {fmt(m)} ({pct(spread(ratios))}) | "
                  f"{' '.join(f'{x:.3f}' for x in ratios if x is not None)} | {', '.join(drops)} | {', '.join(queue)} |")
            if m is not None:
                lines.append((f"Syscall path: ≥ 0.97 of the unprobed connection rate ({where}, {label})",
                              f"{m:.3f}" + (" (TCG, one emulating thread: not judged)" if where == "qemu guest" else ""),
                              None if where == "qemu guest" else m >= 0.97))
                zero = all(d == "0" for d in drops + queue)
                peak = max(prb) if prb else 0
                lines.append((f"Syscall path: zero ring-buffer drops ({where}, {label})",
                              ("0" if zero else "ring " + ", ".join(drops) + "; queue " + ", ".join(queue))
                              + f" at up to {peak:,.0f} conn/s"
                              + ("" if peak >= 50000 or where != "this machine" else " (50,000/s is beyond this loop here)"),
                              zero))
        print()
    bpf_programs(bpf_tsv)
    print("| target | measured | met? |\n|---|---|---|")
    for name, measured, met in lines:
        print(f"| {name} | {measured} | {'n/a' if met is None else ('met' if met else 'missed')} |")
    print()
    for name, measured, met in lines:
        target(name, measured, met)


def bpf_programs(path):
    try:
        rows = [r for r in read_tsv(path) if num(r["runs"])]
    except OSError:
        rows = []
    if not rows:
        print("BPF programs' run time: not measured.\n")
        return
    print("flowmond's BPF programs on this machine, one more loop per hook with "
          "`kernel.bpf_stats_enabled=1` (not during the ratio runs; bpf_stats itself adds two clock "
          "reads per program run), from `bpftool prog show` of the programs the daemon holds:\n")
    print("| hook | program | type | runs per connection | ns per run | ns per connection |")
    print("|---|---|---|---|---|---|")
    totals = {}
    for r in rows:
        runs, ns, conns = num(r["runs"]), num(r["run_time_ns"]), num(r["connections"]) or 1
        totals[r["hook"]] = totals.get(r["hook"], 0) + ns / conns
        print(f"| {r['hook']} | {r['program']} | {r['type']} | {runs / conns:.2f} | {ns / runs:.0f} | {ns / conns:.0f} |")
    for hook, t in totals.items():
        print(f"| {hook} | **all** | | | | **{t:.0f}** |")
    print()


# ---------------------------------------------------------------- JMH

def jmh(path, command):
    print("## Export path (JMH)\n")
    print(f"    {command}\n")
    print("`EncodeBenchmark.packAndEncode` (ipfix-exporter): flow records packed into MTU-sized IPFIX "
          "messages and encoded into a buffer on one thread, as the export thread does before the "
          "socket write. One JMH operation = one biflow; in `UNIFLOWS` mode it becomes two IPFIX data "
          "records, in the other modes one. Allocation from `-prof gc` (gc.alloc.rate.norm). "
          "`RFC5103` is the shipped default (`flowmon.export.biflow`).\n")
    with open(path) as f:
        results = json.load(f)
    sent = [r for r in results if r.get("benchmark", "").endswith("ExportBenchmark.exportAndSend")]
    results = [r for r in results if r not in sent]
    print("| biflow mode | biflows/s on one core (score ± JMH error) | per-iteration min … max | IPFIX records/s | B allocated per IPFIX record | ≥ 2 M records/s? |")
    print("|---|---|---|---|---|---|")
    default = None
    for r in results:
        mode = r.get("params", {}).get("mode", "?")
        per_op = 2 if mode == "UNIFLOWS" else 1
        pm = r["primaryMetric"]
        raw = [x for fork in pm.get("rawData", []) for x in fork]
        alloc = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm", {}).get("score")
        err = pm.get("scoreError")
        err_s = "" if err is None or err != err else f" ± {err:,.0f}"
        recs = pm["score"] * per_op
        print(f"| {mode} | {pm['score']:,.0f}{err_s} | {min(raw):,.0f} … {max(raw):,.0f} | {recs:,.0f} | "
              f"{'n/a' if alloc is None else f'{alloc / per_op:.1f}'} | {'met' if recs >= 2e6 else 'missed'} |")
        if mode == "RFC5103":
            default = recs
    print()
    if default is not None:
        target("Export: ≥ 2 million records/s/core encoded (default biflow mode rfc5103)",
               f"{default / 1e6:.2f} M/s", default >= 2e6)
    if sent:
        jmh_sent(sent)


def jmh_sent(results):
    print("`ExportBenchmark.exportAndSend` (ipfix-exporter): the same records (`RFC5103`) through the whole "
          "exporter, queued, packed, encoded and sent by the one export thread to socat on loopback "
          "(reading into /dev/null; TLS terminated by socat with mutual authentication): MTU-sized "
          "datagrams over UDP, messages of up to 65535 octets over TCP and TLS. An invocation returns once "
          "its 16,384 records are handed to the transport; a run that dropped or failed to send any record "
          "fails instead of reporting a rate.\n")
    print("| transport | records/s, one export thread (score ± JMH error) | per-iteration min … max | ≥ 1 M records/s? |")
    print("|---|---|---|---|")
    for r in results:
        transport = r.get("params", {}).get("transport", "?")
        pm = r["primaryMetric"]
        raw = [x for fork in pm.get("rawData", []) for x in fork]
        err = pm.get("scoreError")
        err_s = "" if err is None or err != err else f" ± {err:,.0f}"
        verdict = "n/a (no target)" if transport == "UDP" else ("met" if pm["score"] >= 1e6 else "missed")
        print(f"| {transport} | {pm['score']:,.0f}{err_s} | {min(raw):,.0f} … {max(raw):,.0f} | {verdict} |")
        if transport in ("TCP", "TLS"):
            target(f"Export over {transport}: ≥ 1 million records/s per core to a local collector",
                   f"{pm['score'] / 1e6:.2f} M/s", pm["score"] >= 1e6)
    print()


# ---------------------------------------------------------------- targets summary

def table_targets(text):
    import re
    found = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        head = [c.strip().lower() for c in lines[i].strip().strip("|").split("|")]
        is_table = lines[i].startswith("|") and i + 1 < len(lines) and re.match(r"^\|[-| :]+\|$", lines[i + 1].strip())
        if not is_table:
            i += 1
            continue
        i += 2
        while i < len(lines) and lines[i].startswith("|"):
            cells = [c.strip() for c in lines[i].strip().strip("|").split("|")]
            if head[:3] == ["target", "measured", "met?"] and len(cells) >= 3:
                found.append((cells[0], cells[1], cells[2]))
            elif head and head[-1] == "target" and len(cells) == len(head):
                m = re.search(r"\*\*(met|missed)\*\*", cells[-1], re.I)
                if m:
                    goal = re.sub(r":?\s*\*\*(met|missed)\*\*", "", cells[-1]).strip()
                    found.append((f"{cells[0]} ({goal})", cells[1], f"**{m.group(1).lower()}**"))
            i += 1
    return found


def targets(paths):
    import re
    rows = []
    for p in paths:
        if p.startswith("missing:"):
            rows.append((f"{p[len('missing:'):]}: every target of the section", "not run", "n/a"))
            continue
        try:
            with open(p) as f:
                text = f.read()
        except OSError:
            continue
        for m in re.finditer(r"<!-- TARGET\|(.*?)\|(.*?)\|(.*?) -->", text):
            rows.append(m.groups())
        # sections written by other scripts may state targets in their own tables instead:
        # "| target | measured | met? |" rows as they are, or rows of a table whose last column is
        # "target" and whose cell says met/missed ("live ≤ 512 MB: **met**")
        if not re.search(r"<!-- TARGET\|", text):
            rows.extend(table_targets(text))
    print("## Targets\n")
    if not rows:
        print("No section reported a target.\n")
        return
    print("| target | measured | met? |\n|---|---|---|")
    for name, measured, met in rows:
        bare = met.strip("* ").lower()
        print(f"| {name} | {measured} | {'**' + bare + '**' if bare in ('met', 'missed') else met} |")
    print()


def main(argv):
    cmd = argv[1]
    if cmd == "datapath":
        datapath(argv[2], argv[3], argv[4], argv[5])
    elif cmd == "syscall":
        syscall(argv[2], argv[3], argv[4], argv[5])
    elif cmd == "jmh":
        jmh(argv[2], argv[3])
    elif cmd == "targets":
        targets(argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
