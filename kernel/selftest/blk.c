/*
 * Block-device self-test: the same cases for every registered disk.
 *
 * The host checks the disk image afterwards, so the set of writes is
 * fixed and exact.  On a writable disk of C sectors, only these sectors are
 * ever written, always with pattern_byte() below:
 *	0, C/2, C-1              (single-sector write+read)
 *	64..79   if C >= 80      (one 16-sector request)
 *	128..159 if C >= 160     (32 single-sector requests in flight)
 * and, when the disk offers the command and the range is whole blocks:
 *	200..263 if C >= 264     WRITE_ZEROES (then read back as zeros)
 *	300..363 if C >= 364     DISCARD (content afterwards unspecified: the
 *	                         host accepts old content or zeros there)
 * then a FLUSH when the cache is writeback.  The in-flight case's blocks
 * are read once more through a single request that its done() resubmits
 * (blkdev.h, "Completion"), the last time past the end, which the driver
 * must refuse through one more done() with the error, never repeated.  The past-the-end writes are
 * refused by blkdev_submit() before a driver sees them.  A read-only disk
 * gets no successful write at all.  Every disk first reads block 0 between
 * canaries (the data must land exactly in the buffer the CPU sees) and is
 * asked for its serial (GET_ID), which the PASS line shows.  A disk of 8 Mi
 * sectors or more is asked for one read of more than 4 GiB, which must be
 * refused.
 *
 * The in-flight cases are in blk_inflight.c, the state and helpers they
 * share in blk_run.h.
 *
 * If any request times out the device still owns its buffer, so from then
 * on this disk's remaining cases are skipped and its buffers are leaked
 * rather than released back to the DMA pool.
 */
#include <stdarg.h>
#include <stdint.h>

#include "kernel/blk/blkdev.h"
#include "kernel/dma.h"
#include "kernel/selftest/blk_run.h"
#include "kernel/selftest/suites.h"
#include "lib/kstring.h"
#include "lib/printf.h"

#define MULTI_FIRST 64
#define MULTI_COUNT 16
#define ZEROES_FIRST 200
#define ZEROES_COUNT 64
#define DISCARD_FIRST 300
#define DISCARD_COUNT 64

/* Byte i of sector s; the host recomputes exactly this. */
static uint8_t pattern_byte(uint64_t s, unsigned i)
{
	return (uint8_t)(((uint32_t)s * 131u) ^ (i * 7u) ^ 0x5Au);
}

void blkst_fill_pattern(uint8_t *buf, uint64_t first, uint32_t count)
{
	for (uint32_t k = 0; k < count; k++)
		for (unsigned i = 0; i < SECTOR; i++)
			buf[k * SECTOR + i] = pattern_byte(first + k, i);
}

/* Compares against the pattern; on a mismatch describes the first one. */
bool blkst_check_pattern(const uint8_t *buf, uint64_t first, uint32_t count,
			  char *why, size_t whylen)
{
	for (uint32_t k = 0; k < count; k++) {
		for (unsigned i = 0; i < SECTOR; i++) {
			uint8_t want = pattern_byte(first + k, i);
			uint8_t got = buf[k * SECTOR + i];
			if (got != want) {
				ksnprintf(why, whylen, "sector %lu byte %u: read 0x%02x, want 0x%02x",
					  (unsigned long)(first + k), i, got, want);
				return false;
			}
		}
	}
	return true;
}

const char *blkst_case_name(struct disk_run *r, const char *fmt, ...)
{
	va_list ap;
	int n = ksnprintf(r->name, sizeof(r->name), "%s: ", r->dev->name);

	va_start(ap, fmt);
	kvsnprintf(r->name + n, sizeof(r->name) - n, fmt, ap);
	va_end(ap);
	return r->name;
}

/* Fails the case for a driver/registry error rc; notes a timeout. */
void blkst_fail_rc(struct disk_run *r, const char *name, const char *what, int rc)
{
	if (rc == KERR_ETIMEDOUT)
		r->stuck = true;
	selftest_fail(r->t, name, "%s: %s (%d)", what, kstrerror(rc), rc);
}

