/*
 * Transport probe, initialisation sequence (§3.1.1), feature negotiation
 * (§2.2), reset (§2.4), configuration space and its generation counter
 * (§2.5), interrupt acknowledgement (§4.2.3.4).
 */
#include <string.h>

#include "harness/bringup.h"

static bool any_status_has(const struct sim_dev *d, uint8_t bit)
{
	for (unsigned i = 0; i < d->nstatus_log; i++)
		if (d->status_log[i] & bit)
			return true;
	return false;
}

/* Only these register offsets were touched (reads or writes). */
static void check_touched_only(const struct sim_dev *d, const uint32_t *offs, unsigned n)
{
	for (uint32_t off = 0; off < sizeof(d->touched); off++) {
		if (!d->touched[off])
			continue;
		bool allowed = false;
		for (unsigned i = 0; i < n; i++)
			allowed |= offs[i] == off;
		CHECK_MSG(allowed, "register 0x%03x was accessed", off);
	}
}

TEST(probe_modern)
{
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	struct virtio_mmio m;
	CHECK_OK(virtio_mmio_probe(&m, d->base));
	CHECK_EQ(m.vdev.device_id, VIRTIO_ID_BLOCK);
	CHECK(!m.vdev.legacy);
	CHECK_EQ(m.version, 2);
	CHECK_EQ(m.base, d->base);
	CHECK(m.vdev.ops != NULL);
	/* Probing touches nothing but magic, version and device ID. */
	static const uint32_t ok[] = { 0x000, 0x004, 0x008 };
	check_touched_only(d, ok, 3);
}

TEST(probe_bad_magic_enodev)
{
	struct sim_dev *d = sim_echo_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 16);
	d->magic = 0x12345678;
	struct virtio_mmio m;
	CHECK_ERR(virtio_mmio_probe(&m, d->base), VIRTIO_ENODEV);
	static const uint32_t ok[] = { 0x000 };
	check_touched_only(d, ok, 1);
}

TEST(probe_device_id_zero_enodev)
{
	/* §4.2.3.1.1: an empty slot; touch nothing after the device ID. */
	struct sim_dev *d = sim_dev_new(2, 0, 0);
	struct virtio_mmio m;
	CHECK_ERR(virtio_mmio_probe(&m, d->base), VIRTIO_ENODEV);
	static const uint32_t ok[] = { 0x000, 0x004, 0x008 };
	check_touched_only(d, ok, 3);
	CHECK_EQ(d->nstatus_log, 0);
}

TEST(probe_unknown_version_enotsup)
{
	struct sim_dev *d = sim_echo_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 16);
	d->version = 3;
	struct virtio_mmio m;
	CHECK_ERR(virtio_mmio_probe(&m, d->base), VIRTIO_ENOTSUP);
	static const uint32_t ok[] = { 0x000, 0x004 };
	check_touched_only(d, ok, 2);
}

TEST(probe_wrong_device_type_enodev)
{
	/* vblk_probe on a device that is not a block device. */
	struct sim_dev *d = sim_echo_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 16);
	struct virtio_mmio m;
	struct vblk blk;
	CHECK_OK(virtio_mmio_probe(&m, d->base));
	CHECK_ERR(vblk_probe(&blk, &m.vdev, ALL_FEATURES), VIRTIO_ENODEV);
	CHECK_EQ(d->nstatus_log, 0);
}

