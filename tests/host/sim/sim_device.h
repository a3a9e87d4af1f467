/*
 * A simulated virtio-mmio device for the host tests: it plays QEMU's part
 * on a register window (§4.2.2, modern version 2 and legacy version 1) and
 * on the very ring memory the driver uses (DMA is the identity on the host,
 * so ring and buffer addresses are host pointers).
 *
 * Parts:
 *   sim_mmio.c    the register window: every access, decoded
 *   sim_device.c  status, features, config space, queues, interrupts,
 *                 processing modes, DMA-region checks, time
 *   sim_ring.c    device side of the split (§2.7) and packed (§2.8) rings,
 *                 event suppression, indirect tables, fault injection
 *   sim_chain.c   the chains the device took: buffers, snapshots, data access
 *   sim_blk.c     a virtio-blk back end (RAM disk) and an "echo" back end
 *   sim_console.c a virtio-console back end with the multiport control
 *                 protocol (sim_console.h)
 *   sim_input.c   a virtio-input back end (config selectors, injected events)
 *
 * Everything the driver does wrong (a register it must not touch, a ring
 * rule it breaks) is a "violation": recorded with a message, and the runner
 * fails the case unless the case clears it with sim_take_violations().
 */
#ifndef SIM_DEVICE_H
#define SIM_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_BASE       ((uintptr_t)0x10001000u) /* first window; never dereferenced */
#define SIM_WINDOW     0x1000u
#define SIM_MAX_DEVS   8
#define SIM_MAX_QUEUES 16
#define SIM_CONFIG_MAX 0x100u

/* MMIO entry points (sim_platform.h routes the library's hooks here). */
uint32_t sim_mmio_read(uintptr_t addr, unsigned width);
void sim_mmio_write(uintptr_t addr, unsigned width, uint32_t value);
/* Other simulated MMIO (sim_pci.c's BARs): when set, it sees every access
 * first and returns true for those it served (*value in/out).  Cleared by
 * sim_reset_all(). */
extern bool (*sim_mmio_hook)(uintptr_t addr, unsigned width, bool write, uint32_t *value);

/* Simulated clock (ns) and the relax hook. */
extern uint64_t sim_clock_ns;
uint64_t sim_time_read(void);
void sim_relax(void);

/* Cache maintenance recorder: NULL (no-op) unless a case installs one. */
enum sim_cache_op { SIM_CACHE_CLEAN, SIM_CACHE_INVALIDATE };
extern void (*sim_cache_hook)(enum sim_cache_op op, const void *p, size_t n);
/* Barrier recorder, the same way: every virtio_*mb*() calls it after the
 * fence, so a case can see the order of stores, barriers and loads (a
 * cache clean follows a store, an invalidate precedes a load). */
enum sim_barrier { SIM_MB, SIM_RMB, SIM_WMB, SIM_WMB_IO, SIM_RMB_IO };
extern void (*sim_barrier_hook)(enum sim_barrier b);

void sim_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- the device model ---------------------------------------------- */

struct sim_dev;

struct sim_seg {
	uint64_t addr;
	uint32_t len;
	bool write;
};

/* One chain the device has taken from the available ring. */
struct sim_chain {
	uint16_t id;        /* split: head descriptor; packed: buffer id */
	uint16_t ndesc;     /* ring descriptors it occupies */
	bool indirect;
	uint32_t nseg;
	struct sim_seg *seg;
	uint64_t readable, writable; /* byte totals */
	uint64_t seq;       /* order in which the device took it */
	/* Copies of the descriptors as first read, to catch a driver that
	 * rewrites descriptors it has exposed (§2.7.13 / §2.8.21). */
	uint32_t nsnap;
	struct { void *where; uint8_t bytes[16]; } *snap;
	void *table;        /* indirect table and its copy */
	uint32_t table_len;
	uint8_t *table_copy;
	bool halted_fault;  /* a fault was reported instead of this completion */
};

/* A back end processes a chain and returns the used length (bytes written). */
typedef uint32_t (*sim_backend_fn)(struct sim_dev *d, unsigned q, struct sim_chain *c);

enum sim_mode {
	SIM_SYNC,     /* consume and complete inside the QueueNotify write */
	SIM_DEFERRED, /* only in sim_process(), or every relax_period relaxes */
};

