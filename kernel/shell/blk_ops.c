/*
 * `blk flush`, `blk cache`, `blk discard`, `blk zero`, `blk id` and `blk
 * verify` (see shell/blk.h).  As everywhere in the shell: every argument is
 * checked before any I/O, and a refusal is one line that names the
 * command.  argv[0] is the subcommand, argv[1] the DISK (dispatch.c has
 * checked the word count).
 */
#include "kernel/blk/blkdev.h"
#include "kernel/dma.h"
#include "kernel/shell/blk.h"
#include "lib/kstring.h"
#include "lib/printf.h"

#define VERIFY_CHUNK 256u /* sectors per request: 128 KiB, whole blocks of any size */

static const char *plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

void shell_blk_flush(int argc, const struct shell_arg *argv)
{
	struct blkdev *dev;

	(void)argc;
	if (!(dev = blk_find_disk("flush", &argv[1])))
		return;
	bool writeback = dev->caps & BLKDEV_CAP_FLUSH;
	int rc = blkdev_flush(dev);
	if (rc)
		kprintf("blk flush %s (%s cache): %s\n", dev->name,
			writeback ? "writeback" : "writethrough", kstrerror(rc));
	else if (writeback)
		kprintf("flushed %s: writeback cache, FLUSH completed\n", dev->name);
	else
		kprintf("flushed %s: writethrough cache, every completed write is already durable\n",
			dev->name);
}

void shell_blk_cache(int argc, const struct shell_arg *argv)
{
	struct blkdev *dev;

	if (!(dev = blk_find_disk("cache", &argv[1])))
		return;
	if (argc == 2) {
		kprintf("%s: %s cache%s\n", dev->name,
			dev->caps & BLKDEV_CAP_FLUSH ? "writeback" : "writethrough",
			dev->ops->set_writeback ? "" : " (fixed)");
		return;
	}
	bool wb = strcmp(argv[2].s, "writeback") == 0;
	if (!wb && strcmp(argv[2].s, "writethrough") != 0) {
		kprintf("blk cache: MODE '%s' is neither writeback nor writethrough\n", argv[2].s);
		return;
	}
	int rc = dev->ops->set_writeback ? dev->ops->set_writeback(dev, wb) : KERR_EUNSUPP;
	if (rc)
		kprintf("blk cache %s: %s\n", dev->name, kstrerror(rc));
	else
		kprintf("%s: %s cache\n", dev->name, wb ? "writeback" : "writethrough");
}

/* DISK SECTOR COUNT for discard and zero; false after printing why not. */
static bool range_args(const char *cmd, const struct shell_arg *argv, uint32_t cap,
		       const char *opname, struct blkdev **dev, uint64_t *sector, uint64_t *count)
{
	if (!(*dev = blk_find_disk(cmd, &argv[1])) ||
	    !blk_get_number(cmd, "SECTOR", &argv[2], sector) ||
	    !blk_get_number(cmd, "COUNT", &argv[3], count) ||
	    !blk_check_range(cmd, *dev, *sector, *count, 0) ||
	    !blk_check_blocks(cmd, *dev, *sector, *count) ||
	    !blk_check_writable(cmd, *dev))
		return false;
	if (!((*dev)->caps & cap)) {
		kprintf("blk %s: %s does not support %s\n", cmd, (*dev)->name, opname);
		return false;
	}
	return true;
}

void shell_blk_discard(int argc, const struct shell_arg *argv)
{
	struct blkdev *dev;
	uint64_t sector, count;

	(void)argc;
	if (!range_args("discard", argv, BLKDEV_CAP_DISCARD, "DISCARD", &dev, &sector, &count))
		return;
	int rc = blkdev_discard(dev, sector, count);
	if (rc)
		kprintf("blk discard %s: %s\n", dev->name, kstrerror(rc));
	else
		kprintf("discarded %lu sector%s at %lu on %s\n", (unsigned long)count,
			plural(count), (unsigned long)sector, dev->name);
}

