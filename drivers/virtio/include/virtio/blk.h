/*
 * virtio-blk (§5.2): asynchronous requests on one or more request queues,
 * completed by interrupt (vblk_interrupt) or by polling (vblk_poll), with
 * synchronous wrappers that poll with a deadline.
 *
 * Bring-up, in this order:
 *   vblk_probe()          negotiate features, read the configuration
 *   vblk_queue_mem_bytes_for() / vblk_attach_queue()   once per request queue
 *   vblk_start()          DRIVER_OK
 * Requests (struct vblk_req) belong to the caller until done() runs.
 *
 * The device's life after that is the device core's (driver.h) on
 * blk->vdev: virtio_device_pending(), virtio_device_abort(),
 * virtio_device_recover() (which also re-reads the configuration), and
 * blk->vdev->events for the configuration changes and recoveries seen.
 */
#ifndef VIRTIO_BLK_H
#define VIRTIO_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "driver.h"
#include "virtq.h"
#include "wire/blk.h"

/* Most data buffers one request may carry (beyond header and status). */
#ifndef VBLK_MAX_DATA_SG
#define VBLK_MAX_DATA_SG 16
#endif
#ifndef VBLK_MAX_QUEUES
#define VBLK_MAX_QUEUES 8
#endif
/* The longest read or write the submission's merged check takes (longer
 * ones, and those ending in the last this many bytes of the disk, go
 * through the full check). */
#ifndef VBLK_FAST_MAX_BYTES
#define VBLK_FAST_MAX_BYTES (128u * 1024)
#endif

struct vblk_slot_dma;

struct vblk_req {
	/* Set by the caller. */
	uint32_t type;                 /* VIRTIO_BLK_T_* */
	uint32_t flags;                /* WRITE_ZEROES: VIRTIO_BLK_WZ_F_UNMAP */
	uint64_t sector;               /* 512-byte units */
	const struct virtq_sg *data;   /* IN/OUT data buffers, each a multiple
					* of 512; GET_ID: one of 20 bytes */
	uint16_t ndata;
	uint32_t nsectors;             /* DISCARD, WRITE_ZEROES, SECURE_ERASE:
					* the range; the driver builds the segment */
	/* 0 or VIRTIO_E*; runs inside vblk_poll/vblk_interrupt (or the
	 * core's abort/recover, with their error) and may submit new
	 * requests (the slot is already free again). */
	void (*done)(struct vblk_req *req, int status);
	void *ctx;
	/* Set by the driver. */
	struct vblk_slot_dma *dma; /* in flight: its slot (header, status) */
	uint32_t written; /* bytes the device said it wrote (advisory) */
	/* In flight: the least used length a modern device may report (the
	 * request's writable bytes), fixed at submission so the completion
	 * need not add the buffers up again. */
	uint32_t used_min;
	uint16_t queue;
};

/* Entries of a slot's pre-built indirect table: header, data, status. */
#define VBLK_TABLE_ENTRIES 3
/* A one-buffer read (rw[0]) or write (rw[1]) as laid out at attach: its
 * header, type included, and its table, which only the data entry's
 * address and length change in. */
struct vblk_slot_rw {
	struct virtq_desc table[VBLK_TABLE_ENTRIES];
	struct virtio_blk_req_hdr hdr;
};
/* Driver-private per-request DMA area: the two one-buffer layouts (first:
 * a read's table is the slot's address, a write's one stride on), the
 * header of any other request, range segment, and status (every
 * request's). */
struct vblk_slot_dma {
	struct vblk_slot_rw rw[2];
	struct virtio_blk_req_hdr hdr;
	struct virtio_blk_range_seg seg;
	uint8_t status;
	uint8_t pad[15];
};

/* The free slots are a stack of pointers over a NULL at free[0]: a pop
 * is one load and a test, a push one store, and neither scales an index. */
struct vblk_queue {
	struct virtq vq;
	struct vblk_slot_dma **top;  /* above the last free slot */
	struct vblk_slot_dma *dma;   /* [vq.size] */
	struct vblk_slot_dma **free; /* [vq.size + 1] */
	bool tables;                 /* one-buffer reads and writes go through dma[].rw */
};

/* Slots free: requests the queue could still take. */
static inline uint16_t vblk_queue_free_slots(const struct vblk_queue *q)
{
	return (uint16_t)(q->top - q->free - 1);
}

/* Limits of a range command; max_* 0 means the command is unavailable. */
struct vblk_range_limits {
	uint32_t max_sectors; /* per segment */
	uint32_t max_seg;     /* segments per request */
	uint32_t alignment;   /* sectors; 0 or 1 = none */
};

