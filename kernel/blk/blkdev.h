/*
 * Block-device registry: the kernel's view of a disk, independent of the
 * driver behind it.  Drivers register a struct blkdev (named vda, vdb, ...
 * in probe order); the shell and the self-test only ever use this API.
 *
 * I/O is asynchronous underneath: blkdev_submit() queues a request and the
 * driver calls io->done from its interrupt handler.  blkdev_read(),
 * blkdev_write() and blkdev_flush() are synchronous wrappers that wait
 * (wfi) with a deadline.
 */
#ifndef KERNEL_BLKDEV_H
#define KERNEL_BLKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/errno.h"

#define BLKDEV_MAX 16
#define BLKDEV_SECTOR 512u /* the unit of every sector number in this API */

enum blkdev_op {
	BLKDEV_READ,
	BLKDEV_WRITE,
	BLKDEV_FLUSH,
	BLKDEV_DISCARD,      /* count sectors, no buffer */
	BLKDEV_WRITE_ZEROES, /* count sectors, no buffer; BLKDEV_F_UNMAP allowed */
	BLKDEV_GET_ID,       /* buf: BLKDEV_ID_BYTES, count 0 */
};
#define BLKDEV_F_UNMAP 1u  /* write-zeroes may deallocate */
#define BLKDEV_F_MORE  2u  /* more requests follow at once: the driver may
			    * hold the device notification until one
			    * without this flag (batching) */
#define BLKDEV_ID_BYTES 20u

/* What a disk can do beyond read and write (struct blkdev.caps). */
#define BLKDEV_CAP_FLUSH        (1u << 0) /* a volatile cache: flush means something */
#define BLKDEV_CAP_DISCARD      (1u << 1)
#define BLKDEV_CAP_WRITE_ZEROES (1u << 2)
#define BLKDEV_CAP_GET_ID       (1u << 3)

struct blkdev;

/* One request.  Owned by the caller until done() has been called. */
struct blkdev_io {
	enum blkdev_op op;
	uint64_t sector;   /* in 512-byte units */
	uint32_t count;    /* sectors; 0 for FLUSH and GET_ID */
	uint32_t flags;    /* BLKDEV_F_* */
	void *buf;         /* count * 512 bytes, DMA-reachable */
	bool (*done)(struct blkdev_io *io); /* called once per submission,
					     * from IRQ context (may be NULL);
					     * see "Completion" below */
	void *ctx;         /* for the caller */
	uint16_t queue;    /* request queue hint (taken modulo the driver's count) */
	int status;        /* 0 or a KERR_* code (kernel/errno.h), valid in done() */
	volatile bool completed;
};

/*
 * Completion.  The driver sets io->status and io->completed, then calls
 * io->done(io), interrupts masked, inside its completion pass.  done() may
 * submit new requests (blkdev_submit()): the driver notifies the device
 * once for everything a completion pass resubmits (no BLKDEV_F_MORE
 * needed).
 *
 * done() returns false, or, after a successful READ or WRITE only (status
 * 0), true to have the same request submitted again at once with a new
 * io->sector: the cheap way to keep a queue full (a benchmark), with no
 * submit call, no interrupt mask and no notification of its own (the
 * completion pass has them all already).  The driver re-reads only
 * the sector; op, count, buf, flags and queue stay what the first
 * submission used, and blkdev_submit()'s checks are not repeated, so the
 * caller keeps sector + count on the disk (the driver still refuses what
 * its device cannot take).  io->completed is false again from there on.
 * A resubmission the driver refuses completes io at once with the error
 * in io->status (done() is called again, and its result ignored: a
 * failure is never resubmitted this way).
 */
struct blkdev_ops {
	/* Queue io; 0 when queued (done() follows), a KERR_* code otherwise
	 * (done() is then never called).  May return KERR_ENOSPC (queue full).
	 * Honours done()'s true (see "Completion"). */
	int (*submit)(struct blkdev *dev, struct blkdev_io *io);
	/* Drive completions without interrupts (used when interrupts are off). */
	void (*poll)(struct blkdev *dev);
	/* DISCARD / WRITE_ZEROES: the most sectors from `sector` one request
	 * may cover (device limits and alignment); 0 = unsupported. */
	uint32_t (*range_chunk)(struct blkdev *dev, enum blkdev_op op, uint64_t sector,
				uint64_t count);
	/* Optional: notifications sent to the device so far, all queues (a
	 * benchmark's requests per notification); 0 when not counted. */
	uint64_t (*notifies)(struct blkdev *dev);
	/* Optional: switch the volatile cache between writeback and
	 * writethrough (0, or a KERR_* code); updates caps. */
	int (*set_writeback)(struct blkdev *dev, bool writeback);
	/* Optional: the device stopped answering.  Take every in-flight
	 * request back (completing each with an error) and try to bring the
	 * device back; called by the synchronous wrappers on a timeout.  A
	 * device that cannot be reset keeps its requests: none completes. */
	void (*abort)(struct blkdev *dev);
	/* Optional: more lines for `blk info` after the generic ones, each
	 * "  label  value" (e.g. what a virtio driver negotiated). */
	void (*info)(struct blkdev *dev);
};

struct blkdev {
	char name[8];          /* "vda", assigned by blkdev_register() */
	uint64_t sectors;      /* capacity in 512-byte sectors */
	uint32_t block_size;   /* device's logical block size in bytes */
	bool read_only;
	const char *transport; /* "virtio-mmio v2", ... for `blk list` */
	uint16_t queues;       /* request queues the driver uses (>= 1) */
	uint16_t queue_depth;  /* one-buffer requests a queue holds at once (0: not known) */
	uint32_t irq;          /* the interrupt completions arrive on (irq.h
				* numbering), 0 when the driver only polls */
	uint32_t caps;         /* BLKDEV_CAP_* */
	const struct blkdev_ops *ops;
	void *driver;          /* the driver's private state */
};

int blkdev_register(struct blkdev *dev);     /* 0, or KERR_EFULL / KERR_EINVAL */
unsigned blkdev_count(void);
struct blkdev *blkdev_get(unsigned index);   /* NULL past the end */
struct blkdev *blkdev_find(const char *name); /* NULL when no such disk */

/*
 * Checks done here before any driver sees the request: count > 0, sector +
 * count <= capacity without overflow, no write to a read-only disk, an
 * operation the disk has.  Every call returns 0 or a KERR_* code
 * (kernel/errno.h; kstrerror() gives the text): KERR_EINVAL, KERR_ERANGE,
 * KERR_EROFS and KERR_EUNSUPP from these checks, KERR_ETIMEDOUT when a
 * synchronous wait runs past its deadline, the driver's (translated)
 * failures otherwise.
 */
int blkdev_submit(struct blkdev *dev, struct blkdev_io *io);
int blkdev_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf);
int blkdev_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf);
int blkdev_flush(struct blkdev *dev);
/* Any range, split by the driver's range_chunk(). */
int blkdev_discard(struct blkdev *dev, uint64_t sector, uint64_t count);
int blkdev_write_zeroes(struct blkdev *dev, uint64_t sector, uint64_t count, bool unmap);
/* The disk's serial, NUL-terminated. */
int blkdev_get_id(struct blkdev *dev, char id[BLKDEV_ID_BYTES + 1]);

#endif