bool blkst_skip_if_stuck(struct disk_run *r, const char *name)
{
	if (r->stuck)
		selftest_note(r->t, "skipped '%s': an earlier request timed out", name);
	return r->stuck;
}

static bool case_geometry(struct disk_run *r)
{
	const char *name = blkst_case_name(r, "geometry");
	uint32_t bs = r->dev->block_size;

	if (r->c == 0) {
		selftest_fail(r->t, name, "capacity is 0 sectors");
		return false;
	}
	if (bs < SECTOR || (bs & (bs - 1))) {
		selftest_fail(r->t, name, "block size %u is not a power of two >= 512", bs);
		return false;
	}
	selftest_pass(r->t, name, "%lu sectors = %lu.%lu MiB, block size %u, %s, %s",
		      (unsigned long)r->c, (unsigned long)(r->c / 2048),
		      (unsigned long)(r->c % 2048 * 10 / 2048), bs,
		      r->dev->read_only ? "read-only" : "writable",
		      r->dev->transport ? r->dev->transport : "?");
	return true;
}

/*
 * The device writes a read's data at dma_addr(buf), the CPU reads it at
 * buf, and the two addresses differ (kernel/paging.c).  Block 0 read into
 * the middle of three canary-filled blocks, twice with different canaries:
 * the same bytes both times, and every canary byte around them intact,
 * means the data landed exactly there.  A read only: any disk will do.
 */
static void case_read_lands(struct disk_run *r)
{
	static const uint8_t canary[2] = { 0xa5, 0x5a };
	const char *name = blkst_case_name(r, "a read lands exactly in its buffer");
	size_t block = (size_t)r->per * SECTOR;
	uint8_t *data = r->buf + block; /* r->buf holds BATCH_COUNT >= 3 blocks */

	for (unsigned k = 0; k < 2; k++) {
		memset(r->buf, canary[k], 3 * block);
		int rc = blkdev_read(r->dev, 0, r->per, data);
		if (rc) {
			blkst_fail_rc(r, name, "read", rc);
			return;
		}
		for (size_t i = 0; i < block; i++) {
			if (r->buf[i] != canary[k] || data[block + i] != canary[k]) {
				selftest_fail(r->t, name, "a canary byte next to the buffer changed: "
					      "the device wrote outside it");
				return;
			}
		}
		if (k == 0)
			memcpy(r->ref, data, block);
	}
	if (memcmp(r->ref, data, block) != 0)
		selftest_fail(r->t, name, "the buffer did not receive the same bytes twice: "
			      "the device wrote somewhere else");
	else
		selftest_pass(r->t, name, "virtual %p, DMA 0x%lx", (void *)data,
			      (unsigned long)dma_addr(data));
}

/* Write the pattern to `count` sectors at `first` in one request, read
 * them back in one request, compare. */
static void case_write_read(struct disk_run *r, const char *name, uint64_t first, uint32_t count)
{
	char why[96];
	int rc;

	if (blkst_skip_if_stuck(r, name))
		return;
	blkst_fill_pattern(r->buf, first, count);
	rc = blkdev_write(r->dev, first, count, r->buf);
	if (rc) {
		blkst_fail_rc(r, name, "write", rc);
		return;
	}
	memset(r->buf, 0, (size_t)count * SECTOR);
	rc = blkdev_read(r->dev, first, count, r->buf);
	if (rc) {
		blkst_fail_rc(r, name, "read", rc);
		return;
	}
	if (blkst_check_pattern(r->buf, first, count, why, sizeof(why)))
		selftest_pass(r->t, name, NULL);
	else
		selftest_fail(r->t, name, "%s", why);
}

