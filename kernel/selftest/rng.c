/*
 * Self-test suite "rng", run when there is an entropy source (suites.c):
 * two reads from the first source deliver, and the bytes look random
 * (not constant, not repeating).  Not a randomness test: just that the
 * device really wrote them.
 */
#include "kernel/dma.h"
#include "kernel/entropy/entropy.h"
#include "kernel/errno.h"
#include "kernel/selftest/suites.h"
#include "kernel/timer.h"
#include "lib/kstring.h"

#define READ_BYTES 256

void selftest_rng_suite(struct selftest_ctx *t)
{
	struct entropy_source *src = entropy_get(0);
	char name[64];
	if (!src) {
		selftest_note(t, "no entropy device");
		return;
	}
	size_t mark = dma_mark();
	uint8_t *a = dma_alloc(READ_BYTES), *b = dma_alloc(READ_BYTES);
	int ra = a ? entropy_read(src, a, READ_BYTES, deadline_in_ms(ENTROPY_WAIT_MS)) : KERR_ENOMEM;
	int rb = b ? entropy_read(src, b, READ_BYTES, deadline_in_ms(ENTROPY_WAIT_MS)) : KERR_ENOMEM;
	ksnprintf(name, sizeof(name), "%s: two reads of 256 bytes", src->name);
	if (ra != READ_BYTES || rb != READ_BYTES) {
		selftest_fail(t, name, "%s", kstrerror(ra < 0 ? ra : rb));
		if (ra != KERR_EDEAD && rb != KERR_EDEAD) /* else the device may still write */
			dma_release(mark);
		return;
	}
	selftest_pass(t, name, "%s", src->transport);
	unsigned distinct = 0;
	bool seen[256] = { false };
	for (unsigned i = 0; i < READ_BYTES; i++)
		if (!seen[a[i]]) {
			seen[a[i]] = true;
			distinct++;
		}
	ksnprintf(name, sizeof(name), "%s: bytes vary within and between reads", src->name);
	selftest_check(t, distinct >= 64 && memcmp(a, b, READ_BYTES) != 0, name,
		       "%u distinct byte values in 256; reads %s", distinct,
		       memcmp(a, b, READ_BYTES) ? "differ" : "are identical");
	dma_release(mark);
}
