"""Case bookkeeping shared by the QEMU test scripts: one `[PASS] group: name`
or `[FAIL] group: name: why` line per case, and the closing
`N passed, M failed` line that scripts/check.sh adds up."""


class Cases:
    def __init__(self, group):
        self.group, self.passed, self.failed = group, 0, 0

    def __call__(self, ok, name, why=""):
        print(f"[{'PASS' if ok else 'FAIL'}] {self.group}: {name}" + ("" if ok else f": {why}"))
        if ok:
            self.passed += 1
        else:
            self.failed += 1

    def finish(self):
        """Print the closing line; the exit status for the script."""
        print(f"{self.passed} passed, {self.failed} failed")
        return 1 if self.failed else 0
