#!/usr/bin/env bash
# The fuzz targets' runs, for tests/tests.mk:
#   run.sh run RUNS TARGET...      each target from its seed corpus
#                                  (tests/fuzz/corpus-TARGET) for RUNS inputs,
#                                  new finds kept in build/fuzz/corpus-TARGET
#   run.sh merge TARGET...         fold those finds into tests/fuzz/corpus-TARGET
#                                  (-merge=1: only inputs that add coverage)
# One `[PASS]`/`[FAIL]` line per target or seed, then `N passed, M failed`.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/cases.sh
mode=$1
shift
art=build/fuzz/artifacts
mkdir -p "$art"
# libFuzzer's flags for every run: inputs up to 4 KiB, one input may take
# 10 s at most (no hang), crash inputs kept under build/fuzz/artifacts.
flags=(-max_len=4096 -timeout=10 -print_final_stats=1)

case $mode in
run)
	runs=$1
	shift
	for t in "$@"; do
		seeds=tests/fuzz/corpus-$t work=build/fuzz/corpus-$t
		mkdir -p "$seeds" "$work"
		out=$(build/fuzz/fuzz_"$t" "${flags[@]}" -runs="$runs" -artifact_prefix="$art/$t-" \
			"$work" "$seeds" 2>&1)
		rc=$?
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' <<<"$out")
		cov=$(grep -oE 'cov: [0-9]+' <<<"$out" | tail -n 1)
		echo "fuzz_$t: ${execs:-?} inputs, ${cov:-cov: ?}, corpus $(ls "$seeds" | wc -l) seeds"
		if [ "$rc" -eq 0 ]; then
			result "fuzz_$t" 0
		else
			why=$(grep -m 1 -E '^==fuzz==|ERROR: ' <<<"$out")
			input=$(grep -oE "$art/[^ ]+" <<<"$out" | tail -n 1)
			result "fuzz_$t" 1 "${why:-exit status $rc} (input: ${input:-none})"
		fi
	done
	;;
merge)
	for t in "$@"; do
		seeds=tests/fuzz/corpus-$t work=build/fuzz/corpus-$t new=build/fuzz/merged-$t
		rm -rf "$new"
		mkdir -p "$new" "$seeds" "$work"
		if build/fuzz/fuzz_"$t" -merge=1 "${flags[@]}" "$new" "$seeds" "$work" >"$art/merge-$t.log" 2>&1; then
			# Named seeds (regressions: not a SHA-1 name) stay as they are.
			find "$seeds" -maxdepth 1 -type f ! -regex '.*/[0-9a-f]\{40\}' -exec cp {} "$new"/ \;
			rm -rf "$seeds"
			mv "$new" "$seeds"
			result "fuzz_$t corpus merged: $(ls "$seeds" | wc -l) seeds, $(cat "$seeds"/* | wc -c) bytes" 0
		else
			result "fuzz_$t corpus merge" 1 "see $art/merge-$t.log"
		fi
	done
	;;
*)
	echo "usage: $0 run RUNS TARGET... | merge TARGET..." >&2
	exit 2
	;;
esac
finish