enum sim_fault {
	SIM_FAULT_NONE,
	SIM_FAULT_ID_RANGE,     /* used id = queue size */
	SIM_FAULT_ID_REPEAT,    /* complete normally, then the same id again */
	SIM_FAULT_ID_UNPOSTED,  /* a used id that is not a chain in flight */
	SIM_FAULT_ID_NOT_HEAD,  /* split: id of a non-head descriptor of a chain in flight */
	SIM_FAULT_LEN_OVER,     /* used len = writable bytes + 1 */
	SIM_FAULT_IDX_JUMP,     /* split: used.idx advances by size + 1 */
	SIM_FAULT_PACKED_WRAP,  /* packed: used flags carry the wrong wrap counter */
	SIM_FAULT_PACKED_FLAGS, /* packed: AVAIL != USED in the used descriptor */
	SIM_FAULT_WITHHOLD,     /* take chains, never complete them */
	SIM_FAULT_NEEDS_RESET,  /* set DEVICE_NEEDS_RESET + config interrupt instead */
};

/* The used length the device reports for a chain it completed normally:
 * what the back end wrote, or a device that gets it wrong. */
enum sim_used_len {
	SIM_LEN_WRITTEN, /* the bytes the back end wrote (§2.7.8) */
	SIM_LEN_ZERO,    /* always 0 */
	SIM_LEN_SHORT,   /* one byte less than written (0 stays 0) */
	SIM_LEN_TOTAL,   /* readable + writable bytes: what some legacy devices
			  * report (§5.2.6.3: the header counted too) */
};

struct sim_queue {
	uint16_t max;       /* QueueNumMax; 0: absent */
	uint16_t num;       /* QueueNum as written */
	bool ready;         /* modern QueueReady, or legacy PFN != 0 */
	uint32_t pfn;       /* legacy */
	uint32_t align;     /* legacy QueueAlign */
	uint64_t desc, driver, device;
	bool packed, event_idx, indirect;
	uint8_t *pdesc, *pdrv, *pdev; /* the three areas, checked host pointers */
	bool *owned;        /* split: descriptors inside taken chains */

	/* split device state */
	uint16_t last_avail, used_idx;
	/* packed device state */
	uint16_t avail_off, used_off;
	bool avail_wrap, used_wrap;
	uint64_t used_abs;  /* descriptors used since enable (for DESC events) */

	struct sim_chain **pending; /* taken, not completed */
	unsigned npending, cap;
	bool kicked;        /* notified since the device last went idle */
	bool halted;        /* a fault fired: the device stops using this queue */

	/* records */
	unsigned notifies, interrupts, chains, indirect_chains, max_pending;
	uint64_t completions;
	uint32_t last_notify_value;
};

struct sim_dev {
	uintptr_t base;
	bool in_use;
	bool behind_pci;            /* wrapped by sim_pci.c: PCI-only features are legal */

	/* identity and offer */
	uint32_t magic, version, device_id, vendor_id;
	uint64_t features;          /* offered */
	uint8_t config[SIM_CONFIG_MAX];
	uint32_t config_len;
	uint32_t cfg_late_lo, cfg_late_hi; /* readable only after FEATURES_OK */

	/* knobs */
	enum sim_mode mode;
	unsigned relax_period;      /* DEFERRED: process every N relaxes (0: never) */
	bool poll_ring;             /* look at the ring without a notification */
	bool reorder;               /* complete pending chains in random order */
	bool suppress_notify;       /* ask the driver not to notify */
	unsigned complete_limit;    /* most completions per processing step (0: all) */
	bool refuse_features_ok;
	bool reset_stuck;           /* writing 0 to Status never resets */
	unsigned reset_delay;       /* Status reads the old value this many times after a reset */
	uint32_t gen_churn;         /* bump ConfigGeneration on each of the next N config reads */
	enum sim_fault fault;
	unsigned fault_after;       /* completions to let through before the fault */
	unsigned needs_reset_after_relax; /* raise NEEDS_RESET at this relax count (0: never) */
	unsigned complete_on_ack;   /* complete this many chains when InterruptACK is written */
	bool packed_used_no_write;  /* QEMU 7.2: WRITE never set in a used packed descriptor */
	enum sim_used_len used_len; /* the length reported in a normal completion */

	/* state */
	uint8_t status;
	uint32_t dev_feat_sel, drv_feat_sel, queue_sel;
	bool dev_feat_sel_set, drv_feat_sel_set, queue_sel_set;
	uint64_t driver_features;
	bool features_frozen;       /* FEATURES_OK accepted */
	uint32_t guest_page_size;
	uint32_t int_status;
	uint32_t config_gen;
	unsigned reset_countdown;
	unsigned relax_count;
	struct sim_queue q[SIM_MAX_QUEUES];
	unsigned nqueues;

