/*
 * libFuzzer target: the input bytes are the device's behaviour.
 *
 * A virtio-mmio register model answers the driver with values taken from
 * the input (version, features, queue size, config space, status and
 * generation glitches, interrupt causes), and a device-side ring model
 * completes requests with ids, lengths, index jumps, flags and status
 * bytes that the input chooses, legal or not.  The real mmio.c, the device
 * core, virtq*.c and blk.c run against it.  Checked: no memory error (ASan),
 * no UB (UBSan), every request completed at most once, nothing written
 * outside the buffers that were posted (poisoned guard bytes), no hang (the clock
 * advances on every relax).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sanitizer/asan_interface.h>

#include "virtio/blk.h"
#include "virtio/errors.h"
#include "virtio/mmio.h"

uint64_t fuzz_clock_ns;

static const uint8_t *in;
static size_t in_len, in_pos;

static uint8_t take8(void) { return in_pos < in_len ? in[in_pos++] : 0; }
static uint16_t take16(void) { return (uint16_t)(take8() | take8() << 8); }
static uint32_t take32(void) { return (uint32_t)take16() | (uint32_t)take16() << 16; }

/* ---- register model ------------------------------------------------- */

#define BASE ((uintptr_t)0x10008000u)
static struct {
	uint32_t version, status, features[2], feat_sel, queue_sel, qmax, gen;
	uint64_t desc, driver, device;
	uint32_t num, ready, pfn, page;
	uint8_t config[0x60];
} reg;

uint32_t fuzz_mmio_read(uintptr_t a, unsigned width)
{
	uint32_t off = (uint32_t)(a - BASE);
	if (a < BASE || off >= 0x200) {
		fprintf(stderr, "MMIO read outside the window: %#lx\n", (unsigned long)a);
		abort();
	}
	if (off >= VIRTIO_MMIO_CONFIG) {
		uint32_t c = off - VIRTIO_MMIO_CONFIG, v = 0;
		for (unsigned i = 0; i < width && c + i < sizeof(reg.config); i++)
			v |= (uint32_t)reg.config[c + i] << (8 * i);
		return v;
	}
	if (width != 4) {
		fprintf(stderr, "control register %#x read with width %u\n", off, width);
		abort();
	}
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION: return reg.version;
	case VIRTIO_MMIO_DEVICE_ID: return VIRTIO_ID_BLOCK;
	case VIRTIO_MMIO_VENDOR_ID: return 0x554d4551;
	case VIRTIO_MMIO_DEVICE_FEATURES: return reg.features[reg.feat_sel & 1];
	case VIRTIO_MMIO_QUEUE_NUM_MAX: return reg.queue_sel == 0 ? reg.qmax : 0;
	case VIRTIO_MMIO_QUEUE_READY: return reg.ready;
	case VIRTIO_MMIO_QUEUE_PFN: return reg.pfn;
	case VIRTIO_MMIO_INTERRUPT_STATUS: return take8() & 3u;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		if (take8() >= 0xf0)
			reg.gen++; /* config changing under the driver */
		return reg.gen;
	case VIRTIO_MMIO_STATUS: {
		uint8_t glitch = take8();
		if (glitch == 0xff)
			return reg.status & ~VIRTIO_STATUS_FEATURES_OK; /* refuse */
		if (glitch == 0xfe)
			return reg.status | VIRTIO_STATUS_DEVICE_NEEDS_RESET;
		return reg.status;
	}
	default:
		fprintf(stderr, "read of write-only or unknown register %#x\n", off);
		abort();
	}
}

static void device_reset(void);

