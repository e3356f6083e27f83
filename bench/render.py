#!/usr/bin/python3
"""Turns the raw benchmark files into the markdown sections of RESULTS.md (printed on stdout).

    render.py datapath DATAPATH.TSV DATAPATH-TC.TSV TC_COST.TXT COMMAND
    render.py syscall SYSCALL.TSV GUEST.TSV BPF.TSV COMMAND
    render.py jmh JMH.JSON COMMAND
    render.py ownership OUT_DIR COMMAND      (ownership*.tsv, ownership-datapath/, ownership.command)
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


# ---------------------------------------------------------------- socket ownership (issue 10)

TAX_LOOPS = {
    "getppid": ("`getppid()` loop (unrelated syscall)", 0.98),
    "pipe": ("64-byte pipe write+read loop (unrelated syscall)", 0.98),
    "connect": ("TCP connect+accept+close loop on loopback", 0.97),
    "udp": ("64-byte UDP request/response loop on loopback (sendto/recvfrom)", 0.95),
}
TAX_CONFIGS = {
    "owners": "ownership hooks + SOCKET probes",
    "owners+tc": "… + TC counter on the loop's lo (not the target's measure)",
}


def read_tsv_or_none(path):
    try:
        return read_tsv(path)
    except OSError:
        return None


def ownership(out_dir, command):
    import os
    notes = {}
    try:
        with open(os.path.join(out_dir, "ownership.command")) as f:
            for line in f:
                part, when, load, cmd = (line.rstrip("\n").split("\t") + ["", "", "", ""])[:4]
                notes[part] = (when, load, cmd)
    except OSError:
        pass
    print("## Socket ownership (issue 10)\n")
    print(f"    {command}\n")
    print("The cost of the kernel-side socket owners: the cgroup programs at the cgroup v2 root "
          "(connect4/6, sendmsg4/6, recvmsg4/6, post_bind4/6, sock_release), sockops, cgroup_skb/egress, "
          "tp_btf sock_send_length/sock_recv_length (`bpf/src/main/c/sock_owner.bpf.c`), the SOCKET syscall "
          "probes chosen with them, and the TC counter's owner stamping (`tc_owner.bpf.h`). "
          "The first two parts hold the kernel side with `OwnershipAttachMain` (bpf test classes; pinned to "
          "CPU 0, the loops run on CPU 1), the third runs the daemon as shipped.\n")
    loads = [f"{k[:-6]}: {v[1]} at {v[0]}" for k, v in notes.items() if k.endswith("-start")]
    if loads:
        print("**Measured on a shared machine** (2 cores; other sessions were compiling and testing at the same "
              "time): load average (1/5/15 min) at the start of each part — " + "; ".join(loads) + ". "
              "Every ratio is taken against the unprobed run of the same round, minutes apart at most; the "
              "spread says how much the load moved them.\n")
    lines = []
    ownership_tax(out_dir, notes, lines)
    ownership_tax_vm(out_dir, notes, lines)
    ownership_tc(out_dir, notes, lines)
    ownership_datapath(out_dir, notes, lines)
    print("| target | measured | met? |\n|---|---|---|")
    for name, measured, met in lines:
        print(f"| {name} | {measured} | {'n/a' if met is None else ('met' if met else 'missed')} |")
    print()
    for name, measured, met in lines:
        target(name, measured, met)


def ownership_tax(out_dir, notes, lines):
    import os
    rows = read_tsv_or_none(os.path.join(out_dir, "ownership-tax.tsv"))
    cmd = notes.get("tax-start", ("", "", "bash bench/syscall-tax.sh"))[2]
    print(f"### Syscall tax\n\n    {cmd}\n")
    if not rows:
        print("not run.\n")
        return
    n_rounds = len({r["round"] for r in rows})
    secs = rows[0]["seconds"]
    probes = sorted({r["probes"] for r in rows if r["probes"] not in ("-", "")})
    print(f"`bench/src/syscall_tax.c` in a network namespace of its own, pinned to CPU 1, {secs} s per run, "
          f"{n_rounds} round(s); in each round every loop runs once per configuration, the order rotated by one "
          f"place per round (ABAB…, BABA…). Ratio = the run with hooks ÷ the unprobed run of the same round; "
          f"median and spread (max − min)/median over the rounds. Configurations: *none*; *{TAX_CONFIGS['owners']}* "
          f"(as the daemon attaches them; probes variant: {', '.join(probes) or '?'}); for the socket loops also "
          f"*owners+tc*: the TC counter with owner stamping on the namespace's lo, which every packet of those "
          f"loops crosses twice (a daemon watching every interface, lo included, adds that too). The targets are "
          f"judged on *owners*, the hooks' own tax, as the syscall section judges the probes with TC on an idle "
          f"veth.\n")
    print("| loop | configuration | unprobed ops/s (median) | with hooks ops/s (median) | ratio (median, spread) | per-round ratios | load (1 min) per run | target |")
    print("|---|---|---|---|---|---|---|---|")
    for mode, (title, goal) in TAX_LOOPS.items():
        mine = [r for r in rows if r["mode"] == mode]
        if not mine:
            continue
        base = {r["round"]: num(r["ops_per_s"]) for r in mine if r["config"] == "none"}
        for cfg in ("owners", "owners+tc"):
            runs = [r for r in mine if r["config"] == cfg]
            if not runs:
                continue
            ratios = [num(r["ops_per_s"]) / base[r["round"]] if base.get(r["round"]) else None for r in runs]
            m = median(ratios)
            judged = cfg == "owners"
            print(f"| {title} | {TAX_CONFIGS[cfg]} | {fmt(median(list(base.values())))} | "
                  f"{fmt(median([num(r['ops_per_s']) for r in runs]))} | {fmt(m)} ({pct(spread(ratios))}) | "
                  f"{' '.join(f'{x:.3f}' for x in ratios if x is not None)} | "
                  f"{' '.join(r['load1'] for r in mine if r['config'] in ('none', cfg))} | "
                  f"{f'≥ {goal}' if judged else '—'} |")
            if judged and m is not None:
                lines.append((f"Ownership: {title} ≥ {goal} of unprobed", f"{m:.3f} (spread {pct(spread(ratios))})",
                              m >= goal))
    print()
    bpf = read_tsv_or_none(os.path.join(out_dir, "ownership-tax-bpf.tsv"))
    if not bpf:
        return
    secs = num(bpf[0]["seconds"]) or 1
    print(f"flowmond's BPF programs per operation of each loop: one more pass with `kernel.bpf_stats_enabled=1` "
          f"(owners+tc; {bpf[0]['seconds']} s per loop; bpf_stats adds two clock reads to every run). The "
          f"root-cgroup hooks also run for every other process's sockets on this shared machine: the *idle* "
          f"row is the same interval with no loop, and runs per operation include that background.\n")
    print("| loop | program | type | runs per operation | ns per run | ns per operation |")
    print("|---|---|---|---|---|---|")
    idle = {r["program"]: num(r["runs"]) for r in bpf if r["mode"] == "idle"}
    for r in bpf:
        if r["mode"] == "idle" and num(r["runs"]):
            print(f"| idle ({bpf[0]['seconds']} s, no loop) | {r['program']} | {r['type']} | {fmt(num(r['runs']) / secs)} runs/s | "
                  f"{num(r['run_time_ns']) / num(r['runs']):.0f} | — |")
    totals = {}
    for r in bpf:
        runs, ns, ops = num(r["runs"]), num(r["run_time_ns"]), num(r["ops"])
        if r["mode"] == "idle" or not runs or not ops:
            continue
        totals[r["mode"]] = totals.get(r["mode"], 0) + ns / ops
        if runs / ops < 0.01:
            continue  # a few runs in the loop's set-up (bind, close) or from other processes: not per operation
        print(f"| {r['mode']} | {r['program']} | {r['type']} | {runs / ops:.3g} | {ns / runs:.0f} | {ns / ops:.0f} |")
    for mode, t in totals.items():
        print(f"| {mode} | **all** | | | | **{t:.0f}** |")
    print()


def ownership_tax_vm(out_dir, notes, lines):
    """The same loops in qemu guests on Debian's kernels (bench/ownership-guest.sh), beside this machine's."""
    import os
    rows = read_tsv_or_none(os.path.join(out_dir, "ownership-tax-vm.tsv"))
    if rows is None:
        return
    cmd = notes.get("guest-start", ("", "", "bash bench/ownership-guest.sh"))[2]
    info = read_tsv_or_none(os.path.join(out_dir, "ownership-tax-vm.info")) or []
    took = ", ".join(f"{r['kernel']}: {r['guest_seconds']} s" + ("" if r["exit"] == "0" else f" (exit {r['exit']})")
                     for r in info)
    print(f"**In qemu guests** on Debian's kernels, the same loops:\n\n    {cmd}\n")
    if not rows:
        print(f"no guest measured ({took or 'no guest ran'}).\n")
        return
    n_rounds = len({r["round"] for r in rows})
    print(f"`packaging/vm/guest/ownership-tax.sh` in one guest boot per kernel (`packaging/vm/run-guest.sh`; guest "
          f"time {took}), {rows[0]['seconds']} s per run, {n_rounds} round(s): each round every loop unprobed and "
          f"with the ownership hooks + the syscall probes AUTO picks there, as the daemon does (column *probes*; "
          f"FENTRY comes first where it attaches, which this machine's kernel cannot: SOCKET here) "
          f"(`OwnershipAttachMain --owners --probes`, C1 only, pinned to vCPU 0, "
          f"measured once it is idle; loops on vCPU 1), in the order none, owners on odd rounds and owners, none "
          f"on even ones. **Emulated (qemu TCG, one emulating thread for both vCPUs): the ops/s are those of "
          f"emulated code and mean nothing; only the ratios do**, and they are reported beside this machine's, "
          f"not judged. Before the first round each loop runs once unmeasured. The holder's CPU during each hooked "
          f"run (clock ticks, 100 per second) is taken from the loop here, not from another core: ~10 ticks in a 4 s "
          f"run (its idle JVM and ring-buffer reader) are ≈ 2.5 % of the unrelated loops' ratio; ~110 in the "
          f"connect loop are its reader consuming the probes' events (≈ 27 %, which this machine pays on CPU 0).\n")
    print("| kernel | loop | probes | unprobed ops/s (median) | with hooks ops/s (median) | ratio (median, spread) | per-round ratios | holder's CPU ticks per hooked run | target (this machine) |")
    print("|---|---|---|---|---|---|---|---|---|")
    kernels = []
    for r in rows:
        if r["kernel"] not in kernels:
            kernels.append(r["kernel"])
    for kernel in kernels:
        for mode, (title, goal) in TAX_LOOPS.items():
            mine = [r for r in rows if r["kernel"] == kernel and r["mode"] == mode]
            runs = [r for r in mine if r["config"] == "owners"]
            if not runs:
                continue
            base = {r["round"]: num(r["ops_per_s"]) for r in mine if r["config"] == "none"}
            ratios = [num(r["ops_per_s"]) / base[r["round"]] if base.get(r["round"]) else None for r in runs]
            m = median(ratios)
            probes = ", ".join(sorted({r["probes"] for r in runs}))
            print(f"| {kernel} | {title} | {probes} | {fmt(median(list(base.values())))} | "
                  f"{fmt(median([num(r['ops_per_s']) for r in runs]))} | {fmt(m)} ({pct(spread(ratios))}) | "
                  f"{' '.join(f'{x:.3f}' for x in ratios if x is not None)} | "
                  f"{' '.join(r.get('holder_ticks') or '—' for r in runs)} | ≥ {goal} |")
            if mode in ("getppid", "pipe") and m is not None:
                lines.append((f"Ownership: {title} ≥ {goal} of unprobed (qemu guest, {kernel})",
                              f"{m:.3f} (spread {pct(spread(ratios))}; TCG: reported, not judged)", None))
    print()


def ownership_tc(out_dir, notes, lines):
    import os
    rows = read_tsv_or_none(os.path.join(out_dir, "ownership-tc.tsv"))
    counts = read_tsv_or_none(os.path.join(out_dir, "ownership-tc-counts.tsv"))
    cmd = notes.get("tc-start", ("", "", "bash bench/ownership-cost.sh"))[2]
    print(f"### TC program and ownership programs per packet\n\n    {cmd}\n")
    if not rows:
        print("not run.\n")
        return
    n_rounds = len({r["round"] for r in rows})
    print(f"A UDP flood of 64-byte frames (`src/udp_flood.c`, connected socket, sendmmsg) from namespace fmown-b "
          f"to `src/udp_sink.c` in fmown-a over a veth; flowmond's TC counter on both ends: on vcb's egress the "
          f"packets carry their socket (owner by socket cookie, every packet), on vca's ingress none (5-tuple and "
          f"endpoint lookups, rechecked per flow entry). *plain*: the TC counter alone; *owners*: with "
          f"SocketOwnership sharing its maps. `kernel.bpf_stats_enabled=1` during these runs (run_time_ns / run_cnt "
          f"of each program the holder has; the two clock reads bpf_stats adds per run are included); {n_rounds} "
          f"round(s), plain and owners alternating.\n")
    by = defaultdict(list)
    for r in rows:
        by[(r["config"], r["program"])].append(r)
    print("| configuration | program | type | ns per run (median) | per round | runs per datagram sent |")
    print("|---|---|---|---|---|---|")
    med = {}
    for (cfg, prog), rs in sorted(by.items(), key=lambda kv: (kv[0][0] != "plain", kv[0][1])):
        per = [num(r["run_time_ns"]) / num(r["runs"]) for r in rs]
        per_dgram = [num(r["runs"]) / num(r["sent"]) for r in rs if num(r["sent"])]
        med[(cfg, prog)] = median(per)
        if median(per_dgram) is not None and median(per_dgram) < 0.01:
            continue  # a handful of runs (the sink's bind, the holder's own sockets): not per packet
        print(f"| {cfg} | {prog} | {rs[0]['type']} | {median(per):.0f} | {' '.join(f'{x:.0f}' for x in per)} | "
              f"{fmt(median(per_dgram))} |")
    print()
    stamp = []
    for prog, label in (("tc_egress", "egress, with socket"), ("tc_ingress", "ingress, no socket")):
        a, b = med.get(("plain", prog)), med.get(("owners", prog))
        if a is not None and b is not None:
            stamp.append(f"{label}: {b:.0f} ns vs {a:.0f} ns plain (stamping {b - a:+.0f} ns)")
    if stamp:
        print("Owner stamping per packet (medians): " + "; ".join(stamp) + ".\n")
    worst = max([v for (c, p), v in med.items() if c == "owners" and p in ("tc_egress", "tc_ingress")] or [0])
    if worst:
        lines.append(("Ownership: TC program ≤ 100 ns per packet including the stamping (bpf_stats, 64-byte UDP)",
                      "; ".join(stamp), worst <= 100))
    if counts:
        print("Counts in the holder's flow map after each run (packets of the flood's flow) and the owners stamped "
              "in its entries, against the datagrams sent and the PIDs of `udp_flood` and `udp_sink`:\n")
        print("| configuration | round | datagrams sent | received by the sink | egress counted | ingress counted | egress entry: source PID | ingress entry: source / destination PID | load (1 min) |")
        print("|---|---|---|---|---|---|---|---|---|")
        exact, stamped = True, True
        for c in counts:
            sent, eg, ing = int(c["sent"]), int(c["egress_counted"]), int(c["ingress_counted"])
            exact = exact and eg == sent and ing == sent
            if c["config"] == "owners":
                ok_e = c["egress_src_pid"] == c["flood_pid"]
                ok_i = c["ingress_src_pid"] == c["flood_pid"] and c["ingress_dst_pid"] == c["sink_pid"]
                stamped = stamped and ok_e and ok_i
                pids_e = f"{c['egress_src_pid']} ({'= flood' if ok_e else 'flood is ' + c['flood_pid']})"
                pids_i = (f"{c['ingress_src_pid']} / {c['ingress_dst_pid']} "
                          f"({'= flood / sink' if ok_i else 'flood ' + c['flood_pid'] + ', sink ' + c['sink_pid']})")
            else:
                pids_e = pids_i = "— (no owners)"
            print(f"| {c['config']} | {c['round']} | {sent:,} | {int(c['received']):,} | {eg:,} ({eg - sent:+,}) | "
                  f"{ing:,} ({ing - sent:+,}) | {pids_e} | {pids_i} | {c['load1']} |")
        print()
        lines.append(("Ownership: TC counts exact with owner stamping (both hooks, every round)",
                      "exact" if exact else "not exact (see the counts table)", exact))
        lines.append(("Ownership: the flood's entries carry the sender's and the receiver's PIDs",
                      "every round" if stamped else "not in every round", stamped))


def ownership_datapath(out_dir, notes, lines):
    import os
    dp = os.path.join(out_dir, "ownership-datapath")
    rows = read_tsv_or_none(os.path.join(dp, "datapath.tsv"))
    cmd = notes.get("datapath-start", ("", "", "bash bench/datapath.sh"))[2]
    print(f"### Datapath: 64-byte UDP with the daemon as shipped\n\n    {cmd}\n")
    if not rows:
        print("not run.\n")
        return
    try:
        with open(os.path.join(dp, "hooks.txt")) as f:
            hooks = [l.strip() for l in f if l.strip()]
    except OSError:
        hooks = []
    print("The datapath section's UDP scenario (`udp_flood` in fmdp-tx → `udp_sink` in fmdp-rx over a veth, "
          "flowmond with `-i fmb-rx` in fmdp-rx), only *none* and *flowmond*, order swapped each round. What the "
          "flowmond run measures: the daemon attaches the ownership hooks by default, and they sit at the cgroup "
          "v2 root, so besides the TC program on the receiving veth's ingress (packets without a socket: 5-tuple "
          "and endpoint lookups) they run in the sender's and the receiver's own calls in the other namespaces: "
          "cgroup_skb/egress and sock_send_length for every datagram sent, sock_recv_length for every receive "
          "call of the sink. The SOCKET probes see no TCP here. The daemon logged:\n")
    for h in hooks:
        print(f"    {h}")
    print()
    base = {r["round"]: num(r["rate_pps"]) for r in rows if r["config"] == "none"}
    fm = [r for r in rows if r["config"] == "flowmond"]
    ratios = [num(r["rate_pps"]) / base[r["round"]] if base.get(r["round"]) else None for r in fm]
    m = median(ratios)
    print("| round | none pkt/s | flowmond pkt/s | ratio | flowmond counted / sent |")
    print("|---|---|---|---|---|")
    exact = True
    for r, x in zip(fm, ratios):
        ok = r["counted"] == r["expected"]
        exact = exact and ok
        print(f"| {r['round']} | {fmt(base.get(r['round']))} | {fmt(num(r['rate_pps']))} | {fmt(x)} | "
              f"{int(r['counted']):,} / {int(r['expected']):,} |")
    print(f"| **median** | {fmt(median(list(base.values())))} | {fmt(median([num(r['rate_pps']) for r in fm]))} | "
          f"**{fmt(m)}** ({pct(spread(ratios))}) | {'exact' if exact else 'not exact'} |")
    print()
    tc = read_tsv_or_none(os.path.join(dp, "datapath-tc.tsv")) or []
    tc = [r for r in tc if num(r["tc_runs"])]
    for r in tc:
        print(f"bpf_stats pass (one more flowmond run, {r['seconds']} s): the TC program on the receiving veth "
              f"{num(r['tc_run_ns']) / num(r['tc_runs']):.0f} ns per run, {int(num(r['tc_runs'])):,} runs for "
              f"{int(r['expected']):,} datagrams sent; counted {r['counted']} / {r['expected']}.\n")
    if m is not None:
        lines.append(("Ownership: 64-byte UDP datapath ≥ 0.99 of no program (daemon as shipped, ownership attached)",
                      f"{m:.3f} (spread {pct(spread(ratios))})", m >= 0.99))
        lines.append(("Ownership: daemon's counts exact in that run", "exact" if exact else "not exact", exact))


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
    elif cmd == "ownership":
        ownership(argv[2], argv[3])
    elif cmd == "targets":
        targets(argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
