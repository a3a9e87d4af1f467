/*
 * virtio-rng (drivers/virtio/devices/rng.c) against the simulated entropy device
 * (sim_echo_new: fills writable buffers with sim_echo_pattern): polled, and
 * with completions by interrupt through a waiter (driver.h).
 */
#include "harness/bringup.h"
#include "virtio/rng.h"

struct trng {
	struct virtio_mmio mmio;
	struct vrng rng;
	struct sim_dev *sim;
};

static void trng_up(struct trng *t, uint32_t version, uint64_t mask)
{
	sim_reset_all();
	t->sim = sim_echo_new(version, VIRTIO_BIT(VIRTIO_F_VERSION_1) |
					       VIRTIO_BIT(VIRTIO_F_RING_PACKED), 8);
	CHECK_OK(virtio_mmio_probe(&t->mmio, t->sim->base));
	CHECK_OK(vrng_probe(&t->rng, &t->mmio.vdev, mask));
	size_t n = vrng_queue_mem_bytes(8);
	void *mem = version == 1 ? tmem_alloc_low(n, VIRTQ_MEM_ALIGN) : tmem_alloc(n, VIRTQ_MEM_ALIGN);
	sim_dma_add(mem, n);
	CHECK_OK(vrng_attach_queue(&t->rng, 8, mem, n));
	CHECK_OK(vrng_start(&t->rng));
}

static void check_filled(const uint8_t *buf, uint32_t len)
{
	/* Each request starts the echo pattern again at 0: only the first
	 * request's bytes are predictable, so check that one fully. */
	for (uint32_t i = 0; i < len; i++)
		CHECK_MSG(buf[i] == sim_echo_pattern(i), "byte %u is %#x", i, buf[i]);
}

TEST(rng_read_fills_the_buffer)
{
	static struct trng t;
	for (uint32_t version = 1; version <= 2; version++) {
		trng_up(&t, version, NO(VIRTIO_F_RING_PACKED));
		CHECK(!virtio_has_feature(&t.mmio.vdev, VIRTIO_F_RING_PACKED));
		uint8_t *buf = tbuf(300, 1);
		sim_dma_add(buf, 300);
		CHECK_EQ(vrng_read(&t.rng, buf, 300, 10 * MS), 300);
		check_filled(buf, 300);
		CHECK_EQ(t.rng.bytes, 300);
		CHECK_ERR(vrng_read(&t.rng, buf, 0, 10 * MS), VIRTIO_EINVAL);
		CHECK_ERR(vrng_read(&t.rng, NULL, 4, 10 * MS), VIRTIO_EINVAL);
	}
}

TEST(rng_packed_ring_as_qemu_answers)
{
	/* A packed ring where, as QEMU 7.2 does, no used descriptor carries
	 * WRITE: the length still counts (virtq.h, README hardening). */
	static struct trng t;
	trng_up(&t, 2, ~0ull);
	CHECK(virtio_has_feature(&t.mmio.vdev, VIRTIO_F_RING_PACKED));
	CHECK(virtq_is_packed(&t.rng.vq));
	t.sim->packed_used_no_write = true;
	uint8_t *buf = tbuf(300, 1);
	sim_dma_add(buf, 300);
	CHECK_EQ(vrng_read(&t.rng, buf, 300, 10 * MS), 300);
	check_filled(buf, 300);
	CHECK_EQ(t.rng.bytes, 300);
}

TEST(rng_wrong_device_and_no_queue)
{
	static struct trng t;
	sim_reset_all();
	struct sim_blk_opts o = { 0 };
	t.sim = sim_blk_new(&o);
	CHECK_OK(virtio_mmio_probe(&t.mmio, t.sim->base));
	CHECK_ERR(vrng_probe(&t.rng, &t.mmio.vdev, ~0ull), VIRTIO_ENODEV);

	sim_reset_all();
	t.sim = sim_echo_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 8);
	sim_set_queue_max(t.sim, 0, 0);
	CHECK_OK(virtio_mmio_probe(&t.mmio, t.sim->base));
	CHECK_ERR(vrng_probe(&t.rng, &t.mmio.vdev, ~0ull), VIRTIO_ENOQUEUE);
	CHECK(t.sim->status & VIRTIO_STATUS_FAILED);
}

