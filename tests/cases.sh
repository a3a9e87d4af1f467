# shellcheck shell=bash
# Case bookkeeping for the shell test scripts (sourced): one `[PASS] name`
# or `[FAIL] name: why` line per case, and the closing `N passed, M failed`
# line that scripts/check.sh adds up.  tests/qemu/cases.py is the Python twin.
passed=0
failed=0
result() { # name, status (0 = pass), why
	if [ "$2" = 0 ]; then echo "[PASS] $1"; passed=$((passed + 1));
	else echo "[FAIL] $1: $3"; failed=$((failed + 1)); fi
}
finish() { # the closing line; the script's exit status
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
