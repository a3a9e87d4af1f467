/*
 * The block self-test's per-disk state and the helpers its case files
 * share (kernel/selftest/blk.c: the cases and the run over every disk;
 * blk_inflight.c: the cases with many requests in flight).  Private to
 * the block self-test.
 */
#ifndef KERNEL_SELFTEST_BLK_RUN_H
#define KERNEL_SELFTEST_BLK_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/blk/blkdev.h"
#include "kernel/selftest/selftest.h"
#include "lib/printf.h"

#define SECTOR BLKDEV_SECTOR
#define BATCH_FIRST 128       /* 512-byte blocks: sectors 128..159 */
#define BATCH_FIRST_BIG 1024  /* larger blocks: BATCH_COUNT blocks from here */
#define BATCH_COUNT 32
#define BATCH_MIN_PEAK 8
#define BATCH_TIMEOUT_MS 10000

struct disk_run {
	struct selftest_ctx *t;
	struct blkdev *dev;
	uint64_t c;          /* capacity in sectors */
	uint32_t per;        /* sectors per logical block: the unit of every I/O */
	uint64_t batch_first; /* first sector of the in-flight case */
	uint8_t *buf;        /* BATCH_COUNT blocks */
	uint8_t *ref;        /* one block */
	struct blkdev_io *ios; /* BATCH_COUNT requests */
	bool stuck;          /* a request timed out: stop using the disk */
	char name[96];
};

/* The pattern every written sector carries (the host recomputes it). */
void blkst_fill_pattern(uint8_t *buf, uint64_t first, uint32_t count);
/* Compares against the pattern; on a mismatch describes the first one. */
bool blkst_check_pattern(const uint8_t *buf, uint64_t first, uint32_t count, char *why,
			 size_t whylen);
/* "vda: " and the case's name, in r->name. */
const char *PRINTF_LIKE(2, 3) blkst_case_name(struct disk_run *r, const char *fmt, ...);
/* Fails the case for a driver/registry error rc; notes a timeout. */
void blkst_fail_rc(struct disk_run *r, const char *name, const char *what, int rc);
/* True (and a note) once a request has timed out on this disk. */
bool blkst_skip_if_stuck(struct disk_run *r, const char *name);

/* BATCH_COUNT requests in flight at once, then the same blocks read by
 * one request that its done() resubmits (blk_inflight.c). */
void blkst_case_in_flight(struct disk_run *r);
void blkst_case_resubmit(struct disk_run *r);

#endif