TEST(rng_silent_device_times_out_and_is_reset)
{
	static struct trng t;
	trng_up(&t, 2, ~0ull);
	t.sim->fault = SIM_FAULT_WITHHOLD;
	uint8_t *buf = tbuf(64, 2);
	sim_dma_add(buf, 64);
	CHECK_ERR(vrng_read(&t.rng, buf, 64, 10 * MS), VIRTIO_ETIMEDOUT);
	CHECK(t.sim->resets > 0);
	CHECK_EQ(t.rng.vq.in_flight, 0); /* handed back by the checked reset */
	/* the device is down until it is recovered */
	CHECK_ERR(vrng_read(&t.rng, buf, 64, 10 * MS), VIRTIO_EBROKEN);
	CHECK_ERR(vrng_start(&t.rng), VIRTIO_EINVAL);
	t.sim->fault = SIM_FAULT_NONE;
	CHECK_OK(virtio_device_recover(&t.mmio.vdev));
	CHECK(virtio_has_feature(&t.mmio.vdev, VIRTIO_F_RING_PACKED)); /* the same mask */
	CHECK_EQ(vrng_read(&t.rng, buf, 64, 10 * MS), 64);
	check_filled(buf, 64);
}

TEST(rng_stuck_reset_keeps_the_buffer)
{
	/* Silent, and the reset never completes: the buffer is not handed
	 * back (before the device core, rng.c reclaimed it anyway). */
	static struct trng t;
	trng_up(&t, 2, ~0ull);
	t.sim->fault = SIM_FAULT_WITHHOLD;
	t.sim->reset_stuck = true;
	uint8_t *buf = tbuf(64, 2);
	sim_dma_add(buf, 64);
	CHECK_ERR(vrng_read(&t.rng, buf, 64, 10 * MS), VIRTIO_EDEAD);
	CHECK_EQ(t.rng.vq.in_flight, 1);
	CHECK_EQ(t.sim->q[0].npending, 1);
	CHECK_EQ(t.mmio.vdev.state, VIRTIO_DEV_DEAD);
	CHECK_ERR(vrng_read(&t.rng, buf, 64, 10 * MS), VIRTIO_EDEAD);
	/* Once a reset completes the buffer comes back, then the device. */
	t.sim->reset_stuck = false;
	t.sim->fault = SIM_FAULT_NONE;
	CHECK_OK(virtio_device_recover(&t.mmio.vdev));
	CHECK_EQ(t.rng.vq.in_flight, 0);
	CHECK(t.rng.sync_done);
	CHECK_ERR(t.rng.sync_status, VIRTIO_ETIMEDOUT);
	CHECK_EQ(vrng_read(&t.rng, buf, 64, 10 * MS), 64);
}

TEST(rng_oversize_length_is_a_protocol_fault)
{
	static struct trng t;
	trng_up(&t, 2, ~0ull);
	t.sim->fault = SIM_FAULT_LEN_OVER;
	uint8_t *buf = tbuf(64, 3);
	sim_dma_add(buf, 64);
	CHECK_ERR(vrng_read(&t.rng, buf, 64, 10 * MS), VIRTIO_EBROKEN);
	CHECK(t.sim->status & VIRTIO_STATUS_FAILED || t.sim->resets > 0);
}

/* ---- completions by interrupt ------------------------------------------ */

/* The embedder's side: a lock that would mask the interrupt, and a wait
 * in which the device works and its interrupt, if raised, is delivered to
 * the handler (vrng_interrupt), as a kernel's wfi would. */
struct twait {
	struct trng *t;
	int locked;
	unsigned locks, waits, deliveries;
};

static unsigned long tw_lock(void *ctx)
{
	struct twait *w = ctx;
	CHECK_EQ(w->locked, 0);
	w->locked++;
	w->locks++;
	return 0x77;
}

static void tw_unlock(void *ctx, unsigned long held)
{
	struct twait *w = ctx;
	CHECK_EQ(held, 0x77);
	w->locked--;
}

static void tw_wait(void *ctx, uint64_t deadline)
{
	struct twait *w = ctx;
	CHECK_EQ(w->locked, 1);
	CHECK(sim_clock_ns <= deadline + 1000); /* never asked to wait past it */
	w->waits++;
	sim_relax();
	if (w->t->sim->int_status) {
		w->deliveries++;
		vrng_interrupt(&w->t->rng);
	}
}

static struct twait tw;

static uint8_t *dma_buf(uint32_t n, uint32_t seed)
{
	uint8_t *buf = tbuf(n, seed);
	sim_dma_add(buf, n);
	return buf;
}
static const struct virtio_waiter waiter = { tw_lock, tw_unlock, tw_wait, &tw };

static void trng_irq_up(struct trng *t)
{
	trng_up(t, 2, ~0ull);
	tw = (struct twait){ .t = t };
	vrng_use_interrupts(&t->rng, &waiter);
	t->sim->mode = SIM_DEFERRED;
	t->sim->relax_period = 1;
}