void fuzz_mmio_write(uintptr_t a, unsigned width, uint32_t v)
{
	uint32_t off = (uint32_t)(a - BASE);
	if (a < BASE || off >= 0x200) {
		fprintf(stderr, "MMIO write outside the window: %#lx\n", (unsigned long)a);
		abort();
	}
	if (off >= VIRTIO_MMIO_CONFIG)
		return; /* config writes: ignored by this model */
	if (width != 4)
		abort();
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL: reg.feat_sel = v; break;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
	case VIRTIO_MMIO_DRIVER_FEATURES: break;
	case VIRTIO_MMIO_GUEST_PAGE_SIZE: reg.page = v; break;
	case VIRTIO_MMIO_QUEUE_SEL: reg.queue_sel = v; break;
	case VIRTIO_MMIO_QUEUE_NUM: reg.num = v; break;
	case VIRTIO_MMIO_QUEUE_ALIGN: break;
	case VIRTIO_MMIO_QUEUE_PFN:
		reg.pfn = v;
		reg.desc = (uint64_t)v * reg.page;
		reg.driver = reg.desc + 16u * reg.num;
		reg.device = (reg.driver + 6u + 2u * reg.num + reg.page - 1) / reg.page * reg.page;
		break;
	case VIRTIO_MMIO_QUEUE_READY: reg.ready = v; break;
	case VIRTIO_MMIO_QUEUE_NOTIFY: break;
	case VIRTIO_MMIO_INTERRUPT_ACK: break;
	case VIRTIO_MMIO_STATUS:
		if (v == 0)
			device_reset();
		reg.status = v;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW: reg.desc = (reg.desc & ~0xffffffffull) | v; break;
	case VIRTIO_MMIO_QUEUE_DESC_HIGH: reg.desc = (reg.desc & 0xffffffffull) | (uint64_t)v << 32; break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW: reg.driver = (reg.driver & ~0xffffffffull) | v; break;
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH: reg.driver = (reg.driver & 0xffffffffull) | (uint64_t)v << 32; break;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW: reg.device = (reg.device & ~0xffffffffull) | v; break;
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH: reg.device = (reg.device & 0xffffffffull) | (uint64_t)v << 32; break;
	default:
		fprintf(stderr, "write of read-only or unknown register %#x\n", off);
		abort();
	}
}

/* ---- device-side ring model ----------------------------------------- */

static struct {
	uint16_t last_avail; /* split: next avail entry to read */
	uint16_t used_idx;   /* split: device's used index */
	uint16_t pos;        /* packed: next descriptor to read/write */
	bool wrap;           /* packed: device wrap counter */
} dev;

static void device_reset(void)
{
	memset(&dev, 0, sizeof(dev));
	dev.wrap = true;
	reg.ready = 0;
	reg.pfn = 0;
	reg.desc = reg.driver = reg.device = 0;
}

static struct vblk blk;
static struct virtio_mmio mmio;
static struct vblk_queue q0;
static bool packed;

/* Write a status byte into the last writable buffer of a posted chain,
 * the way a device would: only ever inside a buffer the driver posted. */
static uint8_t *queue_mem;
static size_t queue_mem_len;

/* The model reads descriptors back, and after it has scribbled garbage
 * they may point anywhere: it only follows what lies in memory the driver
 * really owns (the queue block), so only the driver is under test. */
static bool in_queue_mem(uint64_t addr, uint64_t len)
{
	uintptr_t a = (uintptr_t)addr, b = (uintptr_t)queue_mem;
	return len > 0 && a >= b && a - b <= queue_mem_len && len <= queue_mem_len - (a - b);
}

static void write_status(uint64_t addr, uint32_t len, uint16_t flags)
{
	if ((flags & VIRTQ_DESC_F_WRITE) && in_queue_mem(addr, len))
		((uint8_t *)(uintptr_t)addr)[len - 1] = take8() & 3u;
}

static void device_complete_split(uint16_t size)
{
	struct virtq_desc *desc = (struct virtq_desc *)(uintptr_t)reg.desc;
	struct virtq_avail *avail = (struct virtq_avail *)(uintptr_t)reg.driver;
	struct virtq_used *used = (struct virtq_used *)(uintptr_t)reg.device;
	uint8_t mode = take8();
	uint32_t id, len;

	if (mode < 0xc0 && avail->idx != dev.last_avail) {
		/* A legal-looking completion of the oldest posted chain. */
		id = avail->ring[dev.last_avail % size];
		dev.last_avail++;
		if (id < size) {
			struct virtq_desc *d = &desc[id];
			if (d->flags & VIRTQ_DESC_F_INDIRECT) {
				struct virtq_desc *t = (struct virtq_desc *)(uintptr_t)d->addr;
				unsigned n = d->len / 16;
				if (!in_queue_mem(d->addr, d->len))
					n = 0;
				/* the status byte is the last entry of a table */
				if (n)
					write_status(t[n - 1].addr, t[n - 1].len, t[n - 1].flags);
			} else {
				unsigned hops = 0;
				while ((d->flags & VIRTQ_DESC_F_NEXT) && d->next < size && hops++ < size)
					d = &desc[d->next];
				write_status(d->addr, d->len, d->flags);
			}
		}
		len = mode < 0x80 ? take8() : take32();
	} else {
		id = mode & 1 ? take32() : take8();
		len = take32();
	}
	used->ring[dev.used_idx % size].id = id;
	used->ring[dev.used_idx % size].len = len;
	dev.used_idx += (mode & 0x0f) == 0x0f ? take16() : 1; /* sometimes run away */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	used->idx = dev.used_idx;
}