static void expect_rc(struct disk_run *r, const char *name, int rc, int want, const char *want_name)
{
	if (rc == want)
		selftest_pass(r->t, name, NULL);
	else if (rc == KERR_ETIMEDOUT)
		blkst_fail_rc(r, name, "instead of failing fast", rc);
	else
		selftest_fail(r->t, name, "got %d (%s), want %s", rc,
			      kstrerror(rc), want_name);
}

static void case_past_end(struct disk_run *r)
{
	const char *name = blkst_case_name(r, "read at sector C=%lu is refused", (unsigned long)r->c);
	char why[96];
	int rc;

	if (blkst_skip_if_stuck(r, name))
		return;
	expect_rc(r, name, blkdev_read(r->dev, r->c, 1, r->buf), KERR_ERANGE, "KERR_ERANGE");
	if (r->dev->read_only)
		return; /* a write there would be refused as read-only first */

	/* The last block plus one more: reaches one block past the end. */
	uint64_t last = r->c - r->per;
	name = blkst_case_name(r, "write at sector C-%u count %u is refused", r->per, 2 * r->per);
	memset(r->buf, 0xee, 2 * r->per * SECTOR);
	expect_rc(r, name, blkdev_write(r->dev, last, 2 * r->per, r->buf), KERR_ERANGE,
		  "KERR_ERANGE");

	name = blkst_case_name(r, "last block intact after the refused write");
	if (blkst_skip_if_stuck(r, name))
		return;
	memset(r->buf, 0, r->per * SECTOR);
	rc = blkdev_read(r->dev, last, r->per, r->buf);
	if (rc)
		blkst_fail_rc(r, name, "read", rc);
	else if (blkst_check_pattern(r->buf, last, r->per, why, sizeof(why)))
		selftest_pass(r->t, name, NULL);
	else
		selftest_fail(r->t, name, "%s", why);
}

/* A request of more than 4 GiB: 8 Mi + 1 sectors is 2^32 + 512 bytes,
 * which a 32-bit length would carry as 512.  It must be refused whole,
 * never done short.  Only a disk that big can be asked (the registry
 * refuses a range past the end first); a read, so nothing is written. */
static void case_huge_request(struct disk_run *r)
{
	const uint32_t count = (1u << 23) + 1;
	const char *name = blkst_case_name(r, "a read of 2^32 + 512 bytes is refused, not cut short");
	if (r->c < count || blkst_skip_if_stuck(r, name))
		return;
	/* r->buf is far smaller: a driver that truncated the length would
	 * read 512 bytes into it and call that success. */
	expect_rc(r, name, blkdev_read(r->dev, 0, count, r->buf), KERR_EINVAL, "KERR_EINVAL");
}

static void case_read_only(struct disk_run *r)
{
	const char *name = blkst_case_name(r, "write to read-only disk is refused");
	uint64_t reads[3] = { 0, r->c / 2 / r->per * r->per, r->c - r->per };
	int rc;

	rc = blkdev_read(r->dev, 0, r->per, r->ref);
	if (rc) {
		blkst_fail_rc(r, name, "reading sector 0 first", rc);
		return;
	}
	for (unsigned i = 0; i < r->per * SECTOR; i++)
		r->buf[i] = (uint8_t)~r->ref[i];
	expect_rc(r, name, blkdev_write(r->dev, 0, r->per, r->buf), KERR_EROFS, "KERR_EROFS");

	name = blkst_case_name(r, "sector 0 unchanged after the refused write");
	if (blkst_skip_if_stuck(r, name))
		return;
	memset(r->buf, 0, r->per * SECTOR);
	rc = blkdev_read(r->dev, 0, r->per, r->buf);
	if (rc)
		blkst_fail_rc(r, name, "read", rc);
	else
		selftest_check(r->t, memcmp(r->buf, r->ref, r->per * SECTOR) == 0, name,
			       "sector 0 differs from what was read before the write");

	for (unsigned k = 0; k < 3; k++) {
		name = blkst_case_name(r, "read sector %lu", (unsigned long)reads[k]);
		if (blkst_skip_if_stuck(r, name))
			return;
		rc = blkdev_read(r->dev, reads[k], r->per, r->buf);
		if (rc)
			blkst_fail_rc(r, name, "read", rc);
		else
			selftest_pass(r->t, name, NULL);
	}
}