TEST(handshake_status_sequence)
{
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	struct tblk t;
	CHECK_OK(tblk_probe(&t, d, ALL_FEATURES));
	/* §3.1.1: reset, ACKNOWLEDGE, DRIVER, FEATURES_OK, each an OR. */
	static const uint8_t want[] = { 0, 1, 3, 11 };
	CHECK_EQ(d->nstatus_log, 4);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(d->status_log[i], want[i]);
	CHECK_EQ(d->status, 11);
	/* Both driver feature words written, VERSION_1 accepted, and the
	 * device's view equals the library's. */
	CHECK_EQ(d->feat_words_written, 3);
	CHECK(sim_has(d, VIRTIO_F_VERSION_1));
	CHECK_EQ(t.mmio.vdev.features, d->driver_features);
	CHECK_EQ(t.mmio.vdev.offered, d->features);
	CHECK_EQ(d->features_at_ok, d->driver_features);

	/* Queue set-up writes no status; vblk_start sets DRIVER_OK. */
	t.qlen[0] = vblk_queue_mem_bytes(64);
	t.qmem[0] = tmem_alloc(t.qlen[0], VIRTQ_MEM_ALIGN);
	CHECK_OK(vblk_attach_queue(&t.blk, 0, &t.q[0], 64, t.qmem[0], t.qlen[0]));
	CHECK_EQ(d->nstatus_log, 4);
	CHECK(d->q[0].ready);
	CHECK_OK(vblk_start(&t.blk));
	CHECK_EQ(d->nstatus_log, 5);
	CHECK_EQ(d->status_log[4], 15);
	CHECK_EQ(d->status, 15);
	/* And it works. */
	uint8_t *buf = tbuf(512, 1);
	CHECK_OK(vblk_read(&t.blk, 0, buf, 1, 10 * MS));
}

TEST(handshake_waits_for_reset)
{
	/* Status keeps reading the old value for a while after the reset. */
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	d->status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK |
		    VIRTIO_STATUS_FEATURES_OK;
	d->reset_delay = 25;
	struct tblk t;
	CHECK_OK(tblk_probe(&t, d, ALL_FEATURES));
	/* The simulator flags any status write during the reset. */
	CHECK_EQ(d->reset_countdown, 0);
	CHECK_EQ(d->status, 11);
}

TEST(handshake_reset_never_completes_etimedout)
{
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	d->status = 0x0f; /* left live by an earlier stage */
	d->reset_stuck = true;
	struct tblk t;
	uint64_t t0 = sim_clock_ns;
	CHECK_ERR(tblk_probe(&t, d, ALL_FEATURES), VIRTIO_ETIMEDOUT);
	uint64_t waited = sim_clock_ns - t0;
	CHECK_MSG(waited >= VIRTIO_RESET_TIMEOUT_NS && waited <= VIRTIO_RESET_TIMEOUT_NS + 10 * MS,
		  "waited %llu ns for a %llu ns reset deadline", (unsigned long long)waited,
		  (unsigned long long)VIRTIO_RESET_TIMEOUT_NS);
	/* Nothing but resets was written: no ACKNOWLEDGE on a device that
	 * never finished resetting. */
	for (unsigned i = 0; i < d->nstatus_log; i++)
		CHECK_EQ(d->status_log[i] & 0x0f, 0);
	CHECK_EQ(d->feat_words_written, 0);
}

TEST(handshake_device_refuses_features_ok)
{
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	d->refuse_features_ok = true;
	struct tblk t;
	CHECK_ERR(tblk_probe(&t, d, ALL_FEATURES), VIRTIO_EFEATURES);
	/* §3.1.1 step 6: FAILED set, DRIVER_OK never. */
	CHECK(d->status & VIRTIO_STATUS_FAILED);
	CHECK(!any_status_has(d, VIRTIO_STATUS_DRIVER_OK));
	CHECK(!d->q[0].ready);
}

TEST(handshake_device_without_version1_refused)
{
	/* A modern transport whose device does not offer VERSION_1. */
	struct sim_blk_opts o = { .remove = VIRTIO_BIT(VIRTIO_F_VERSION_1) };
	struct sim_dev *d = sim_blk_new(&o);
	struct tblk t;
	CHECK_ERR(tblk_probe(&t, d, ALL_FEATURES), VIRTIO_ENOTSUP);
	CHECK(d->status & VIRTIO_STATUS_FAILED);
	CHECK(!any_status_has(d, VIRTIO_STATUS_DRIVER_OK));
}

