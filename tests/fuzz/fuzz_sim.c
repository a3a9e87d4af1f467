/*
 * The fuzz harness over the simulator (fuzz_sim.h): the input cursor, the
 * DMA arena, the oracle, the device's choices, the caller's main loop, and
 * the unit-test runtime (harness/unit.h) the simulator's files call.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <sanitizer/asan_interface.h>

#include "fuzz_sim.h"
#include "harness/unit.h"
#include "virtio/driver.h"
#include "virtio/errors.h"
#include "virtio/mmio.h"
#include "virtio/spec.h"

/* ---- the input ------------------------------------------------------- */

static const uint8_t *in;
static size_t in_len, in_pos;

static void arena_rewind(void);

static unsigned owed;

void fuzz_run_input(const uint8_t *data, size_t size, void (*run)(void))
{
	fuzz_input(data, size);
	run();
	fuzz_input_end();
}

void fuzz_input(const uint8_t *data, size_t size)
{
	owed = 0;
	in = data;
	in_len = size;
	in_pos = 0;
	sim_reset_all();
	arena_rewind();
}

void fuzz_input_end(void)
{
	sim_reset_all();
}

bool fuzz_more(void)
{
	return in_pos < in_len;
}

uint8_t fuzz_u8(void)
{
	return in_pos < in_len ? in[in_pos++] : 0;
}

uint16_t fuzz_u16(void)
{
	return (uint16_t)(fuzz_u8() | fuzz_u8() << 8);
}

uint32_t fuzz_u32(void)
{
	return (uint32_t)fuzz_u16() | (uint32_t)fuzz_u16() << 16;
}

uint64_t fuzz_u64(void)
{
	return (uint64_t)fuzz_u32() | (uint64_t)fuzz_u32() << 32;
}

size_t fuzz_bytes(void *p, size_t n)
{
	size_t k = in_len - in_pos < n ? in_len - in_pos : n;
	memcpy(p, in + in_pos, k);
	memset((uint8_t *)p + k, 0, n - k);
	in_pos += k;
	return k;
}

/* ---- memory ------------------------------------------------------------ */

/* Mapped low, as the unit tests' low arena: ASan's heap sits far above the
 * 16 TiB that a 32-bit page number reaches. */
#define ARENA_ADDR ((uintptr_t)0x20000000u)
#define ARENA_SIZE ((size_t)64 << 20)
#define GUARD 64u

static uint8_t *arena;
static size_t arena_used;

static void arena_rewind(void)
{
	if (arena)
		ASAN_UNPOISON_MEMORY_REGION(arena, arena_used);
	arena_used = 0;
}

void *fuzz_dma(size_t n, size_t align)
{
	if (!arena) {
		void *p = mmap((void *)ARENA_ADDR, ARENA_SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED)
			fuzz_fail("cannot map the DMA arena at %#lx", (unsigned long)ARENA_ADDR);
		arena = p;
	}
	if (align < GUARD)
		align = GUARD;
	size_t start = (arena_used + GUARD + align - 1) / align * align;
	if (start + n + GUARD > ARENA_SIZE)
		fuzz_fail("DMA arena exhausted (%zu bytes asked)", n);
	memset(arena + start, 0, n);
	ASAN_POISON_MEMORY_REGION(arena + arena_used, start - arena_used);
	ASAN_POISON_MEMORY_REGION(arena + start + n, GUARD);
	arena_used = start + n + GUARD;
	sim_dma_add(arena + start, n);
	return arena + start;
}

/* ---- the oracle -------------------------------------------------------- */