/* The case for an optional command runs only when the disk offers it;
 * otherwise a note says why not. */
static bool offered(struct disk_run *r, uint32_t cap, const char *what, const char *why_not)
{
	if (r->dev->caps & cap)
		return true;
	selftest_note(r->t, "%s: no %s case: %s", r->dev->name, what, why_not);
	return false;
}

/* A range command applies only when offered and in whole blocks. */
static bool range_applies(struct disk_run *r, uint32_t cap, const char *what,
			  uint64_t first, uint64_t count)
{
	uint32_t per = r->dev->block_size / SECTOR;

	if (r->c < first + count) {
		selftest_note(r->t, "%s: too small for the %s case", r->dev->name, what);
		return false;
	}
	if (!offered(r, cap, what, "the disk does not offer it"))
		return false;
	if (per > 1 && (first % per || count % per)) {
		selftest_note(r->t, "%s: no %s case: sectors %lu..%lu are not whole %u-byte blocks",
			      r->dev->name, what, (unsigned long)first,
			      (unsigned long)(first + count - 1), r->dev->block_size);
		return false;
	}
	return true;
}

static void case_write_zeroes(struct disk_run *r)
{
	const char *name = blkst_case_name(r, "WRITE_ZEROES sectors %u..%u reads back zeros",
				     ZEROES_FIRST, ZEROES_FIRST + ZEROES_COUNT - 1);
	int rc;

	if (!range_applies(r, BLKDEV_CAP_WRITE_ZEROES, "WRITE_ZEROES", ZEROES_FIRST, ZEROES_COUNT) ||
	    blkst_skip_if_stuck(r, name))
		return;
	rc = blkdev_write_zeroes(r->dev, ZEROES_FIRST, ZEROES_COUNT, false);
	if (rc) {
		blkst_fail_rc(r, name, "write-zeroes", rc);
		return;
	}
	for (unsigned done = 0; done < ZEROES_COUNT; done += BATCH_COUNT) {
		memset(r->buf, 0xa5, BATCH_COUNT * SECTOR);
		rc = blkdev_read(r->dev, ZEROES_FIRST + done, BATCH_COUNT, r->buf);
		if (rc) {
			blkst_fail_rc(r, name, "read", rc);
			return;
		}
		for (unsigned i = 0; i < BATCH_COUNT * SECTOR; i++) {
			if (r->buf[i]) {
				selftest_fail(r->t, name, "sector %u byte %u: read 0x%02x, want 0",
					      ZEROES_FIRST + done + i / SECTOR, i % SECTOR, r->buf[i]);
				return;
			}
		}
	}
	selftest_pass(r->t, name, NULL);
}

static void case_discard(struct disk_run *r)
{
	const char *name = blkst_case_name(r, "DISCARD sectors %u..%u", DISCARD_FIRST,
				     DISCARD_FIRST + DISCARD_COUNT - 1);
	int rc;

	if (!range_applies(r, BLKDEV_CAP_DISCARD, "DISCARD", DISCARD_FIRST, DISCARD_COUNT) ||
	    blkst_skip_if_stuck(r, name))
		return;
	rc = blkdev_discard(r->dev, DISCARD_FIRST, DISCARD_COUNT);
	if (rc)
		blkst_fail_rc(r, name, "discard", rc);
	else
		selftest_pass(r->t, name, NULL);
}

static void case_flush(struct disk_run *r)
{
	const char *name = blkst_case_name(r, "FLUSH after the writes");
	int rc;

	if (!offered(r, BLKDEV_CAP_FLUSH, "FLUSH", "the cache is writethrough") ||
	    blkst_skip_if_stuck(r, name))
		return;
	rc = blkdev_flush(r->dev);
	if (rc)
		blkst_fail_rc(r, name, "flush", rc);
	else
		selftest_pass(r->t, name, "writeback cache");
}

