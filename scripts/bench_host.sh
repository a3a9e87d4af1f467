#!/usr/bin/env bash
# Instructions per request of the library's virtqueue code (callgrind),
# for a 3-buffer blk-like chain: split/packed x direct/indirect.
# Usage: scripts/bench_host.sh build/bench/bench_host [requests]
set -eu
bin=$1
n=${2:-100000}
printf '%-8s %-9s %12s %10s\n' layout mode "instr/req" notifies
for layout in split packed; do
	for mode in direct indirect; do
		out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
			--collect-atstart=no \
			--toggle-collect=virtq_add --toggle-collect=virtq_kick_prepare \
			--toggle-collect=virtq_notify --toggle-collect=virtq_get_used \
			--toggle-collect=virtq_enable_cb "$bin" "$layout" "$mode" "$n" 2>&1)
		ir=$(echo "$out" | sed -nE 's/.*Collected : ([0-9]+).*/\1/p')
		notes=$(echo "$out" | sed -nE 's/.* ([0-9]+) notifies.*/\1/p')
		printf '%-8s %-9s %12s %10s\n' "$layout" "$mode" \
			"$(awk -v a="$ir" -v b="$n" 'BEGIN { printf "%.1f", a / b }')" "$notes"
	done
done