void fuzz_check(const char *where)
{
	unit_log("fuzz: %s\n", where);
	if (!sim_violations())
		return;
	fprintf(stderr, "==fuzz== driver rule broken (%u violation(s), seen after %s): %s\n",
		sim_violations(), where, sim_first_violation());
	abort();
}

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("==fuzz== ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void fuzz_sync_buf_init(struct fuzz_sync_buf *b, size_t n, const char *what)
{
	*b = (struct fuzz_sync_buf){ fuzz_dma(n, 512), fuzz_dma(n, 512), n, false, false, what };
}

uint8_t *fuzz_sync_buf_take(struct fuzz_sync_buf *b, const struct virtio_device *vdev)
{
	/* A reset completed since (the abort that took every buffer back). */
	if (b->kept && virtio_device_error(vdev) != VIRTIO_EDEAD)
		b->kept = false;
	b->used_buf = !b->kept;
	return b->kept ? b->spare : b->buf;
}

void fuzz_sync_buf_back(struct fuzz_sync_buf *b, int rc)
{
	if (b->used_buf && rc == VIRTIO_EDEAD)
		b->kept = true;
	if (!b->kept)
		sim_dma_check_released(b->buf, b->n, b->what);
	sim_dma_check_released(b->spare, b->n, "the spare buffer (given while the device is dead)");
}

/* ---- the device's making ----------------------------------------------- */

uint32_t fuzz_version(void)
{
	return fuzz_u8() & 1 ? 1 : 2;
}

uint64_t fuzz_ring_offer(void)
{
	static const uint8_t offer[] = {
		VIRTIO_F_INDIRECT_DESC, VIRTIO_F_EVENT_IDX,       VIRTIO_F_RING_PACKED,
		VIRTIO_F_IN_ORDER,      VIRTIO_F_NOTIFICATION_DATA, VIRTIO_F_ACCESS_PLATFORM,
		VIRTIO_F_RING_RESET,    3 /* no such feature */,
	};
	uint64_t features = fuzz_one_in(8) ? 0 : VIRTIO_BIT(VIRTIO_F_VERSION_1);
	uint8_t f = fuzz_u8();
	for (unsigned i = 0; i < sizeof(offer); i++)
		if (f & (1u << i))
			features |= VIRTIO_BIT(offer[i]);
	return features;
}

uint64_t fuzz_mask(void)
{
	return fuzz_one_in(4) ? ~fuzz_u64() : ~0ull;
}

bool fuzz_mmio_probe(struct virtio_mmio *m, struct sim_dev *d)
{
	int rc = virtio_mmio_probe(m, d->base);
	fuzz_check("virtio_mmio_probe");
	return rc == VIRTIO_OK;
}

/* ---- the device's choices ---------------------------------------------- */

/* Does the device process its rings now (sim_process_queue's rule)? */
static bool live(const struct sim_dev *d)
{
	return (d->status & VIRTIO_STATUS_DRIVER_OK) &&
	       !(d->status & (VIRTIO_STATUS_FAILED | VIRTIO_STATUS_DEVICE_NEEDS_RESET));
}

bool fuzz_queue_live(const struct sim_dev *d, unsigned qi)
{
	return live(d) && qi < SIM_MAX_QUEUES && d->q[qi].ready && !d->q[qi].halted;
}

void fuzz_device_knobs(struct sim_dev *d)
{
	uint8_t f = fuzz_u8();
	d->mode = f & 1 ? SIM_DEFERRED : SIM_SYNC;
	d->poll_ring = f & 2;
	d->reorder = f & 4;
	d->suppress_notify = f & 8;
	d->relax_period = (f >> 4) % 8; /* 0: only when the input says */
	d->complete_limit = fuzz_u8() % 4;
	d->complete_on_ack = fuzz_u8() % 3;
	switch (fuzz_u8()) {
	case 0xff:
		d->refuse_features_ok = true;
		break;
	case 0xfe:
		d->gen_churn = UINT32_MAX; /* never stable */
		break;
	case 0xfd:
		d->gen_churn = fuzz_u8() % 8;
		break;
	case 0xfc:
		d->reset_delay = fuzz_u8() % 32;
		break;
	case 0xfb:
		d->needs_reset_after_relax = 1u + fuzz_u8();
		break;
	case 0xfa:
		/* A reset that never completes: the buffers stay the device's. */
		d->reset_stuck = true;
		break;
	}
}

/* Can `f` fire on queue q in its present state, or would the simulator
 * refuse it (FAIL: the fault needs what the ring does not hold)? */
static bool fault_fits(const struct sim_queue *q, enum sim_fault f)
{
	switch (f) {
	case SIM_FAULT_ID_UNPOSTED:
		for (uint32_t id = 0; id < q->num; id++) {
			bool taken = false;
			if (!q->packed)
				taken = q->owned[id];
			for (unsigned k = 0; q->packed && k < q->npending; k++)
				taken |= q->pending[k]->id == id;
			if (!taken)
				return true;
		}
		return false;
	case SIM_FAULT_ID_NOT_HEAD:
		for (unsigned k = 0; !q->packed && k < q->npending; k++)
			if (q->pending[k]->nsnap >= 2)
				return true;
		return false;
	case SIM_FAULT_IDX_JUMP:
		return !q->packed;
	case SIM_FAULT_PACKED_WRAP:
	case SIM_FAULT_PACKED_FLAGS:
		return q->packed;
	default:
		return true;
	}
}

/* A queue whose chains only the back end completes, when it chooses (a
 * network receive queue, when a frame comes): the steps only take them. */
static bool held(struct sim_dev *d, unsigned qi)
{
	return d->holds && d->holds(d, qi);
}

/* Complete one pending chain of queue qi with a fault instead. */
static void complete_with_fault(struct sim_dev *d, unsigned qi)
{
	static const enum sim_fault faults[] = {
		SIM_FAULT_ID_RANGE,   SIM_FAULT_ID_REPEAT, SIM_FAULT_ID_UNPOSTED,
		SIM_FAULT_ID_NOT_HEAD, SIM_FAULT_LEN_OVER, SIM_FAULT_IDX_JUMP,
		SIM_FAULT_PACKED_WRAP, SIM_FAULT_PACKED_FLAGS, SIM_FAULT_NEEDS_RESET,
	};
	enum sim_fault f = faults[fuzz_u8() % (sizeof(faults) / sizeof(faults[0]))];
	struct sim_queue *q = &d->q[qi];
	if (!live(d) || !q->ready || q->halted || !q->npending || d->fault != SIM_FAULT_NONE ||
	    !fault_fits(q, f) || held(d, qi))
		return;
	d->fault = f;
	d->fault_after = 0;
	sim_complete(d, qi, 1); /* fires on this completion: one shot */
	/* Not fired (a back end holding its chains, a console's receive
	 * queue with no host bytes): disarmed, or it would fire on another
	 * queue, which fault_fits() never looked at. */
	if (d->fault == f)
		d->fault = SIM_FAULT_NONE;
}

static void change_knob(struct sim_dev *d)
{
	switch (fuzz_u8() % 8) {
	case 0: d->mode = d->mode == SIM_SYNC ? SIM_DEFERRED : SIM_SYNC; break;
	case 1: d->relax_period = fuzz_u8() % 8; break;
	case 2: d->poll_ring = !d->poll_ring; break;
	case 3: d->reorder = !d->reorder; break;
	case 4: d->suppress_notify = !d->suppress_notify; break;
	case 5: d->complete_limit = fuzz_u8() % 4; break;
	case 6: d->complete_on_ack = fuzz_u8() % 3; break;
	case 7:
		/* Silence: take chains, never complete them (and back). */
		if (d->fault == SIM_FAULT_NONE)
			d->fault = SIM_FAULT_WITHHOLD;
		else if (d->fault == SIM_FAULT_WITHHOLD)
			d->fault = SIM_FAULT_NONE;
		break;
	}
}

void fuzz_device_step(struct sim_dev *d)
{
	unsigned qi = fuzz_u8() % (d->nqueues ? d->nqueues : 1);
	switch (fuzz_u8() % 8) {
	case 0:
		if (live(d))
			sim_consume(d, qi);
		break;
	case 1:
	case 2:
		if (live(d) && !held(d, qi))
			sim_complete(d, qi, fuzz_u8() % 4); /* 0: all */
		break;
	case 3:
		complete_with_fault(d, qi);
		break;
	case 4:
		change_knob(d);
		break;
	case 5:
		/* An interrupt the rings do not explain. */
		d->int_status |= fuzz_u8() & (VIRTIO_INT_VRING | VIRTIO_INT_CONFIG);
		break;
	case 6:
		if (fuzz_u8() & 1)
			sim_raise_config(d);
		else
			d->gen_churn = fuzz_u8() % 4;
		break;
	case 7:
		if (fuzz_one_in(4))
			sim_set_needs_reset(d);
		break;
	}
}

/* ---- the caller's duties ------------------------------------------------- */

static int driver_abort(const struct fuzz_driver *drv, int err)
{
	return drv->abort ? drv->abort(err) : virtio_device_abort(drv->vdev, err);
}

static int driver_recover(const struct fuzz_driver *drv)
{
	return drv->recover ? drv->recover() : virtio_device_recover(drv->vdev);
}

const char *fuzz_core_step(const struct fuzz_driver *drv)
{
	struct virtio_device *vdev = drv->vdev;
	switch (fuzz_u8() % 5) {
	case 0: {
		/* The main loop: what the interrupt path left (driver.h). */
		unsigned owed = virtio_device_pending(vdev);
		if (owed & VIRTIO_PENDING_RECOVER)
			(void)driver_recover(drv);
		else if (owed & VIRTIO_PENDING_POLL)
			(void)(drv->poll ? drv->poll() : virtio_device_poll(vdev));
		return "what virtio_device_pending() asked";
	}
	case 1:
		(void)(drv->interrupt ? drv->interrupt() : virtio_device_interrupt(vdev));
		return "the driver's interrupt";
	case 2:
		(void)(drv->poll ? drv->poll() : virtio_device_poll(vdev));
		return "the driver's poll";
	case 3:
		/* A device that is down (an abort, a failed recovery, a reset
		 * that never completed) comes back only when asked. */
		if (virtio_device_error(vdev))
			(void)driver_recover(drv);
		return "the driver's recovery";
	default:
		(void)driver_abort(drv, fuzz_one_in(2) ? VIRTIO_ERESET : VIRTIO_ETIMEDOUT);
		return "the driver's abort";
	}
}

bool fuzz_steps(struct sim_dev *d, const struct fuzz_driver *drv)
{
	while (fuzz_more()) {
		const char *what;
		switch (fuzz_u8() % 8) {
		case 0:
		case 1:
		case 2:
		case 3:
			what = drv->step();
			break;
		case 4:
		case 5:
		case 6:
			fuzz_device_step(d);
			what = "a device step";
			break;
		default:
			what = fuzz_core_step(drv);
			break;
		}
		fuzz_check(what);
	}
	bool dead = driver_abort(drv, VIRTIO_ERESET) == VIRTIO_EDEAD;
	fuzz_check("the final abort");
	if (owed && !dead)
		fuzz_fail("%u request(s) never completed, even after the final abort", owed);
	return dead;
}

void fuzz_owed_add(void)
{
	owed++;
}

void fuzz_owed_done(void)
{
	if (owed == 0)
		fuzz_fail("done() with no request in flight");
	owed--;
}

bool fuzz_attach_queues(unsigned n, size_t (*mem_bytes)(uint16_t size),
			int (*attach)(uint16_t qi, uint16_t size, void *mem, size_t len))
{
	for (uint16_t qi = 0; qi < n; qi++) {
		if (qi > 0 && fuzz_one_in(4))
			continue;
		uint16_t size = (uint16_t)(fuzz_u8() % 65);
		size_t len = mem_bytes(size);
		len -= len && fuzz_one_in(32); /* one byte short */
		int rc = attach(qi, size, fuzz_dma(len, VIRTQ_MEM_ALIGN), len);
		fuzz_check("the driver's queue attach");
		if (rc != VIRTIO_OK && qi == 0)
			return false;
	}
	return true;
}

/* ---- the runtime the simulator expects (harness/unit.h) ------------------ */

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	const char *base = strrchr(file, '/');
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "==fuzz== simulator stopped at %s:%d: ", base ? base + 1 : file, line);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

bool unit_verbose(void)
{
	static int verbose = -1;
	if (verbose < 0) {
		const char *v = getenv("FUZZ_VERBOSE");
		verbose = v && *v && strcmp(v, "0") != 0;
	}
	return verbose;
}

void unit_log(const char *fmt, ...)
{
	if (!unit_verbose())
		return;
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

/* The simulator's random choices (which pending chain completes next)
 * are the input's too. */
uint64_t unit_rand(void)
{
	return fuzz_u16();
}