	/* records */
	uint8_t status_log[64];     /* every value written to Status */
	unsigned nstatus_log;
	unsigned feat_words_written; /* bit w: DriverFeatures word w written */
	uint64_t features_at_ok;     /* driver features when FEATURES_OK was set */
	uint8_t touched[0x200];     /* registers accessed (offset >> 2 < 0x40 + config) */
	unsigned reg_accesses;
	unsigned notifies, interrupts, config_interrupts, resets;
	unsigned config_reads;

	/* back end */
	sim_backend_fn backend;
	void *ctx;
	bool (*config_write)(struct sim_dev *d, uint32_t off, unsigned width, uint32_t v);
	void (*on_churn)(struct sim_dev *d);
	/* After every config read (its value already taken): a case's way to
	 * change the configuration at a chosen point of the driver's reads. */
	void (*on_config_read)(struct sim_dev *d, uint32_t off, unsigned width);
	void (*on_reset)(struct sim_dev *d);
	/* True for a queue whose chains the back end completes when it
	 * chooses (a network receive queue waits for a frame): processing
	 * then only takes them. */
	bool (*holds)(struct sim_dev *d, unsigned q);
	/* Whether processing (a notification included) may complete the
	 * next pending chain of queue q now (NULL: always): a console's
	 * receive queue is completed for as long as there are host bytes for
	 * it, and holds its buffers otherwise. */
	bool (*can_complete)(struct sim_dev *d, unsigned q);
};

/* Create a device in the next free window; everything zeroed but
 * magic/version/ID, and mode SIM_SYNC. */
struct sim_dev *sim_dev_new(uint32_t version, uint32_t device_id, uint64_t features);
void sim_set_queue_max(struct sim_dev *d, unsigned q, uint16_t max);
/* Forget every device and DMA region (between cases). */
void sim_reset_all(void);

/* Processing. */
unsigned sim_consume(struct sim_dev *d, unsigned q); /* take available chains */
unsigned sim_complete(struct sim_dev *d, unsigned q, unsigned max);
unsigned sim_process(struct sim_dev *d);             /* every queue: take + complete */
unsigned sim_process_queue(struct sim_dev *d, unsigned q);
/* Completion of one given pending chain (index into pending[]). */
void sim_complete_one(struct sim_dev *d, unsigned q, unsigned idx);
void sim_raise_config(struct sim_dev *d);             /* config-change interrupt */
void sim_set_needs_reset(struct sim_dev *d);
/* Chains available in the ring the device has not taken yet. */
unsigned sim_avail_pending(struct sim_dev *d, unsigned q);

/* Feature bits as the device understands them after negotiation. */
static inline bool sim_has(const struct sim_dev *d, unsigned bit)
{
	return (d->driver_features >> bit) & 1u;
}

/* Violations. */
void sim_violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
unsigned sim_violations(void);
const char *sim_first_violation(void);
unsigned sim_take_violations(void); /* count, and clear */

/* DMA regions the driver may hand to the device. */
void sim_dma_add(void *p, size_t n);
void *sim_dma_ptr(uint64_t addr, uint64_t len, const char *what); /* NULL + violation if bad */
/* A violation when a chain the device still holds covers part of [p, p+n):
 * for the moment the driver hands that buffer back to its owner. */
void sim_dma_check_released(const void *p, size_t n, const char *what);

/* Little-endian fields of n bytes (config space, device structures), for
 * back ends. */
static inline void sim_put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
static inline uint64_t sim_get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Chain data helpers for back ends: the readable stream and the writable
 * stream of a chain, addressed by byte offset. */
uint64_t sim_chain_read(struct sim_chain *c, uint64_t off, void *buf, uint64_t n);
uint64_t sim_chain_write(struct sim_chain *c, uint64_t off, const void *buf, uint64_t n);

/* ---- back ends (sim_blk.c) ------------------------------------------ */

/* Echo: copies the readable stream into the writable stream; when the chain
 * has no readable bytes, fills the writable bytes with sim_echo_pattern(i).
 * The used length is the bytes written. */
struct sim_dev *sim_echo_new(uint32_t version, uint64_t features, uint16_t qmax);
static inline uint8_t sim_echo_pattern(uint64_t i)
{
	return (uint8_t)(0x5a + i * 7);
}