static void case_get_id(struct disk_run *r)
{
	const char *name = blkst_case_name(r, "GET_ID");
	char id[BLKDEV_ID_BYTES + 1];
	int rc;

	if (!offered(r, BLKDEV_CAP_GET_ID, "GET_ID", "the disk does not offer it") ||
	    blkst_skip_if_stuck(r, name))
		return;
	rc = blkdev_get_id(r->dev, id);
	if (rc) {
		blkst_fail_rc(r, name, "get-id", rc);
		return;
	}
	for (char *p = id; *p; p++) {
		if (*p < 0x20 || *p > 0x7e) {
			selftest_fail(r->t, name, "byte %u of the serial is 0x%02x, not printable",
				      (unsigned)(p - id), (uint8_t)*p);
			return;
		}
	}
	if (id[0])
		selftest_pass(r->t, name, "serial \"%s\"", id);
	else
		selftest_pass(r->t, name, "empty serial");
}

static void run_disk(struct selftest_ctx *t, struct blkdev *dev)
{
	struct disk_run r = { .t = t, .dev = dev, .c = dev->sectors };
	size_t mark = dma_mark();

	/* Every I/O is in whole logical blocks: the device may refuse less. */
	r.per = dev->block_size > SECTOR ? dev->block_size / SECTOR : 1;
	r.batch_first = r.per == 1 ? BATCH_FIRST : BATCH_FIRST_BIG;
	r.buf = dma_alloc((size_t)BATCH_COUNT * r.per * SECTOR);
	r.ref = dma_alloc((size_t)r.per * SECTOR);
	r.ios = dma_alloc(BATCH_COUNT * sizeof(struct blkdev_io));
	if (!r.buf || !r.ref || !r.ios) {
		dma_release(mark);
		selftest_fail(t, blkst_case_name(&r, "buffers"), "DMA pool exhausted");
		return;
	}

	if (case_geometry(&r)) {
		case_read_lands(&r);
		if (dev->read_only) {
			case_read_only(&r);
		} else {
			uint64_t mid = r.c / 2 / r.per * r.per, last = r.c - r.per;
			case_write_read(&r, blkst_case_name(&r, "write+read block at sector 0"), 0, r.per);
			case_write_read(&r, blkst_case_name(&r, "write+read block at sector C/2=%lu",
						      (unsigned long)mid), mid, r.per);
			case_write_read(&r, blkst_case_name(&r, "write+read block at sector C-%u=%lu",
						      r.per, (unsigned long)last), last, r.per);
			if (r.c >= MULTI_FIRST + MULTI_COUNT)
				case_write_read(&r, blkst_case_name(&r, "%u-sector request (sectors %u..%u)",
							      MULTI_COUNT, MULTI_FIRST,
							      MULTI_FIRST + MULTI_COUNT - 1),
						MULTI_FIRST, MULTI_COUNT);
			else
				selftest_note(t, "%s: too small for the multi-sector case", dev->name);
			if (r.c >= r.batch_first + (uint64_t)BATCH_COUNT * r.per) {
				blkst_case_in_flight(&r);
				blkst_case_resubmit(&r);
			} else
				selftest_note(t, "%s: too small for the in-flight case", dev->name);
			case_write_zeroes(&r);
			case_discard(&r);
			case_flush(&r);
		}
		case_past_end(&r);
		case_huge_request(&r);
		case_get_id(&r);
	}

	if (r.stuck)
		selftest_note(t, "%s: a request never completed; its buffers stay allocated",
			      dev->name);
	else
		dma_release(mark);
}

void selftest_blk_suite(struct selftest_ctx *t)
{
	if (blkdev_count() == 0) {
		selftest_note(t, "no block devices registered");
		return;
	}
	for (unsigned i = 0; i < blkdev_count(); i++)
		run_disk(t, blkdev_get(i));
}