struct vblk_info {
	uint64_t capacity;   /* 512-byte sectors */
	uint32_t size_max;   /* largest data buffer (0: no limit) */
	uint32_t seg_max;    /* most data buffers per request (0: no limit) */
	uint32_t blk_size;   /* logical block size (512 when not offered) */
	uint16_t num_queues; /* request queues offered */
	bool read_only;
	bool flush;          /* FLUSH negotiated */
	bool config_wce;     /* the cache mode can be changed (vblk_set_writeback) */
	bool writeback;      /* the cache is writeback: FLUSH makes writes durable */
	bool topology;       /* the four topology fields below are valid */
	uint8_t physical_block_exp; /* log2(physical / logical block) */
	uint8_t alignment_offset;   /* in logical blocks */
	uint16_t min_io_size;       /* in logical blocks */
	uint32_t opt_io_size;       /* in logical blocks */
	struct vblk_range_limits discard, write_zeroes, secure_erase;
	bool write_zeroes_may_unmap;
};

/* The synchronous helpers' one request (blk_sync.c).  Here, not on the
 * caller's stack: a device whose reset never completes keeps it
 * (VIRTIO_EDEAD) until a recovery hands it back. */
struct vblk_sync {
	struct vblk_req req;
	struct virtq_sg sg;
	int status;
	volatile bool done;
	bool busy; /* submitted, done() not yet called */
};

/* The one-buffer read/write check's limits (blk_internal.h's
 * vblk_rw_one_ok()), derived from info and the features whenever the
 * driver reads the configuration or the capacity changes.  The driver's. */
struct vblk_rw_limits {
	uint64_t sector_end; /* below it, any length up to len_limit fits the capacity */
	uint32_t len_limit;  /* info.size_max, at most VBLK_FAST_MAX_BYTES */
	uint32_t type_end;   /* 0 without slot tables; else past VIRTIO_BLK_T_IN (read-only)
			      * or _OUT */
	uint16_t block_mask; /* info.blk_size - 1 (blk_size <= 65536) */
};

struct vblk {
	/* First: every request indexes it (one shift and add). */
	struct vblk_queue *queues[VBLK_MAX_QUEUES]; /* NULL: not attached */
	struct virtio_device *vdev;
	struct vblk_info info; /* the driver's: read it, never write it */
	struct vblk_rw_limits rw;
	struct vblk_sync sync;
};

/* Negotiate and read the configuration; `mask` as in virtio_device_begin(). */
int vblk_probe(struct vblk *blk, struct virtio_device *vdev, uint64_t mask);

/*
 * Memory of one request queue of `size` entries: one block, with the rules
 * of virtq.h ("Memory": physically contiguous, DMA-reachable,
 * VIRTQ_MEM_ALIGN-aligned; its content does not matter).  It holds the
 * ring, indirect tables, request headers and status bytes, and private
 * bookkeeping.
 *   vblk_queue_mem_bytes_for()  what this probed device needs (its layout)
 *   vblk_queue_mem_bytes()      enough for any device: size before probing
 * and the same as constant expressions, for a static array:
 *   static uint8_t mem[VBLK_QUEUE_MEM_BYTES(16)] __attribute__((aligned(4096)));
 */
size_t vblk_queue_mem_bytes_for(const struct vblk *blk, uint16_t size);
size_t vblk_queue_mem_bytes(uint16_t size);

/* Indirect table entries per request: header, data buffers, status. */
#define VBLK_INDIRECT_MAX (VBLK_MAX_DATA_SG + 2)
/* The virtqueue's part of the block is rounded up to this, so that the
 * request slab starts on its own cache line. */
#define VBLK_QUEUE_PART_ALIGN 64u
#define VBLK_QUEUE_MEM_BYTES_FROM(size, virtq_bytes)                          \
	(VIRTQ_ALIGN_UP(virtq_bytes, VBLK_QUEUE_PART_ALIGN) +                  \
	 (size_t)(size) * (sizeof(struct vblk_slot_dma) + sizeof(void *)) + \
	 sizeof(void *))
#define VBLK_QUEUE_MEM_BYTES_FOR(size, layout) \
	VBLK_QUEUE_MEM_BYTES_FROM(size, VIRTQ_MEM_BYTES(size, layout, VBLK_INDIRECT_MAX))
#define VBLK_QUEUE_MEM_BYTES(size) \
	VBLK_QUEUE_MEM_BYTES_FROM(size, VIRTQ_MEM_BYTES_MAX(size, VBLK_INDIRECT_MAX))

/* Set up request queue `qi` (< info.num_queues) in caller memory. */
int vblk_attach_queue(struct vblk *blk, uint16_t qi, struct vblk_queue *q,
		      uint16_t size, void *mem, size_t mem_len);