static void device_complete_packed(uint16_t size)
{
	struct virtq_packed_desc *ring = (struct virtq_packed_desc *)(uintptr_t)reg.desc;
	struct virtq_packed_desc *d = &ring[dev.pos % size];
	uint8_t mode = take8();
	uint16_t flags = d->flags;
	bool avail = flags & VIRTQ_DESC_F_AVAIL, usedb = flags & VIRTQ_DESC_F_USED;

	if (mode < 0xc0 && avail == dev.wrap && usedb != dev.wrap) {
		/* Walk the chain the driver posted, like a device would. */
		uint16_t id = d->id, n = 1;
		struct virtq_packed_desc *last = d;
		if (flags & VIRTQ_DESC_F_INDIRECT) {
			struct virtq_packed_desc *t = (struct virtq_packed_desc *)(uintptr_t)d->addr;
			unsigned cnt = d->len / 16;
			if (cnt && in_queue_mem(d->addr, d->len))
				write_status(t[cnt - 1].addr, t[cnt - 1].len, t[cnt - 1].flags);
		} else {
			while ((last->flags & VIRTQ_DESC_F_NEXT) && n < size) {
				last = &ring[(dev.pos + n) % size];
				n++;
			}
			id = last->id;
			write_status(last->addr, last->len, last->flags);
		}
		uint32_t len = mode < 0x80 ? take8() : take32();
		d->id = id;
		d->len = len;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		uint16_t f = (uint16_t)((take8() & 1) ? VIRTQ_DESC_F_WRITE : 0);
		if (dev.wrap)
			f |= VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED;
		d->flags = f;
		uint32_t next = dev.pos + n;
		if (next >= size) {
			next -= size;
			dev.wrap = !dev.wrap;
		}
		dev.pos = (uint16_t)next;
	} else {
		/* Garbage at the driver's next used position. */
		d->id = take16();
		d->len = take32();
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		d->flags = take16();
	}
}

/* ---- requests and guard bytes ---------------------------------------- */

#define NREQ 32
#define GUARD 64
#define DATA_MAX 4096

struct fuzz_req {
	struct vblk_req r;
	struct virtq_sg sg[3];
	int completions;
	bool in_flight;
	uint8_t mem[GUARD + DATA_MAX + GUARD];
};
static struct fuzz_req reqs[NREQ];

static void req_done(struct vblk_req *r, int status)
{
	struct fuzz_req *f = r->ctx;
	(void)status;
	if (!f->in_flight) {
		fprintf(stderr, "request completed twice or never submitted\n");
		abort();
	}
	f->in_flight = false;
	f->completions++;
}

/* Guard bytes around every data buffer are poisoned for AddressSanitizer:
 * any access by the driver outside the buffer it posted stops the run at
 * the faulting instruction. */
static void poison_guards(void)
{
	for (int i = 0; i < NREQ; i++) {
		ASAN_POISON_MEMORY_REGION(reqs[i].mem, GUARD);
		ASAN_POISON_MEMORY_REGION(reqs[i].mem + GUARD + DATA_MAX, GUARD);
	}
}

