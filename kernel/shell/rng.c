/*
 * `rng [COUNT]`: COUNT random bytes (default 32, at most 4096) from the
 * first entropy source (kernel/entropy/), in hex, 32 to a line.
 */
#include "kernel/dma.h"
#include "kernel/entropy/entropy.h"
#include "kernel/errno.h"
#include "kernel/shell/shell_priv.h"
#include "kernel/timer.h"
#include "lib/parse.h"

#define RNG_DEFAULT 32
#define RNG_MAX_SHOW 4096

void shell_cmd_rng(int argc, const struct shell_arg *argv)
{
	uint64_t count = RNG_DEFAULT;

	/* the shell's dispatcher has refused more than one word */
	if (argc == 2 && !parse_u64(argv[1].s, &count)) {
		kprintf("rng: COUNT '%s' is not a number\n", argv[1].s);
		return;
	}
	if (count == 0 || count > RNG_MAX_SHOW) {
		kprintf("rng: COUNT must be 1..%u\n", RNG_MAX_SHOW);
		return;
	}
	struct entropy_source *src = entropy_get(0);
	if (!src) {
		kprintf("rng: no entropy device (add -device virtio-rng-device or virtio-rng-pci)\n");
		return;
	}
	size_t mark = dma_mark();
	uint8_t *buf = dma_alloc(count);
	int rc = buf ? entropy_read(src, buf, (uint32_t)count, deadline_in_ms(ENTROPY_WAIT_MS))
		     : KERR_ENOMEM;
	if (rc < 0) {
		kprintf("rng: %s\n", kstrerror(rc));
		if (rc != KERR_EDEAD) /* else the device may still write there */
			dma_release(mark);
		return;
	}
	for (uint64_t i = 0; i < count; i++)
		kprintf("%02x%s", buf[i], (i % 32 == 31 || i + 1 == count) ? "\n" : "");
	dma_release(mark);
}
