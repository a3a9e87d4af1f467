#!/usr/bin/env bash
# Instructions per request of the library's virtqueue code (callgrind),
# for a 3-buffer blk-like chain: split/packed x direct/indirect, with the
# per-queue statistics compiled out (VIRTIO_STATS=0) and in, and the cost
# of counting.
# Usage: scripts/bench_host.sh STATS_OFF_BIN STATS_ON_BIN [requests]
set -eu
off=$1
on=$2
n=${3:-100000}

# instructions per request of one binary and configuration; sets ipr, notes
measure() {
	local out ir
	out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		--collect-atstart=no \
		--toggle-collect=virtq_add --toggle-collect=virtq_kick_prepare \
		--toggle-collect=virtq_notify --toggle-collect=virtq_get_used \
		--toggle-collect=virtq_enable_cb "$1" "$2" "$3" "$n" 2>&1)
	ir=$(echo "$out" | sed -nE 's/.*Collected : ([0-9]+).*/\1/p')
	notes=$(echo "$out" | sed -nE 's/.* ([0-9]+) notifies.*/\1/p')
	ipr=$(awk -v a="$ir" -v b="$n" 'BEGIN { printf "%.1f", a / b }')
}

printf '%-8s %-9s %12s %10s %8s %10s\n' layout mode "instr/req" "stats on" cost notifies
for layout in split packed; do
	for mode in direct indirect; do
		measure "$off" "$layout" "$mode"
		base=$ipr
		measure "$on" "$layout" "$mode"
		printf '%-8s %-9s %12s %10s %8s %10s\n' "$layout" "$mode" "$base" "$ipr" \
			"$(awk -v a="$ipr" -v b="$base" 'BEGIN { printf "%+.1f", a - b }')" "$notes"
	done
done
