/*
 * Self-test suite "ioerr", run with bootargs `ioerr` (suites.c): QEMU's blkdebug driver fails every
 * read and write touching sector IOERR_SECTOR of the first disk
 * (tests/qemu/matrix.py, config "blkdebug-ioerr").  The errors must reach
 * the caller as clear I/O errors, and the sectors around it must be
 * unharmed and still usable.
 */
#include "kernel/selftest/suites.h"

#include "kernel/blk/blkdev.h"
#include "kernel/dma.h"
#include "lib/kstring.h"

#define IOERR_SECTOR 1000u

void selftest_ioerr_suite(struct selftest_ctx *t)
{
	struct blkdev *dev = blkdev_get(0);
	if (!dev || dev->sectors <= IOERR_SECTOR + 1) {
		selftest_fail(t, "ioerr: a disk larger than sector 1001", "none registered");
		return;
	}
	size_t mark = dma_mark();
	uint8_t *before = dma_alloc(3 * BLKDEV_SECTOR);
	uint8_t *buf = dma_alloc(3 * BLKDEV_SECTOR);

	/* Sectors 999 and 1001 as they are, read one at a time (a 3-sector
	 * read would touch the poisoned one). */
	int rc = blkdev_read(dev, IOERR_SECTOR - 1, 1, before);
	if (rc == 0)
		rc = blkdev_read(dev, IOERR_SECTOR + 1, 1, before + 2 * BLKDEV_SECTOR);
	selftest_check(t, rc == 0, "ioerr: neighbours of the bad sector read", "%s",
		       kstrerror(rc));

	rc = blkdev_read(dev, IOERR_SECTOR, 1, buf);
	selftest_check(t, rc == KERR_EIO, "ioerr: read of the bad sector fails with an I/O error",
		       "got %d (%s)", rc, kstrerror(rc));
	memset(buf, 0x66, BLKDEV_SECTOR);
	rc = blkdev_write(dev, IOERR_SECTOR, 1, buf);
	selftest_check(t, rc == KERR_EIO, "ioerr: write of the bad sector fails with an I/O error",
		       "got %d (%s)", rc, kstrerror(rc));
	/* A multi-sector read across it fails as a whole, clearly. */
	rc = blkdev_read(dev, IOERR_SECTOR - 1, 3, buf);
	selftest_check(t, rc == KERR_EIO, "ioerr: a read spanning the bad sector fails",
		       "got %d (%s)", rc, kstrerror(rc));

	rc = blkdev_read(dev, IOERR_SECTOR - 1, 1, buf);
	if (rc == 0)
		rc = blkdev_read(dev, IOERR_SECTOR + 1, 1, buf + 2 * BLKDEV_SECTOR);
	bool same = rc == 0 && memcmp(buf, before, BLKDEV_SECTOR) == 0 &&
		    memcmp(buf + 2 * BLKDEV_SECTOR, before + 2 * BLKDEV_SECTOR, BLKDEV_SECTOR) == 0;
	selftest_check(t, same, "ioerr: neighbours unharmed after the errors", "rc %d", rc);
	dma_release(mark);
}