void shell_blk_zero(int argc, const struct shell_arg *argv)
{
	struct blkdev *dev;
	uint64_t sector, count;
	bool unmap = argc > 4;

	if (unmap && (argv[4].quoted || strcmp(argv[4].s, "unmap") != 0)) {
		kprintf("blk zero: the word after COUNT may only be unmap (unquoted), not %s%s%s\n",
			argv[4].quoted ? "\"" : "'", argv[4].s, argv[4].quoted ? "\"" : "'");
		return;
	}
	if (!range_args("zero", argv, BLKDEV_CAP_WRITE_ZEROES, "WRITE_ZEROES", &dev, &sector, &count))
		return;
	int rc = blkdev_write_zeroes(dev, sector, count, unmap);
	if (rc)
		kprintf("blk zero %s: %s\n", dev->name, kstrerror(rc));
	else
		kprintf("zeroed %lu sector%s at %lu on %s%s\n", (unsigned long)count, plural(count),
			(unsigned long)sector, dev->name, unmap ? " (the disk may deallocate them)" : "");
}

void shell_blk_id(int argc, const struct shell_arg *argv)
{
	char id[BLKDEV_ID_BYTES + 1];
	struct blkdev *dev;

	(void)argc;
	if (!(dev = blk_find_disk("id", &argv[1])))
		return;
	int rc = blkdev_get_id(dev, id);
	if (rc) {
		kprintf("blk id %s: %s\n", dev->name, kstrerror(rc));
		return;
	}
	if (!id[0]) {
		kprintf("%s: serial is empty (the device has none set)\n", dev->name);
		return;
	}
	/* the bytes come from the device: show only printable ones */
	for (char *p = id; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	kprintf("%s: serial \"%s\"\n", dev->name, id);
}

/*
 * The default verify pattern: 8-byte words that encode the sector number
 * and the word's place in it, so a sector written to the wrong place, or
 * shifted within a request, reads back different.
 */
static uint64_t sector_word(uint64_t sector, unsigned word)
{
	return (sector << 6 | word) * 0x9E3779B97F4A7C15ull;
}

struct pattern {
	const char *str; /* a repeated string, or NULL */
	size_t len;
	uint8_t byte;
	bool per_sector; /* the default */
	uint64_t first;  /* the range's first sector (string offsets count from it) */
};

static void fill(const struct pattern *pat, uint8_t *buf, uint64_t sector, uint32_t n)
{
	size_t bytes = (size_t)n * BLKDEV_SECTOR;

	if (pat->per_sector) {
		for (uint32_t s = 0; s < n; s++)
			for (unsigned w = 0; w < BLKDEV_SECTOR / 8; w++) {
				uint64_t v = sector_word(sector + s, w);
				for (unsigned k = 0; k < 8; k++)
					buf[(size_t)s * BLKDEV_SECTOR + w * 8 + k] = (uint8_t)(v >> (8 * k));
			}
	} else if (pat->str) {
		size_t off = (size_t)((sector - pat->first) * BLKDEV_SECTOR % pat->len);
		for (size_t i = 0; i < bytes; i++)
			buf[i] = (uint8_t)pat->str[(off + i) % pat->len];
	} else {
		memset(buf, pat->byte, bytes);
	}
}

struct mismatch {
	uint64_t bad_sectors, sector;
	unsigned byte;
	uint8_t got, want;
};

static void compare(struct mismatch *m, const uint8_t *got, const uint8_t *want,
		    uint64_t sector, uint32_t n)
{
	for (uint32_t s = 0; s < n; s++) {
		const uint8_t *g = got + (size_t)s * BLKDEV_SECTOR;
		const uint8_t *w = want + (size_t)s * BLKDEV_SECTOR;
		if (memcmp(g, w, BLKDEV_SECTOR) == 0)
			continue;
		if (m->bad_sectors++ == 0) {
			unsigned i = 0;
			while (g[i] == w[i])
				i++;
			*m = (struct mismatch){ 1, sector + s, i, g[i], w[i] };
		}
	}
}

/* One pass over the range, writing or reading and comparing.  0, or the
 * error of the first failed request (reported here). */
static int verify_pass(struct blkdev *dev, bool writing, const struct pattern *pat,
		       uint64_t first, uint64_t count, uint8_t *want, uint8_t *got,
		       struct mismatch *m)
{
	for (uint64_t done = 0; done < count;) {
		uint32_t n = count - done < VERIFY_CHUNK ? (uint32_t)(count - done) : VERIFY_CHUNK;
		uint64_t sector = first + done;
		int rc;

		fill(pat, want, sector, n);
		if (writing) {
			rc = blkdev_write(dev, sector, n, want);
		} else {
			/* not the pattern, so a read that transfers nothing shows */
			for (size_t i = 0; i < (size_t)n * BLKDEV_SECTOR; i++)
				got[i] = (uint8_t)~want[i];
			rc = blkdev_read(dev, sector, n, got);
		}
		if (rc) {
			kprintf("blk verify %s: %s of sectors %lu..%lu failed: %s\n", dev->name,
				writing ? "write" : "read", (unsigned long)sector,
				(unsigned long)(sector + n - 1), kstrerror(rc));
			return rc;
		}
		if (!writing)
			compare(m, got, want, sector, n);
		done += n;
	}
	return 0;
}

void shell_blk_verify(int argc, const struct shell_arg *argv)
{
	struct pattern pat = { .per_sector = true };
	struct mismatch m = { 0 };
	struct blkdev *dev;
	uint64_t sector, count;

	if (!(dev = blk_find_disk("verify", &argv[1])) ||
	    !blk_get_number("verify", "SECTOR", &argv[2], &sector) ||
	    !blk_get_number("verify", "COUNT", &argv[3], &count) ||
	    !blk_check_range("verify", dev, sector, count, 0) ||
	    !blk_check_blocks("verify", dev, sector, count) ||
	    (argc > 4 && !blk_get_pattern("verify", &argv[4], &pat.str, &pat.byte)) ||
	    !blk_check_writable("verify", dev))
		return;
	if (argc > 4) {
		pat.per_sector = false;
		pat.len = pat.str ? strlen(pat.str) : 0;
	}
	pat.first = sector;

	size_t mark = dma_mark();
	uint8_t *want = dma_alloc(VERIFY_CHUNK * BLKDEV_SECTOR);
	uint8_t *got = dma_alloc(VERIFY_CHUNK * BLKDEV_SECTOR);
	if (!want || !got) {
		dma_release(mark);
		kprintf("blk verify: not enough DMA memory for two %u KiB buffers (see 'mem')\n",
			VERIFY_CHUNK * BLKDEV_SECTOR / 1024);
		return;
	}
	/* Everything written first, then everything read: a write that lands
	 * in the wrong place is caught even if it hit another chunk. */
	int rc = verify_pass(dev, true, &pat, sector, count, want, got, &m);
	if (!rc)
		rc = verify_pass(dev, false, &pat, sector, count, want, got, &m);
	if (rc == KERR_ETIMEDOUT)
		return; /* the device still owns a buffer: leave it allocated */
	dma_release(mark);
	if (rc)
		return;
	if (m.bad_sectors)
		kprintf("blk verify %s: %lu of %lu sectors differ; first: sector %lu byte %u "
			"read 0x%02x, want 0x%02x\n", dev->name, (unsigned long)m.bad_sectors,
			(unsigned long)count, (unsigned long)m.sector, m.byte, m.got, m.want);
	else
		kprintf("verified %lu sector%s at %lu on %s: all read back as written (%s)\n",
			(unsigned long)count, plural(count), (unsigned long)sector, dev->name,
			pat.per_sector ? "per-sector pattern" : pat.str ? "string pattern" : "byte pattern");
}
