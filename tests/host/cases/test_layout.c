/*
 * Ring layout and queue memory: virtq_ring_layout() against the spec's
 * own arithmetic (§2.7 table, the §2.7.2 legacy formula, §2.8.10.1), the
 * compile-time macros against the functions for every queue size and
 * layout, the compact split ring on a modern device and the page layout
 * on a legacy one as the device sees them, and a queue living in a static
 * array sized by VBLK_QUEUE_MEM_BYTES().
 */
#include <string.h>

#include "harness/bringup.h"
#include "virtio/rng.h"

static const enum virtq_layout layouts[] = { VIRTQ_LAYOUT_SPLIT, VIRTQ_LAYOUT_PACKED,
					     VIRTQ_LAYOUT_SPLIT_LEGACY };
static const uint16_t indirects[] = { 0, 1, 4, VBLK_INDIRECT_MAX, 64 };

static size_t up(size_t x, size_t a)
{
	return (x + a - 1) / a * a;
}

TEST(layout_matches_the_spec)
{
	for (uint32_t n = 1; n <= VIRTQ_MAX_SIZE; n++) {
		struct virtq_ring_layout s = virtq_ring_layout((uint16_t)n, VIRTQ_LAYOUT_SPLIT);
		struct virtq_ring_layout l = virtq_ring_layout((uint16_t)n, VIRTQ_LAYOUT_SPLIT_LEGACY);
		struct virtq_ring_layout p = virtq_ring_layout((uint16_t)n, VIRTQ_LAYOUT_PACKED);
		/* §2.7: 16n of descriptors at 16, 6 + 2n of avail ring at 2,
		 * 6 + 8n of used ring at 4, nothing overlapping. */
		CHECK_EQ(s.desc, 0);
		CHECK_EQ(s.driver, 16u * n);
		CHECK_EQ(s.device, up(16u * n + 6 + 2u * n, 4));
		CHECK_EQ(s.bytes, s.device + 6 + 8u * n);
		/* §2.7.2 legacy: used ring on the next Queue Align boundary; the
		 * whole is the spec's virtq_size() (its ALIGN with qalign - 1). */
		CHECK_EQ(l.desc, 0);
		CHECK_EQ(l.driver, 16u * n);
		CHECK_EQ(l.device, up(16u * n + 2 * (3 + n), 4096));
		CHECK_EQ(up(l.bytes, 4096), up(16u * n + 2 * (3 + n), 4096) + up(2 * 3 + 8u * n, 4096));
		/* §2.8.10.1: 16n of descriptors at 16, two 4-byte event areas at 4. */
		CHECK_EQ(p.desc, 0);
		CHECK_EQ(p.driver, 16u * n);
		CHECK_EQ(p.device, 16u * n + 4);
		CHECK_EQ(p.bytes, 16u * n + 8);
	}
}

TEST(layout_macros_equal_functions)
{
	for (uint32_t n = 1; n <= VIRTQ_MAX_SIZE; n++) {
		uint16_t size = (uint16_t)n;
		for (unsigned i = 0; i < sizeof(indirects) / sizeof(indirects[0]); i++) {
			uint16_t ind = indirects[i];
			size_t most = 0;
			for (unsigned k = 0; k < 3; k++) {
				enum virtq_layout lay = layouts[k];
				size_t f = virtq_mem_bytes(size, lay, ind);
				CHECK_MSG(VIRTQ_MEM_BYTES(size, lay, ind) == f,
					  "VIRTQ_MEM_BYTES(%u, %d, %u) %zu != %zu", n, (int)lay, ind,
					  (size_t)VIRTQ_MEM_BYTES(size, lay, ind), f);
				CHECK_EQ(VIRTQ_RING_BYTES(size, lay), virtq_ring_layout(size, lay).bytes);
				most = f > most ? f : most;
			}
			CHECK_EQ(virtq_mem_bytes_max(size, ind), most);
			CHECK_EQ(VIRTQ_MEM_BYTES_MAX(size, ind), most);
		}
		CHECK_EQ(VBLK_QUEUE_MEM_BYTES(size), vblk_queue_mem_bytes(size));
		CHECK_EQ(VRNG_QUEUE_MEM_BYTES(size), vrng_queue_mem_bytes(size));
	}
}

/* The blk sizes for a probed device, per layout, against the macro. */
TEST(layout_blk_sizes_per_device)
{
	struct {
		uint32_t version;
		uint64_t mask;
		enum virtq_layout want;
	} cases[] = {
		{ 2, NO(VIRTIO_F_RING_PACKED), VIRTQ_LAYOUT_SPLIT },
		{ 2, ALL_FEATURES, VIRTQ_LAYOUT_PACKED },
		{ 1, ALL_FEATURES, VIRTQ_LAYOUT_SPLIT_LEGACY },
	};
	for (unsigned c = 0; c < 3; c++) {
		sim_reset_all();
		struct sim_blk_opts o = { .version = cases[c].version };
		static struct tblk t;
		CHECK_OK(tblk_probe(&t, sim_blk_new(&o), cases[c].mask));
		CHECK_EQ(virtq_layout(&t.mmio.vdev), cases[c].want);
		for (uint32_t n = 1; n <= VIRTQ_MAX_SIZE; n += 1 + n / 3) {
			size_t f = vblk_queue_mem_bytes_for(&t.blk, (uint16_t)n);
			CHECK_EQ(VBLK_QUEUE_MEM_BYTES_FOR(n, cases[c].want), f);
			CHECK(f <= vblk_queue_mem_bytes((uint16_t)n));
		}
	}
	/* The embedder's 8-entry queue: a page on a modern split device, no
	 * longer the legacy page layout's 7240 bytes (indirect tables of 8
	 * entries: a chain is never longer than the queue; 64 bytes a
	 * virtqueue slot; 176 bytes a slot for blk's header, status and
	 * pre-built one-buffer reads and writes, 8 for its free stack, and 8
	 * for the stack's bottom). */
	CHECK(VBLK_QUEUE_MEM_BYTES_FOR(8, VIRTQ_LAYOUT_SPLIT) <= 4096);
	CHECK(VBLK_QUEUE_MEM_BYTES_FOR(8, VIRTQ_LAYOUT_PACKED) <= 4096);
	CHECK_EQ(VBLK_QUEUE_MEM_BYTES_FOR(8, VIRTQ_LAYOUT_SPLIT_LEGACY), 7240);
	CHECK_EQ(VBLK_QUEUE_MEM_BYTES(8), 7240);
}