TEST(handshake_legacy_v1)
{
	struct sim_blk_opts o = { .version = 1 };
	struct sim_dev *d = sim_blk_new(&o);
	struct tblk t;
	tblk_up(&t, d, ALL_FEATURES, 128, 1);
	CHECK(t.mmio.vdev.legacy);
	CHECK_EQ(t.mmio.version, 1);
	/* §3.1.2: no FEATURES_OK step. */
	static const uint8_t want[] = { 0, 1, 3, 7 };
	CHECK_EQ(d->nstatus_log, 4);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(d->status_log[i], want[i]);
	CHECK(!sim_has(d, VIRTIO_F_VERSION_1));
	CHECK_EQ(d->driver_features >> 32, 0);
	CHECK_EQ(t.mmio.vdev.features, d->driver_features);
	CHECK_EQ(d->guest_page_size, 4096);
	CHECK(d->q[0].ready);
	CHECK(!d->q[0].packed);
	CHECK(d->q[0].pfn != 0);

	/* Reads and writes through the legacy ring. */
	uint8_t *w = tbuf(4096, 7), *r = tbuf(4096, 8);
	CHECK_OK(vblk_write(&t.blk, 10, w, 8, 10 * MS));
	CHECK_OK(vblk_read(&t.blk, 10, r, 8, 10 * MS));
	CHECK(memcmp(w, r, 4096) == 0);
	CHECK(memcmp(t.b->disk + 10 * 512, w, 4096) == 0);
	for (unsigned i = 0; i < 300; i++) {
		uint32_t n = 1 + unit_rand_below(4);
		uint64_t s = unit_rand_below(2000);
		tmem_fill(w, n * 512, i);
		CHECK_OK(vblk_write(&t.blk, s, w, n, 10 * MS));
		CHECK_OK(vblk_read(&t.blk, s, r, n, 10 * MS));
		CHECK(memcmp(w, r, n * 512) == 0);
	}
}

TEST(handshake_legacy_without_indirect)
{
	/* Legacy with three separate descriptors per request. */
	struct sim_blk_opts o = { .version = 1 };
	struct sim_dev *d = sim_blk_new(&o);
	struct tblk t;
	tblk_up(&t, d, NO(VIRTIO_F_INDIRECT_DESC), 8, 1);
	uint8_t *w = tbuf(1024, 3), *r = tbuf(1024, 4);
	for (unsigned i = 0; i < 50; i++) {
		CHECK_OK(vblk_write(&t.blk, i, w, 2, 10 * MS));
		CHECK_OK(vblk_read(&t.blk, i, r, 2, 10 * MS));
		CHECK(memcmp(w, r, 1024) == 0);
	}
	CHECK_EQ(d->q[0].indirect_chains, 0);
}

TEST(legacy_ring_beyond_32bit_page_number_refused)
{
	/* §4.2.4: legacy QueuePFN is 32 bits of 4 KiB pages, so it reaches
	 * 16 TiB.  The host heap lies above that: refused before any register
	 * is written; the same queue from the low arena then works, its PFN
	 * exactly the ring's address / 4096. */
	struct sim_blk_opts o = { .version = 1 };
	struct sim_dev *d = sim_blk_new(&o);
	struct tblk t;
	CHECK_OK(tblk_probe(&t, d, ALL_FEATURES));
	size_t n = vblk_queue_mem_bytes(8);
	void *high = tmem_alloc(n, VIRTQ_MEM_ALIGN);
	CHECK((uint64_t)(uintptr_t)high >> 44 != 0);
	CHECK_ERR(vblk_attach_queue(&t.blk, 0, &t.q[0], 8, high, n), VIRTIO_ENOTSUP);
	CHECK_EQ(d->q[0].pfn, 0);
	CHECK_EQ(d->q[0].num, 0);
	void *low = tmem_alloc_low(n, VIRTQ_MEM_ALIGN);
	CHECK_OK(vblk_attach_queue(&t.blk, 0, &t.q[0], 8, low, n));
	CHECK_EQ((uint64_t)d->q[0].pfn * 4096, (uint64_t)(uintptr_t)low);
	CHECK_OK(vblk_start(&t.blk));
	uint8_t *w = tbuf(512, 5), *r = tbuf(512, 6);
	CHECK_OK(vblk_write(&t.blk, 3, w, 1, 10 * MS));
	CHECK_OK(vblk_read(&t.blk, 3, r, 1, 10 * MS));
	CHECK(memcmp(w, r, 512) == 0);
}