static void submit_one(void)
{
	struct fuzz_req *f = &reqs[take8() % NREQ];
	if (f->in_flight)
		return;
	static const uint32_t types[] = { VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTIO_BLK_T_FLUSH,
					  VIRTIO_BLK_T_GET_ID, 77 };
	uint32_t type = types[take8() % 5];
	unsigned nseg = take8() % 3 + 1;
	uint8_t *data = f->mem + GUARD;
	for (unsigned i = 0; i < nseg; i++)
		f->sg[i] = (struct virtq_sg){ data + i * 1024, (uint32_t)(take8() % 3) * 512 };
	if (type == VIRTIO_BLK_T_GET_ID)
		f->sg[0].len = VIRTIO_BLK_ID_BYTES;
	f->r = (struct vblk_req){
		.type = type,
		.sector = take8() == 0xff ? take32() | (uint64_t)take32() << 32 : take16(),
		.data = f->sg,
		.ndata = (uint16_t)(type == VIRTIO_BLK_T_FLUSH ? 0 : (type == VIRTIO_BLK_T_GET_ID ? 1 : nseg)),
		.done = req_done,
		.ctx = f,
	};
	f->in_flight = true;
	if (vblk_submit_nokick(&blk, 0, &f->r) != VIRTIO_OK)
		f->in_flight = false; /* refused: done() must never come */
}

static bool bring_up(void)
{
	memset(&reg, 0, sizeof(reg));
	device_reset();
	reg.version = take8() & 1 ? 2 : 1;
	reg.features[0] = take32();
	reg.features[1] = take8() & 1 ? (1u << (VIRTIO_F_VERSION_1 - 32)) : 0;
	reg.features[1] |= (take8() & 1u) << (VIRTIO_F_RING_PACKED - 32);
	reg.qmax = take8() % 64;
	for (size_t i = 0; i < sizeof(reg.config); i++)
		reg.config[i] = take8();
	reg.config[0x0c] = take8() % 6; /* seg_max: keep 0..5 so some requests fit */
	reg.config[0x0d] = reg.config[0x0e] = reg.config[0x0f] = 0;

	if (virtio_mmio_probe(&mmio, BASE) != VIRTIO_OK)
		return false;
	if (vblk_probe(&blk, &mmio.vdev, take8() & 1 ? ~0ull : ~VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC)) != VIRTIO_OK)
		return false;
	uint16_t size = virtio_queue_size(&mmio.vdev, 0, UINT16_MAX);
	packed = virtio_has_feature(&mmio.vdev, VIRTIO_F_RING_PACKED);
	if (size == 0)
		return false;
	static uint8_t *mem;
	static size_t mem_len;
	size_t need = vblk_queue_mem_bytes(size);
	if (need > mem_len) {
		free(mem);
		mem = aligned_alloc(4096, (need + 4095) & ~(size_t)4095);
		mem_len = need;
	}
	queue_mem = mem;
	queue_mem_len = need;
	if (vblk_attach_queue(&blk, 0, &q0, size, mem, need) != VIRTIO_OK)
		return false;
	return vblk_start(&blk) == VIRTIO_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in = data;
	in_len = size;
	in_pos = 0;
	fuzz_clock_ns = 0;
	static bool poisoned;
	if (!poisoned) {
		poison_guards();
		poisoned = true;
	}
	for (int i = 0; i < NREQ; i++) {
		memset(reqs[i].mem + GUARD, 0, DATA_MAX);
		reqs[i].in_flight = false;
		reqs[i].completions = 0;
	}
	if (!bring_up())
		return 0;
	uint16_t qsize = q0.vq.size;

	while (in_pos < in_len) {
		switch (take8() % 8) {
		case 0:
		case 1: submit_one(); break;
		case 2: vblk_kick(&blk, 0); break;
		case 3:
		case 4:
			if (reg.desc && reg.driver && reg.device) {
				if (packed)
					device_complete_packed(qsize);
				else
					device_complete_split(qsize);
			}
			break;
		case 5: (void)vblk_interrupt(&blk); break;
		case 6: (void)vblk_poll(&blk, 0); break;
		case 7: /* the main loop: what the interrupt path left */
			if (virtio_device_pending(blk.vdev) & VIRTIO_PENDING_RECOVER)
				(void)virtio_device_recover(blk.vdev);
			else if (virtio_device_pending(blk.vdev) & VIRTIO_PENDING_POLL)
				(void)virtio_device_poll(blk.vdev);
			break;
		}
	}
	/* Whatever state the device left: every request must come back,
	 * unless the reset never completed (then none may). */
	bool dead = virtio_device_abort(blk.vdev, VIRTIO_ERESET) == VIRTIO_EDEAD;
	for (int i = 0; i < NREQ; i++)
		if (reqs[i].in_flight && !dead) {
			fprintf(stderr, "request %d never completed after abort\n", i);
			abort();
		}
	return 0;
}