/* What the device is told: the areas at the layout's offsets in the block,
 * compact on a modern device, page-aligned on a legacy one; one byte less
 * than virtq_mem_bytes() is refused in every layout. */
TEST(layout_as_the_device_sees_it)
{
	for (unsigned k = 0; k < 3; k++) {
		enum virtq_layout lay = layouts[k];
		bool legacy = lay == VIRTQ_LAYOUT_SPLIT_LEGACY;
		sim_reset_all();
		struct sim_dev *d = sim_echo_new(legacy ? 1 : 2,
						 VIRTIO_BIT(VIRTIO_F_VERSION_1) |
							 VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) |
							 VIRTIO_BIT(VIRTIO_F_RING_PACKED),
						 64);
		struct virtio_mmio m;
		CHECK_OK(virtio_mmio_probe(&m, d->base));
		CHECK_OK(virtio_device_begin(&m.vdev, 0,
					     lay == VIRTQ_LAYOUT_PACKED ? ALL_FEATURES
									: NO(VIRTIO_F_RING_PACKED)));
		CHECK_EQ(virtq_layout(&m.vdev), lay);
		size_t len = virtq_mem_bytes(8, lay, 4);
		uint8_t *mem = legacy ? tmem_alloc_low(len, VIRTQ_MEM_ALIGN)
				      : tmem_alloc(len, VIRTQ_MEM_ALIGN);
		struct virtq vq;
		CHECK_ERR(virtq_create(&vq, &m.vdev, 0, 8, mem, len - 1, 4), VIRTIO_ENOMEM);
		CHECK_OK(virtq_create(&vq, &m.vdev, 0, 8, mem, len, 4));
		CHECK_EQ(virtq_is_packed(&vq), lay == VIRTQ_LAYOUT_PACKED);
		CHECK(virtq_has_indirect(&vq));
		CHECK(!virtq_has_event_idx(&vq));
		struct virtq_ring_layout l = virtq_ring_layout(8, lay);
		uintptr_t base = (uintptr_t)mem;
		CHECK_EQ(d->q[0].desc, base + l.desc);
		CHECK_EQ(d->q[0].driver, base + l.driver);
		CHECK_EQ(d->q[0].device, base + l.device);
		if (lay == VIRTQ_LAYOUT_SPLIT)
			CHECK_EQ(d->q[0].device - d->q[0].desc, 152); /* 128 + 22, aligned to 4 */
		if (legacy)
			CHECK_EQ(d->q[0].device - d->q[0].desc, 4096);
		/* And it carries chains. */
		virtio_device_ready(&m.vdev);
		uint8_t *buf = tmem_alloc(64, 64);
		struct virtq_sg sg[2] = { { buf, 32 }, { buf + 32, 32 } };
		CHECK_OK(virtq_add(&vq, sg, 1, 1, buf));
		virtq_kick(&vq);
		void *tok = NULL;
		uint32_t got = 0;
		CHECK_EQ(virtq_get_used(&vq, &tok, &got), 1);
		CHECK(tok == buf);
		CHECK_EQ(got, 32);
		CHECK_EQ(virtq_in_flight(&vq), 0);
	}
}

/* A queue in a static array sized at compile time, as an embedder would. */
static uint8_t static_queue_mem[VBLK_QUEUE_MEM_BYTES(16)] __attribute__((aligned(VIRTQ_MEM_ALIGN)));
_Static_assert(sizeof(static_queue_mem) == VBLK_QUEUE_MEM_BYTES(16), "a constant expression");

TEST(layout_static_queue_memory)
{
	for (int packed = 0; packed < 2; packed++) {
		sim_reset_all();
		sim_dma_add(static_queue_mem, sizeof(static_queue_mem));
		memset(static_queue_mem, 0xcb, sizeof(static_queue_mem)); /* virtq_create zeroes */
		static struct tblk t;
		struct sim_blk_opts o = { 0 };
		CHECK_OK(tblk_probe(&t, sim_blk_new(&o), layout_mask(packed)));
		CHECK_OK(vblk_attach_queue(&t.blk, 0, &t.q[0], 16, static_queue_mem,
					   sizeof(static_queue_mem)));
		CHECK_OK(vblk_start(&t.blk));
		CHECK_EQ(virtq_is_packed(&t.q[0].vq), packed);
		uint8_t *buf = tbuf(4096, 7);
		CHECK_OK(vblk_write(&t.blk, 8, buf, 8, 100 * MS));
		uint8_t *back = tbuf(4096, 8);
		CHECK_OK(vblk_read(&t.blk, 8, back, 8, 100 * MS));
		CHECK(memcmp(buf, back, 4096) == 0);
	}
}