TEST(features_mask_selects_split)
{
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	struct tblk t;
	tblk_up(&t, d, NO(VIRTIO_F_RING_PACKED), 16, 1);
	CHECK(!sim_has(d, VIRTIO_F_RING_PACKED));
	CHECK(!t.blk.queues[0]->vq.packed);
	CHECK(!d->q[0].packed);
	uint8_t *b = tbuf(512, 1);
	CHECK_OK(vblk_write(&t.blk, 1, b, 1, 10 * MS));
	CHECK_OK(vblk_read(&t.blk, 1, b, 1, 10 * MS));
}

TEST(features_default_takes_packed)
{
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	struct tblk t;
	tblk_up(&t, d, ALL_FEATURES, 16, 1);
	CHECK(sim_has(d, VIRTIO_F_RING_PACKED));
	CHECK(sim_has(d, VIRTIO_F_INDIRECT_DESC));
	CHECK(sim_has(d, VIRTIO_F_EVENT_IDX));
	CHECK(t.blk.queues[0]->vq.packed);
	CHECK(d->q[0].packed);
	uint8_t *b = tbuf(512, 1);
	CHECK_OK(vblk_write(&t.blk, 1, b, 1, 10 * MS));
	CHECK_OK(vblk_read(&t.blk, 1, b, 1, 10 * MS));
}

TEST(features_mask_removes_ring_bits)
{
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	struct tblk t;
	tblk_up(&t, d,
		NO(VIRTIO_F_INDIRECT_DESC) & NO(VIRTIO_F_EVENT_IDX) & NO(VIRTIO_BLK_F_FLUSH), 16,
		1);
	CHECK(!sim_has(d, VIRTIO_F_INDIRECT_DESC));
	CHECK(!sim_has(d, VIRTIO_F_EVENT_IDX));
	CHECK(!sim_has(d, VIRTIO_BLK_F_FLUSH));
	CHECK(!d->q[0].indirect && !d->q[0].event_idx);
	CHECK(!t.blk.info.flush);
	CHECK_EQ(t.blk.queues[0]->vq.indirect_max, 0);
	uint8_t *b = tbuf(2048, 1);
	struct treq r;
	treq_init(&r, VIRTIO_BLK_T_IN, 0, b, 2048, 4);
	CHECK_OK(vblk_submit(&t.blk, 0, &r.req));
	CHECK_EQ(vblk_poll(&t.blk, 0), 1);
	CHECK_EQ(r.done_calls, 1);
	CHECK_OK(r.status);
	CHECK_EQ(d->q[0].indirect_chains, 0);
}

TEST(features_accepts_only_offered_and_known)
{
	/* Offer bits no driver of this library may take: reserved ones,
	 * ADMIN_VQ (PCI only), ZONED and the legacy-only bits; plus IN_ORDER,
	 * which needs batched used entries the library does not handle. */
	uint64_t bad = VIRTIO_BIT(41) | VIRTIO_BIT(42) | VIRTIO_BIT(45) | VIRTIO_BIT(49) |
		       VIRTIO_BIT(50) | VIRTIO_BIT(63) | VIRTIO_BIT(17) /* ZONED */ |
		       VIRTIO_BIT(30) | VIRTIO_BIT(24) | VIRTIO_BIT(VIRTIO_F_IN_ORDER) |
		       VIRTIO_BIT(VIRTIO_F_RING_RESET);
	struct sim_blk_opts o = { .extra = bad };
	struct sim_dev *d = sim_blk_new(&o);
	struct tblk t;
	tblk_up(&t, d, ALL_FEATURES, 16, 1);
	CHECK_EQ(d->driver_features & ~d->features, 0);
	CHECK_MSG((d->driver_features & bad) == 0, "accepted 0x%llx",
		  (unsigned long long)(d->driver_features & bad));
	uint8_t *b = tbuf(512, 1);
	CHECK_OK(vblk_read(&t.blk, 0, b, 1, 10 * MS));
}

