/*
 * Instructions per request of the library's own code, counted with
 * callgrind (make bench-host).  A 3-buffer blk-like chain (16-byte header,
 * 4 KiB data, 1-byte status) goes through add, kick decision, notify and
 * get_used, in batches of BATCH.  An in-process device model consumes the
 * ring between the driver's calls; callgrind collects only inside the
 * library's entry points (--toggle-collect), so the model is not counted.
 *
 *   bench_host split|packed direct|indirect [requests]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtio/errors.h"
#include "virtio/virtq.h"

#define QSIZE 256
#define BATCH 32

static struct virtq_queue_dev {
	uint64_t desc, driver, device;
	uint16_t size, last_avail, used_idx, pos;
	int wrap;
	unsigned long notifies;
} qd;

static uint8_t bench_get_status(struct virtio_device *d) { (void)d; return 0; }
static void bench_set_status(struct virtio_device *d, uint8_t s) { (void)d; (void)s; }
static uint32_t bench_get_features(struct virtio_device *d, unsigned w) { (void)d; (void)w; return 0; }
static void bench_set_features(struct virtio_device *d, unsigned w, uint32_t v) { (void)d; (void)w; (void)v; }
static uint32_t bench_cfg_read(struct virtio_device *d, uint32_t o, unsigned w) { (void)d; (void)o; (void)w; return 0; }
static void bench_cfg_write(struct virtio_device *d, uint32_t o, unsigned w, uint32_t v) { (void)d; (void)o; (void)w; (void)v; }
static uint32_t bench_gen(struct virtio_device *d) { (void)d; return 0; }
static uint16_t bench_qmax(struct virtio_device *d, uint16_t i) { (void)d; (void)i; return QSIZE; }
static int bench_qenable(struct virtio_device *d, uint16_t i, uint16_t size, const struct virtio_queue_addrs *a)
{
	(void)d; (void)i;
	qd = (struct virtq_queue_dev){ a->desc, a->driver, a->device, size, 0, 0, 0, 1, 0 };
	return 0;
}
static void bench_notify(struct virtio_device *d, uint16_t i, uint32_t v) { (void)d; (void)i; (void)v; qd.notifies++; }
static uint32_t bench_ack(struct virtio_device *d) { (void)d; return 0; }

static const struct virtio_transport_ops ops = {
	.get_status = bench_get_status,
	.set_status = bench_set_status,
	.get_features = bench_get_features,
	.set_features = bench_set_features,
	.config_read = bench_cfg_read,
	.config_write = bench_cfg_write,
	.config_generation = bench_gen,
	.queue_max = bench_qmax,
	.queue_enable = bench_qenable,
	.notify = bench_notify,
	.interrupt_ack = bench_ack,
};

/* The device: complete everything available, writing the status byte. */
static void device_run_split(void)
{
	struct virtq_avail *avail = (void *)(uintptr_t)qd.driver;
	struct virtq_used *used = (void *)(uintptr_t)qd.device;
	while (qd.last_avail != avail->idx) {
		uint16_t head = avail->ring[qd.last_avail++ % qd.size];
		used->ring[qd.used_idx % qd.size].id = head;
		used->ring[qd.used_idx % qd.size].len = 4097;
		qd.used_idx++;
	}
	used->idx = qd.used_idx;
	/* Like QEMU: ask to be notified about the next entry (EVENT_IDX). */
	memcpy(&used->ring[qd.size], &qd.last_avail, sizeof(uint16_t));
}

static void device_run_packed(void)
{
	struct virtq_packed_desc *ring = (void *)(uintptr_t)qd.desc;
	for (;;) {
		struct virtq_packed_desc *d = &ring[qd.pos];
		int avail = !!(d->flags & VIRTQ_DESC_F_AVAIL), used = !!(d->flags & VIRTQ_DESC_F_USED);
		if (avail != qd.wrap || used == qd.wrap)
			return;
		uint16_t n = 1, id = d->id;
		while (ring[(qd.pos + n - 1) % qd.size].flags & VIRTQ_DESC_F_NEXT)
			n++;
		id = ring[(qd.pos + n - 1) % qd.size].id;
		d->id = id;
		d->len = 4097;
		d->flags = VIRTQ_DESC_F_WRITE | (qd.wrap ? VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED : 0);
		qd.pos = (uint16_t)(qd.pos + n);
		if (qd.pos >= qd.size) {
			qd.pos -= qd.size;
			qd.wrap = !qd.wrap;
		}
	}
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s split|packed direct|indirect [requests]\n", argv[0]);
		return 2;
	}
	int packed = !strcmp(argv[1], "packed");
	int indirect = !strcmp(argv[2], "indirect");
	long requests = argc > 3 ? atol(argv[3]) : 100000;

	struct virtio_device dev = { .ops = &ops, .device_id = 2 };
	dev.features = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
		       (packed ? VIRTIO_BIT(VIRTIO_F_RING_PACKED) : 0) |
		       (indirect ? VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) : 0);
	size_t bytes = virtq_mem_bytes(QSIZE, virtq_layout(&dev), 4);
	void *mem = aligned_alloc(4096, (bytes + 4095) & ~(size_t)4095);
	static struct virtq vq;
	if (virtq_create(&vq, &dev, 0, QSIZE, mem, bytes, 4) != VIRTIO_OK)
		return 1;

	static uint8_t hdr[16], data[4096], status;
	struct virtq_sg sg[3] = { { hdr, 16 }, { data, 4096 }, { &status, 1 } };
	long done = 0, submitted = 0;
	while (done < requests) {
		for (int i = 0; i < BATCH && submitted < requests; i++, submitted++)
			if (virtq_add(&vq, sg, 1, 2, (void *)(uintptr_t)(submitted + 1)) != VIRTIO_OK)
				return 1;
		if (virtq_kick_prepare(&vq))
			virtq_notify(&vq);
		if (packed)
			device_run_packed();
		else
			device_run_split();
		void *tok;
		uint32_t len;
		while (virtq_get_used(&vq, &tok, &len) == 1)
			done++;
		virtq_enable_cb(&vq);
	}
	printf("%s %s: %ld requests, %lu notifies\n", argv[1], argv[2], done, qd.notifies);
	return 0;
}