TEST(rng_read_by_interrupt)
{
	static struct trng t;
	trng_irq_up(&t);
	uint8_t *buf = dma_buf(300, 4);
	CHECK_EQ(vrng_read(&t.rng, buf, 300, 10 * MS), 300);
	check_filled(buf, 300);
	/* Completed by the interrupt handler, whose status read acknowledged
	 * the interrupt: nothing stays asserted on a shared line. */
	CHECK(tw.deliveries >= 1);
	CHECK_EQ(t.mmio.vdev.events.interrupts, tw.deliveries);
	CHECK_EQ(t.sim->int_status, 0);
	CHECK_EQ(tw.locked, 0);
	CHECK_EQ(tw.locks, 1);
	/* A neighbour's interrupt on the shared line: nothing of ours. */
	CHECK_EQ(vrng_interrupt(&t.rng), 0);
	CHECK_EQ(t.mmio.vdev.events.spurious, 1);
}

TEST(rng_interrupt_silent_device_times_out_and_is_reset)
{
	static struct trng t;
	trng_irq_up(&t);
	t.sim->fault = SIM_FAULT_WITHHOLD;
	uint8_t *buf = dma_buf(64, 5);
	uint64_t t0 = sim_clock_ns;
	CHECK_ERR(vrng_read(&t.rng, buf, 64, 10 * MS), VIRTIO_ETIMEDOUT);
	CHECK(sim_clock_ns - t0 >= 10 * MS);
	CHECK(tw.waits > 0);
	CHECK(t.sim->resets > 0);
	CHECK_EQ(t.rng.vq.in_flight, 0);
	CHECK_EQ(tw.locked, 0);
	t.sim->fault = SIM_FAULT_NONE;
	CHECK_OK(virtio_device_recover(&t.mmio.vdev));
	CHECK_EQ(vrng_read(&t.rng, buf, 64, 10 * MS), 64);
}

TEST(rng_interrupt_stuck_reset_keeps_the_buffer)
{
	static struct trng t;
	trng_irq_up(&t);
	t.sim->fault = SIM_FAULT_WITHHOLD;
	t.sim->reset_stuck = true;
	uint8_t *buf = dma_buf(64, 6);
	CHECK_ERR(vrng_read(&t.rng, buf, 64, 10 * MS), VIRTIO_EDEAD);
	CHECK_EQ(t.rng.vq.in_flight, 1);
	CHECK(t.rng.sync_busy);
	CHECK_ERR(vrng_read(&t.rng, buf, 64, 10 * MS), VIRTIO_EDEAD);
	CHECK_EQ(tw.locked, 0);
}

TEST(rng_interrupt_fault_noted_by_the_handler_resets)
{
	/* The handler only notes the fault; the waiting read resets. */
	static struct trng t;
	trng_irq_up(&t);
	t.sim->fault = SIM_FAULT_LEN_OVER;
	uint8_t *buf = dma_buf(64, 7);
	CHECK_ERR(vrng_read(&t.rng, buf, 64, 10 * MS), VIRTIO_EBROKEN);
	CHECK(tw.deliveries >= 1);
	CHECK_EQ(t.mmio.vdev.state, VIRTIO_DEV_DOWN);
	CHECK_EQ(t.rng.vq.in_flight, 0);
}

static unsigned async_done, async_bytes;
static void on_done(struct vrng_req *req, int status)
{
	(void)req;
	CHECK(status >= 0);
	async_done++;
	async_bytes += (unsigned)status;
}

TEST(rng_submit_completes_through_the_dispatch)
{
	static struct trng t;
	trng_irq_up(&t);
	uint8_t *buf = dma_buf(96, 8);
	struct vrng_req req[3];
	async_done = async_bytes = 0;
	for (unsigned i = 0; i < 3; i++) {
		req[i] = (struct vrng_req){ .buf = buf + 32 * i, .len = 32, .done = on_done };
		CHECK_OK(vrng_submit(&t.rng, &req[i]));
	}
	struct vrng_req bad = { .buf = buf, .len = 0, .done = on_done };
	CHECK_ERR(vrng_submit(&t.rng, &bad), VIRTIO_EINVAL);
	CHECK_EQ(sim_process(t.sim), 3);
	CHECK(t.sim->int_status & VIRTIO_INT_VRING);
	CHECK_EQ(vrng_interrupt(&t.rng), 3);
	CHECK_EQ(async_done, 3);
	CHECK_EQ(async_bytes, 96);
	CHECK_EQ(t.rng.bytes, 96);
	CHECK_EQ(t.sim->int_status, 0);
}
