/*
 * Data-integrity soak, in two boots (tests/qemu/soak.py):
 *   bootargs `soak-write`   every writable disk is written end to end with
 *                           a pattern that names each sector, then
 *                           FLUSHed; "soak: flushed" is printed and the
 *                           host kills QEMU without a clean shutdown.
 *   bootargs `soak-verify`  every sector of every disk is read back and
 *                           checked; the verdict is QEMU's exit status.
 * The host checks the image file between the boots as well.
 */
#include "kernel/selftest/soak.h"

#include "kernel/blk/blkdev.h"
#include "kernel/dma.h"
#include "kernel/timer.h"
#include "lib/kstring.h"
#include "lib/printf.h"

#define CHUNK_SECTORS 256u /* 128 KiB per request */

/* Sector s: "SOAKTEST", s as 8 little-endian bytes, then a ramp that
 * starts at (s * 13 + 16) mod 256 (tests/qemu/soak.py computes the same). */
static void fill_sector(uint8_t *p, uint64_t s)
{
	memcpy(p, "SOAKTEST", 8);
	for (unsigned i = 0; i < 8; i++)
		p[8 + i] = (uint8_t)(s >> (8 * i));
	for (unsigned i = 16; i < BLKDEV_SECTOR; i++)
		p[i] = (uint8_t)(s * 13 + i);
}

static int soak_disk(struct blkdev *dev, bool write, uint8_t *buf, uint8_t *want)
{
	uint64_t bad = 0, first_bad = 0;
	uint64_t t0 = time_ns();

	for (uint64_t s = 0; s < dev->sectors; s += CHUNK_SECTORS) {
		uint32_t n = dev->sectors - s < CHUNK_SECTORS ? (uint32_t)(dev->sectors - s)
							      : CHUNK_SECTORS;
		for (uint32_t k = 0; k < n; k++)
			fill_sector((write ? buf : want) + k * BLKDEV_SECTOR, s + k);
		int rc = write ? blkdev_write(dev, s, n, buf) : blkdev_read(dev, s, n, buf);
		if (rc) {
			kprintf("soak: %s: %s at sector %llu: %s\n", dev->name,
				write ? "write" : "read", (unsigned long long)s,
				kstrerror(rc));
			return 1;
		}
		if (write)
			continue;
		for (uint32_t k = 0; k < n; k++)
			if (memcmp(buf + k * BLKDEV_SECTOR, want + k * BLKDEV_SECTOR,
				   BLKDEV_SECTOR) != 0 && bad++ == 0)
				first_bad = s + k;
	}
	if (write) {
		int rc = blkdev_flush(dev);
		if (rc) {
			kprintf("soak: %s: flush: %s\n", dev->name, kstrerror(rc));
			return 1;
		}
	}
	uint64_t ms = (time_ns() - t0) / 1000000;
	if (bad) {
		kprintf("soak: %s: %llu of %llu sectors wrong, first %llu\n", dev->name,
			(unsigned long long)bad, (unsigned long long)dev->sectors,
			(unsigned long long)first_bad);
		return 1;
	}
	kprintf("soak: %s: %llu sectors %s in %llu ms\n", dev->name,
		(unsigned long long)dev->sectors, write ? "written and flushed" : "verified",
		(unsigned long long)ms);
	return 0;
}

int soak_run(bool write)
{
	size_t mark = dma_mark();
	uint8_t *buf = dma_alloc(CHUNK_SECTORS * BLKDEV_SECTOR);
	uint8_t *want = dma_alloc(CHUNK_SECTORS * BLKDEV_SECTOR);
	int failed = 0;

	if (!buf || !want) {
		dma_release(mark);
		kprintf("soak: no DMA memory for the buffers\n");
		return 1;
	}
	if (blkdev_count() == 0) {
		kprintf("soak: no disks\n");
		failed = 1;
	}
	for (unsigned i = 0; i < blkdev_count(); i++) {
		struct blkdev *dev = blkdev_get(i);
		if (write && dev->read_only)
			continue;
		failed += soak_disk(dev, write, buf, want);
	}
	dma_release(mark);
	if (write && !failed)
		kprintf("soak: flushed\n");
	return failed;
}
