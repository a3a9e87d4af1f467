/*
 * The device-core test harness (see tcore.h).
 */
#include "harness/tcore.h"

#include <string.h>

static void tlog(struct tcore *t, char c)
{
	if (t->nlog + 1 < sizeof(t->log))
		t->log[t->nlog++] = c;
}

void tcore_done(void *ctx, void *token, uint32_t len, int status)
{
	struct tcq *q = ctx;
	struct tchain *c = token;
	tlog(q->t, (char)('0' + q->index));
	q->last_status = status;
	q->last_token = token;
	if (status) {
		CHECK_EQ(len, 0);
		q->taken++;
		return;
	}
	q->used++;
	q->used_bytes += len;
	CHECK_EQ(len, tchain_expect_len(c));
	if (q->stop && q->used == q->stop_at)
		q->stop(q);
	if (q->repost || q->repost_held) {
		CHECK_OK(virtq_add(&q->t->vq[q->index], c->sg, c->n_out, c->n_in, c));
		if (q->repost_held)
			virtio_queue_kick(&q->t->vq[q->index]);
		else
			virtq_kick(&q->t->vq[q->index]);
	}
}

static void t_config_changed(void *ctx)
{
	tlog(ctx, 'C');
}

static int t_reinit(void *ctx)
{
	struct tcore *t = ctx;
	tlog(t, 'R');
	t->status_at_reinit = t->sim->status;
	t->queue0_ready_at_reinit = t->sim->q[0].ready;
	return t->reinit_rc;
}

static const struct virtio_driver_ops tops = {
	.config_changed = t_config_changed,
	.reinit = t_reinit,
};

/* The transport's interrupt_ack, counted. */
static const struct virtio_transport_ops *real_ops;
static struct virtio_transport_ops counting_ops;
unsigned tcore_acks;

static uint32_t counting_ack(struct virtio_device *d)
{
	tcore_acks++;
	return real_ops->interrupt_ack(d);
}

struct tcore *tcore_up(uint64_t mask, uint16_t qmax, uint16_t cap)
{
	static struct tcore t;
	sim_reset_all();
	memset(&t, 0, sizeof(t));
	t.sim = sim_echo_new(2, TVQ_ECHO_FEATURES, qmax);
	sim_set_queue_max(t.sim, 1, qmax);
	CHECK_OK(virtio_mmio_probe(&t.mmio, t.sim->base));
	t.d = &t.mmio.vdev;
	real_ops = t.d->ops;
	counting_ops = *real_ops;
	counting_ops.interrupt_ack = counting_ack;
	t.d->ops = &counting_ops;
	tcore_acks = 0;

	CHECK_OK(virtio_device_begin(t.d, 0, mask));
	CHECK_EQ(t.d->state, VIRTIO_DEV_SETUP);
	virtio_device_set_driver(t.d, &tops, &t);
	for (unsigned i = 0; i < TCORE_NQ; i++) {
		uint16_t size = virtio_queue_size(t.d, (uint16_t)i, cap);
		size_t len = virtq_mem_bytes(size, virtq_layout(t.d), 4);
		t.cq[i] = (struct tcq){ .t = &t, .index = i };
		CHECK_OK(virtio_queue_attach(t.d, &t.vq[i], &(struct virtio_queue_setup){
			.index = (uint16_t)i, .size = size, .indirect_max = 4,
			.mem = tmem_alloc(len, VIRTQ_MEM_ALIGN), .mem_len = len,
			.done = tcore_done, .ctx = &t.cq[i],
		}));
	}
	virtio_device_ready(t.d);
	CHECK_EQ(t.d->state, VIRTIO_DEV_LIVE);
	return &t;
}

void tcore_post(struct tcore *t, unsigned q, struct tchain *c, uint32_t seed)
{
	static const uint32_t lens[2] = { 16, 48 };
	tchain_make(c, tmem_alloc(64, 16), 1, 1, lens, seed);
	CHECK_OK(virtq_add(&t->vq[q], c->sg, 1, 1, c));
}

void tcore_kick_all(struct tcore *t)
{
	for (unsigned q = 0; q < TCORE_NQ; q++)
		virtq_kick(&t->vq[q]);
}

void tcore_post_n(struct tcore *t, unsigned q, struct tchain *c, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		tcore_post(t, q, &c[i], i);
	virtq_kick(&t->vq[q]);
}
