#!/usr/bin/env bash
# Turns $OUT_DIR/datapath.tsv into the datapath table of RESULTS.md (printed on stdout).
# Ratios are per round against the "none" run of the same round; the table shows their
# median and spread ((max-min)/median) across rounds.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TSV=${1:-$OUT_DIR/datapath.tsv}
HZ=$(clk_tck)

# one line per (scenario, config, round): rate ratio, CPU ns/packet, tool CPU %, counted/expected
awk -F'\t' -v hz="$HZ" 'NR>1 {
	key=$1 SUBSEP $3
	rate = ($1=="udp") ? $6/$4 : $6
	if ($2=="none") base[key]=rate
	rows[NR]=$0; r[NR]=rate
}
END {
	for (i in rows) {
		split(rows[i], f, "\t")
		key=f[1] SUBSEP f[3]
		ratio = (base[key] > 0) ? r[i]/base[key] : 0
		cpu_ns = (f[9] > 0) ? (f[7]+f[8]) / hz / f[9] * 1e9 : 0
		tool_pct = f[8] / hz / f[4] * 100
		expected = (f[1]=="udp") ? f[5] : f[9]
		# with offloads on the veth carries GSO super-packets while flowmond counts wire segments
		# (skb gso_segs): no capture-independent truth for it there, see the offloads-off rows
		wire = (f[1]=="tcp-offloads-on" && f[2]=="flowmond")
		cnt = (f[10]=="-" || wire) ? "-" : sprintf("%.5f", f[10]/expected)
		printf "%s\t%s\t%s\t%.4f\t%.0f\t%.1f\t%s\t%.0f\n", f[1], f[2], f[3], ratio, cpu_ns, tool_pct, cnt, r[i]
	}
}' "$TSV" | sort > "$OUT_DIR/datapath.ratios"

echo "| scenario | configuration | rate ratio (median, spread) | absolute rate (median) | softirq+tool CPU ns/packet | tool CPU % of a core | counted / expected (worst round) |"
echo "|---|---|---|---|---|---|---|"
for sc in udp tcp-offloads-on tcp-offloads-off; do
	for cfg in $(awk -F'\t' -v s=$sc '$1==s{print $2}' "$OUT_DIR/datapath.ratios" | awk '!seen[$0]++'); do
		sel() { awk -F'\t' -v s=$sc -v c=$cfg -v k="$1" '$1==s && $2==c {print $k}' "$OUT_DIR/datapath.ratios"; }
		read -r rm rs < <(sel 4 | median_spread)
		read -r am _ < <(sel 8 | median_spread)
		read -r cm _ < <(sel 5 | median_spread)
		read -r tm _ < <(sel 6 | median_spread)
		worst=$(sel 7 | sort -g | head -1)
		unit=$([ $sc = udp ] && echo "pps" || echo "bit/s")
		printf '| %s | %s | %.3f (±%.1f %%) | %.4g %s | %s | %s | %s |\n' \
			"$sc" "$cfg" "$rm" "$(awk -v s="$rs" 'BEGIN{print s*100}')" "$am" "$unit" "$cm" "$tm" "$worst"
	done
done