struct sim_blk {
	uint8_t *disk;
	uint64_t sectors;       /* size of the RAM disk */
	uint64_t capacity;      /* what the config says (normally == sectors) */
	bool ro;
	bool no_status;         /* never write the status byte (the used length still counts it) */
	unsigned ioerr_next;    /* answer the next N requests IOERR */
	unsigned unsupp_next;   /* answer the next N requests UNSUPP */
	char id[20];
	uint64_t churn_alt;     /* generation churn toggles the capacity with this */
	/* records */
	unsigned requests, reads, writes, flushes, get_ids, errors;
	uint64_t bytes_read, bytes_written;
	unsigned max_data_segs;
	unsigned writes_since_flush;
	unsigned discards, write_zeroes, secure_erases;
	uint64_t range_sectors;     /* sectors covered by range commands */
	unsigned unmaps;            /* write-zeroes with the unmap flag */
	unsigned wce_writes;        /* writes of the writeback field */
	unsigned unflushed_at_wce;  /* writes not yet flushed at the last one */
};

struct sim_blk_opts {
	uint32_t version;       /* 2 (default when 0) or 1 */
	uint64_t sectors;       /* default 2048 (1 MiB) */
	uint64_t features;      /* 0: the default offer (see sim_blk.c) */
	uint64_t extra, remove; /* adjust the default offer */
	uint16_t qmax;          /* default 1024 */
	uint16_t num_queues;    /* > 1: offer MQ */
	uint32_t seg_max, size_max, blk_size;
	bool ro;
	uint8_t writeback;
	/* range commands (0: QEMU-like defaults when the feature is offered) */
	uint32_t max_discard_sectors, max_discard_seg, discard_align;
	uint32_t max_wz_sectors, max_wz_seg;
	uint8_t wz_may_unmap;
	uint32_t max_se_sectors, max_se_seg, se_align;
	/* topology */
	uint8_t phys_exp, align_off;
	uint16_t min_io;
	uint32_t opt_io;
};

struct sim_dev *sim_blk_new(const struct sim_blk_opts *o);
/* Change the capacity as QEMU's block_resize does (config interrupt if notify). */
void sim_blk_resize(struct sim_dev *d, uint64_t sectors, bool notify);
static inline struct sim_blk *sim_blk_of(struct sim_dev *d)
{
	return (struct sim_blk *)d->ctx;
}

/* ---- virtio-input back end (sim_input.c) ---------------------------- */

#define SIM_INPUT_ANSWERS 48

/* One answer of the configuration space: what the device shows after
 * select/subsel are written (§5.8.4). */
struct sim_input_answer {
	uint8_t select, subsel, size;
	uint8_t data[128];
};

struct sim_input_event {
	uint16_t type, code;
	int32_t value;
};

struct sim_input {
	struct sim_input_answer answers[SIM_INPUT_ANSWERS];
	unsigned nanswers;
	uint8_t select, subsel;          /* as last written */
	/* malformed answers */
	uint8_t bad_echo_select;         /* answers for this selector show another one (0: none) */
	/* events */
	struct sim_input_event next;     /* what the next completed event buffer carries */
	uint32_t event_len;              /* used length reported for an event (default 8) */
	/* records */
	unsigned select_writes;
	struct sim_input_event status[64]; /* what arrived on the status queue */
	unsigned nstatus;
};

/* A device with the default configuration: name "sim input", serial
 * "SIM-0001", ids 0006:1af4:0001:0002, keys 1..127 and BTN_LEFT, REL_X/Y,
 * ABS_X 0..1023 and ABS_Y -100..100, LEDs NUML CAPSL SCROLLL, property
 * POINTER; event and status queues of qmax.  Mode SIM_DEFERRED: events go
 * only when sim_input_send() says so. */
struct sim_dev *sim_input_new(uint32_t version, uint64_t features, uint16_t qmax);
static inline struct sim_input *sim_input_of(struct sim_dev *d)
{
	return (struct sim_input *)d->ctx;
}
/* Replace (or add) the answer to select/subsel.  size may be anything the
 * byte holds (above 128: a malformed answer); data NULL gives zeros. */
void sim_input_set_answer(struct sim_dev *d, uint8_t select, uint8_t subsel, const void *data,
			  uint8_t size);
/* Send events, each in the oldest buffer the driver has posted (taken
 * from the ring first).  Returns how many went: fewer when the driver
 * posted fewer buffers (the rest are dropped, as §5.8.6 allows). */
unsigned sim_input_send(struct sim_dev *d, const struct sim_input_event *ev, unsigned n);

#endif