TEST(features_none_offered_but_version1)
{
	/* A bare device: no ring extras at all. */
	struct sim_blk_opts o = { .features = VIRTIO_BIT(VIRTIO_F_VERSION_1) };
	struct sim_dev *d = sim_blk_new(&o);
	struct tblk t;
	tblk_up(&t, d, ALL_FEATURES, 4, 1);
	CHECK_EQ(d->driver_features, VIRTIO_BIT(VIRTIO_F_VERSION_1));
	CHECK_EQ(t.blk.info.blk_size, 512);
	CHECK_EQ(t.blk.info.seg_max, 0);
	CHECK_EQ(t.blk.info.num_queues, 1);
	uint8_t *w = tbuf(512 * 3, 5), *r = tbuf(512 * 3, 6);
	for (unsigned i = 0; i < 40; i++) {
		CHECK_OK(vblk_write(&t.blk, i, w, 3, 10 * MS));
		CHECK_OK(vblk_read(&t.blk, i, r, 3, 10 * MS));
		CHECK(memcmp(w, r, 512 * 3) == 0);
	}
}

TEST(config_fields_read)
{
	struct sim_blk_opts o = { .sectors = 4096, .seg_max = 5, .size_max = 8192,
				  .blk_size = 4096 };
	struct sim_dev *d = sim_blk_new(&o);
	struct tblk t;
	CHECK_OK(tblk_probe(&t, d, ALL_FEATURES));
	CHECK_EQ(t.blk.info.capacity, 4096);
	CHECK_EQ(t.blk.info.seg_max, 5);
	CHECK_EQ(t.blk.info.size_max, 8192);
	CHECK_EQ(t.blk.info.blk_size, 4096);
	CHECK_EQ(t.blk.info.num_queues, 1);
	CHECK(!t.blk.info.read_only);
	CHECK(t.blk.info.flush);
}

TEST(config_read64_retries_on_generation_change)
{
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	struct tblk t;
	CHECK_OK(tblk_probe(&t, d, ALL_FEATURES));
	/* The capacity flips between two values whose high words differ,
	 * bumping the generation on each of the next 3 config reads: a read
	 * torn across the change gives 0x1ffffffff or 0. */
	struct sim_blk *b = sim_blk_of(d);
	b->capacity = 0xffffffffull;
	b->churn_alt = 0x100000000ull;
	for (int i = 0; i < 8; i++)
		d->config[i] = (uint8_t)(b->capacity >> (8 * i));
	for (uint32_t churn = 1; churn <= 6; churn++) {
		d->gen_churn = churn;
		uint32_t gen0 = d->config_gen;
		uint64_t v = 0;
		CHECK_OK(virtio_config_read64(&t.mmio.vdev, VIRTIO_BLK_CFG_CAPACITY, &v));
		CHECK_MSG(v == 0xffffffffull || v == 0x100000000ull,
			  "churn %u: read 0x%llx, a value the device never held", churn,
			  (unsigned long long)v);
		CHECK_EQ(d->config_gen - gen0, churn);
		CHECK_EQ(d->gen_churn, 0);
	}
}