/* Requests of `ndata` data buffers queue `qi` holds at once (its ring
 * descriptors per request: one with an indirect table, else ndata + 2);
 * 0 for a queue not attached. */
uint16_t vblk_queue_capacity(const struct vblk *blk, uint16_t qi, uint16_t ndata);

/* DRIVER_OK: the device is live. */
int vblk_start(struct vblk *blk);

/*
 * Queue a request on queue `qi` and notify the device.  0 when queued
 * (done() follows exactly once), or an error and done() is never called:
 * VIRTIO_EINVAL (bad type, length not a multiple of 512, too many buffers),
 * VIRTIO_ERANGE (past capacity), VIRTIO_EROFS, VIRTIO_ENOSPC (queue full),
 * VIRTIO_EBROKEN.
 */
int vblk_submit(struct vblk *blk, uint16_t qi, struct vblk_req *req);

/* The same without the notification, to batch; then vblk_kick().  From a
 * done() of the same queue, vblk_kick() (and vblk_submit()'s) waits for
 * the drain to be through: one notification for everything the drain's
 * callbacks resubmit (virtio_queue_kick()). */
int vblk_submit_nokick(struct vblk *blk, uint16_t qi, struct vblk_req *req);
void vblk_kick(struct vblk *blk, uint16_t qi);

/* Complete what the device has used on queue `qi`, at most
 * VIRTIO_DRAIN_BUDGET requests (virtio_queue_drain()); number completed,
 * or VIRTIO_EBROKEN when the device broke a rule: a reset is then due,
 * and the requests in flight complete when it is done
 * (virtio_device_abort() or virtio_device_recover() on blk->vdev). */
int vblk_poll(struct vblk *blk, uint16_t qi);

/* Interrupt handler body (virtio_device_interrupt()): the causes read and
 * acknowledged once, the capacity re-read on a configuration change,
 * every queue completed.  Number completed or an error; DEVICE_NEEDS_RESET
 * gives VIRTIO_ERESET and only notes the recovery. */
static inline int vblk_interrupt(struct vblk *blk)
{
	return virtio_device_interrupt(blk->vdev);
}

/* Synchronous helpers on queue 0, polling with a deadline.  A device that
 * misses it is reset to take the request back (VIRTIO_ETIMEDOUT; the
 * device stays down until virtio_device_recover()); VIRTIO_EDEAD when
 * that reset never completed: the buffer is still the device's until a
 * recovery succeeds.  DEVICE_NEEDS_RESET seen while polling is recovered
 * at once (the request fails with VIRTIO_ERESET).  Not reentrant: one
 * synchronous request per struct vblk (VIRTIO_ENOSPC otherwise). */
int vblk_read(struct vblk *blk, uint64_t sector, void *buf, uint32_t count, uint64_t timeout_ns);
int vblk_write(struct vblk *blk, uint64_t sector, const void *buf, uint32_t count, uint64_t timeout_ns);
int vblk_flush(struct vblk *blk, uint64_t timeout_ns);
/* GET_ID: the serial, NUL-terminated (at most 20 characters). */
int vblk_get_id(struct vblk *blk, char id[VIRTIO_BLK_ID_BYTES + 1], uint64_t timeout_ns);
/* A range command (DISCARD, WRITE_ZEROES, SECURE_ERASE) over any range:
 * split into requests that honour the device's limits and alignment. */
int vblk_range(struct vblk *blk, uint32_t type, uint64_t sector, uint64_t count,
	       uint32_t flags, uint64_t timeout_ns);

/* Largest piece of a range command starting at `sector` the device takes
 * in one segment (for an asynchronous caller splitting a range itself). */
uint32_t vblk_range_chunk(const struct vblk *blk, uint32_t type, uint64_t sector,
			  uint64_t count);

/*
 * CONFIG_WCE: switch the cache between writeback and writethrough.  Going
 * writethrough first FLUSHes, synchronously (vblk_flush() on queue 0,
 * VBLK_CACHE_FLUSH_TIMEOUT_NS), so the writes still in the volatile cache
 * become durable: afterwards no FLUSH is needed for them.  A failed FLUSH
 * is returned and the cache stays writeback.  Writes still in flight are
 * the caller's to wait for first.  VIRTIO_EUNSUPP without CONFIG_WCE;
 * refused with virtio_config_write8()'s error when the device may not be
 * configured (down after a refused re-initialisation, dead).
 */
#ifndef VBLK_CACHE_FLUSH_TIMEOUT_NS
#define VBLK_CACHE_FLUSH_TIMEOUT_NS 5000000000ull /* 5 s */
#endif
int vblk_set_writeback(struct vblk *blk, bool writeback);

#endif