TEST(config_generation_churn_forever_etimedout)
{
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	struct tblk t;
	CHECK_OK(tblk_probe(&t, d, ALL_FEATURES));
	d->gen_churn = UINT32_MAX;
	unsigned reads0 = d->config_reads;
	uint64_t t0 = sim_clock_ns;
	uint64_t v = 0x5555;
	CHECK_ERR(virtio_config_read64(&t.mmio.vdev, VIRTIO_BLK_CFG_CAPACITY, &v),
		  VIRTIO_ETIMEDOUT);
	CHECK_EQ(v, 0x5555); /* not written on failure */
	/* Bounded: a handful of retries, not a spin. */
	CHECK(d->config_reads - reads0 <= 2u * VIRTIO_CONFIG_RETRIES + 4);
	CHECK(sim_clock_ns - t0 < 100 * MS);
}

TEST(config_churn_forever_fails_probe)
{
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	d->gen_churn = UINT32_MAX;
	struct tblk t;
	CHECK_ERR(tblk_probe(&t, d, ALL_FEATURES), VIRTIO_ETIMEDOUT);
	CHECK(d->status & VIRTIO_STATUS_FAILED);
	CHECK(!any_status_has(d, VIRTIO_STATUS_DRIVER_OK));
}

TEST(config_legacy_reads_twice)
{
	struct sim_blk_opts o = { .version = 1, .sectors = 3000 };
	struct sim_dev *d = sim_blk_new(&o);
	struct tblk t;
	CHECK_OK(tblk_probe(&t, d, ALL_FEATURES));
	CHECK_EQ(t.blk.info.capacity, 3000);
	/* No ConfigGeneration register on legacy: the simulator would have
	 * flagged an access. */
	CHECK(!d->touched[VIRTIO_MMIO_CONFIG_GENERATION]);
}

TEST(interrupt_ack_exact_bits)
{
	struct tblk *t = tblk_default(ALL_FEATURES, 16);
	struct sim_dev *d = t->sim;
	d->int_status = VIRTIO_INT_CONFIG;
	CHECK_EQ(virtio_interrupt_ack(&t->mmio.vdev), VIRTIO_INT_CONFIG);
	CHECK_EQ(d->int_status, 0);
	d->int_status = VIRTIO_INT_CONFIG | VIRTIO_INT_VRING;
	CHECK_EQ(virtio_interrupt_ack(&t->mmio.vdev), 3);
	CHECK_EQ(d->int_status, 0);
	CHECK_EQ(virtio_interrupt_ack(&t->mmio.vdev), 0);
}

TEST(device_fail_and_needs_reset_api)
{
	struct tblk *t = tblk_default(ALL_FEATURES, 16);
	struct sim_dev *d = t->sim;
	CHECK(!virtio_device_needs_reset(&t->mmio.vdev));
	sim_set_needs_reset(d);
	CHECK(virtio_device_needs_reset(&t->mmio.vdev));
	virtio_device_fail(&t->mmio.vdev);
	CHECK(d->status & VIRTIO_STATUS_FAILED);
	CHECK_OK(virtio_device_reset(&t->mmio.vdev));
	CHECK_EQ(d->status, 0);
	CHECK(!d->q[0].ready);
}

TEST(notification_data_values)
{
	/* With NOTIFICATION_DATA the simulator checks every doorbell value
	 * against the ring (§2.9); run both layouts. */
	for (int packed = 0; packed < 2; packed++) {
		sim_reset_all();
		struct sim_blk_opts o = { .extra = VIRTIO_BIT(VIRTIO_F_NOTIFICATION_DATA) };
		struct sim_dev *d = sim_blk_new(&o);
		struct tblk t;
		tblk_up(&t, d, packed ? ALL_FEATURES : NO(VIRTIO_F_RING_PACKED), 8, 1);
		uint8_t *b = tbuf(4096, 2);
		for (unsigned i = 0; i < 40; i++)
			CHECK_OK(vblk_read(&t.blk, i, b, 1 + i % 8, 10 * MS));
		if (sim_has(d, VIRTIO_F_NOTIFICATION_DATA))
			CHECK(d->q[0].last_notify_value >> 16 != 0 || packed);
		CHECK(d->q[0].notifies >= 40);
	}
}
