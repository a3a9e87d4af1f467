/*
 * Configuration reads in one generation (§2.5.1, drivers/virtio/core/
 * device.c): every helper reports a generation that never settles, and
 * fields that belong together are read in one generation loop, so a
 * change between two of them cannot mix an old value with a new one.
 */
#include "harness/bringup.h"
#include "virtio/spec.h"

/* Two consistent sets of discard limits and of topology. */
struct limits {
	uint32_t discard[3]; /* max sectors, max segments, alignment */
	uint8_t phys_exp, align_off;
	uint16_t min_io;
	uint32_t opt_io;
};
static const struct limits set_a = { { 0x1000, 4, 8 }, 3, 1, 8, 64 };
static const struct limits set_b = { { 0x2000, 2, 16 }, 2, 0, 4, 128 };

static void put_limits(struct sim_dev *d, const struct limits *l)
{
	for (unsigned i = 0; i < 3; i++)
		sim_put_le(d->config + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS + 4 * i, l->discard[i], 4);
	d->config[VIRTIO_BLK_CFG_PHYS_BLOCK_EXP] = l->phys_exp;
	d->config[VIRTIO_BLK_CFG_ALIGNMENT_OFFSET] = l->align_off;
	sim_put_le(d->config + VIRTIO_BLK_CFG_MIN_IO_SIZE, l->min_io, 2);
	sim_put_le(d->config + VIRTIO_BLK_CFG_OPT_IO_SIZE, l->opt_io, 4);
}

/* The device changes from set A to set B (a new generation) right after
 * the driver's first read of `trigger`. */
static uint32_t trigger;
static bool changed;
static void change_once(struct sim_dev *d, uint32_t off, unsigned width)
{
	(void)width;
	if (off != trigger || changed)
		return;
	changed = true;
	put_limits(d, &set_b);
	d->config_gen++;
}

static bool same(const struct vblk_info *in, const struct limits *l)
{
	return in->discard.max_sectors == l->discard[0] && in->discard.max_seg == l->discard[1] &&
	       in->discard.alignment == l->discard[2] && in->physical_block_exp == l->phys_exp &&
	       in->alignment_offset == l->align_off && in->min_io_size == l->min_io &&
	       in->opt_io_size == l->opt_io;
}

static void change_between_fields(uint32_t at)
{
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	put_limits(d, &set_a);
	trigger = at;
	changed = false;
	d->on_config_read = change_once;
	struct tblk t;
	CHECK_OK(tblk_probe(&t, d, ALL_FEATURES));
	CHECK(changed);
	CHECK_MSG(same(&t.blk.info, &set_b),
		  "discard %u/%u/%u topology %u/%u/%u/%u: a mix of two generations",
		  t.blk.info.discard.max_sectors, t.blk.info.discard.max_seg,
		  t.blk.info.discard.alignment, t.blk.info.physical_block_exp,
		  t.blk.info.alignment_offset, t.blk.info.min_io_size, t.blk.info.opt_io_size);
}

TEST(config_discard_limits_in_one_generation)
{
	change_between_fields(VIRTIO_BLK_CFG_MAX_DISCARD_SEG);
}

TEST(config_topology_in_one_generation)
{
	change_between_fields(VIRTIO_BLK_CFG_MIN_IO_SIZE);
}

/* From the first read of the block size on, the generation never settles. */
static void churn_from_blk_size(struct sim_dev *d, uint32_t off, unsigned width)
{
	(void)width;
	if (off == VIRTIO_BLK_CFG_BLK_SIZE)
		d->gen_churn = UINT32_MAX;
}

TEST(config_never_settling_after_the_capacity_fails_probe)
{
	/* Before: only the 64-bit capacity read reported it; every later
	 * field took the last unstable value and the probe succeeded. */
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	d->on_config_read = churn_from_blk_size;
	struct tblk t;
	CHECK_ERR(tblk_probe(&t, d, ALL_FEATURES), VIRTIO_ETIMEDOUT);
	CHECK(d->status & VIRTIO_STATUS_FAILED);
}

/* A blk device from `o`, probed. */
static struct virtio_device *probed(struct tblk *t, const struct sim_blk_opts *o)
{
	CHECK_OK(tblk_probe(t, sim_blk_new(o), ALL_FEATURES));
	return &t->mmio.vdev;
}

TEST(config_helpers_report_the_timeout)
{
	struct sim_blk_opts o = { .num_queues = 2 };
	struct tblk t;
	struct virtio_device *vd = probed(&t, &o);
	struct sim_dev *d = t.sim;
	uint8_t v8 = 0x55;
	uint16_t v16 = 0x5555;
	uint32_t v32 = 0x55555555;
	CHECK_OK(virtio_config_read16(vd, VIRTIO_BLK_CFG_NUM_QUEUES, &v16));
	CHECK_EQ(v16, 2);
	d->gen_churn = UINT32_MAX;
	CHECK_ERR(virtio_config_read8(vd, VIRTIO_BLK_CFG_WRITEBACK, &v8), VIRTIO_ETIMEDOUT);
	CHECK_ERR(virtio_config_read16(vd, VIRTIO_BLK_CFG_NUM_QUEUES, &v16), VIRTIO_ETIMEDOUT);
	CHECK_ERR(virtio_config_read32(vd, VIRTIO_BLK_CFG_BLK_SIZE, &v32), VIRTIO_ETIMEDOUT);
	/* Nothing written on failure. */
	CHECK_EQ(v8, 0x55);
	CHECK_EQ(v16, 2);
	CHECK_EQ(v32, 0x55555555);
	d->gen_churn = 0;
	CHECK_OK(virtio_config_read32(vd, VIRTIO_BLK_CFG_BLK_SIZE, &v32));
	CHECK_EQ(v32, 512);
}

TEST(config_read_fields_widths_arrays_and_limits)
{
	struct sim_blk_opts o = { .sectors = 0x1234, .blk_size = 4096, .phys_exp = 3,
				  .min_io = 7, .opt_io = 0x99 };
	struct tblk t;
	struct virtio_device *vd = probed(&t, &o);
	struct sim_dev *d = t.sim;
	uint64_t cap = 0;
	uint8_t exp = 0;
	uint16_t min_io = 0;
	uint32_t ds[3] = { 0 };
	struct virtio_config_field f[] = {
		VIRTIO_CONFIG_FIELD(VIRTIO_BLK_CFG_CAPACITY, &cap),
		VIRTIO_CONFIG_FIELD(VIRTIO_BLK_CFG_PHYS_BLOCK_EXP, &exp),
		VIRTIO_CONFIG_FIELD(VIRTIO_BLK_CFG_MIN_IO_SIZE, &min_io),
		{ VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, 4, 3, ds },
	};
	unsigned before = d->config_reads;
	CHECK_OK(virtio_config_read_fields(vd, f, 4));
	CHECK_EQ(d->config_reads - before, 2 + 1 + 1 + 3); /* natural widths, 64 as two */
	CHECK_EQ(cap, 0x1234);
	CHECK_EQ(exp, 3);
	CHECK_EQ(min_io, 7);
	CHECK_EQ(ds[0], 0x3fffff);
	CHECK_EQ(ds[1], 1);
	CHECK_EQ(ds[2], 8);
	/* A width that is not a field's, or too many accesses at once. */
	struct virtio_config_field bad = { 0, 3, 1, &ds[0] };
	CHECK_ERR(virtio_config_read_fields(vd, &bad, 1), VIRTIO_EINVAL);
	uint8_t big[VIRTIO_CONFIG_READ_MAX + 1];
	struct virtio_config_field many = { 0, 1, VIRTIO_CONFIG_READ_MAX + 1, big };
	CHECK_ERR(virtio_config_read_fields(vd, &many, 1), VIRTIO_EINVAL);
	CHECK_ERR(virtio_config_read_bytes(vd, 0, big, VIRTIO_CONFIG_READ_MAX + 1), VIRTIO_EINVAL);
}

/* The field list's checks one by one (each alone refuses the read), and
 * a 64-bit field whose halves differ: low half first, into the guest's
 * own order. */
TEST(config_read_fields_refusals_and_halves)
{
	struct sim_blk_opts o = { .size_max = 0x11223344, .seg_max = 0x55667788 };
	struct tblk t;
	struct virtio_device *vd = probed(&t, &o);
	uint64_t both = 0;
	uint32_t out = 0;
	static const uint8_t widths[] = { 0, 3, 5, 6, 7, 9, 12, 16, 24, 255 };
	for (unsigned i = 0; i < sizeof widths; i++) {
		struct virtio_config_field f = { 0, widths[i], 1, &out };
		CHECK_ERR(virtio_config_read_fields(vd, &f, 1), VIRTIO_EINVAL);
	}
	struct virtio_config_field none = { 0, 4, 0, &out }, nowhere = { 0, 4, 1, NULL };
	CHECK_ERR(virtio_config_read_fields(vd, &none, 1), VIRTIO_EINVAL);
	CHECK_ERR(virtio_config_read_fields(vd, &nowhere, 1), VIRTIO_EINVAL);
	/* 40 fields of two 64-bit values are 160 accesses, one more is too many */
	uint64_t wide[41][2];
	struct virtio_config_field many[41];
	for (unsigned i = 0; i < 41; i++)
		many[i] = (struct virtio_config_field){ 0, 8, 2, wide[i] };
	CHECK_OK(virtio_config_read_fields(vd, many, 40));
	CHECK_ERR(virtio_config_read_fields(vd, many, 41), VIRTIO_EINVAL);
	/* a good field after a bad one: still refused, nothing stored */
	struct virtio_config_field mixed[] = { { VIRTIO_BLK_CFG_SIZE_MAX, 4, 1, &out },
					       { 0, 4, 0, &out } };
	out = 7;
	CHECK_ERR(virtio_config_read_fields(vd, mixed, 2), VIRTIO_EINVAL);
	CHECK_EQ(out, 7);
	CHECK_OK(virtio_config_read64(vd, VIRTIO_BLK_CFG_SIZE_MAX, &both));
	CHECK_EQ(both, 0x5566778811223344ull);
}

/* A range command offered with zero limits: "one segment of any size"; a
 * command not offered: no limits at all, whatever the fields hold. */
TEST(config_zero_range_limits_and_commands_not_offered)
{
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	sim_put_le(d->config + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, 0, 4);
	sim_put_le(d->config + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, 0, 4);
	sim_put_le(d->config + VIRTIO_BLK_CFG_DISCARD_ALIGNMENT, 0, 4);
	struct tblk t;
	CHECK_OK(tblk_probe(&t, d, ALL_FEATURES));
	CHECK(sim_has(d, VIRTIO_BLK_F_DISCARD));
	CHECK_EQ(t.blk.info.discard.max_sectors, UINT32_MAX);
	CHECK_EQ(t.blk.info.discard.max_seg, 1);
	CHECK_EQ(t.blk.info.discard.alignment, 0);

	struct sim_dev *d2 = sim_blk_new(&o);
	sim_put_le(d2->config + VIRTIO_BLK_CFG_MAX_DISCARD_SECTORS, 99, 4);
	sim_put_le(d2->config + VIRTIO_BLK_CFG_MAX_DISCARD_SEG, 3, 4);
	struct tblk t2;
	CHECK_OK(tblk_probe(&t2, d2, ALL_FEATURES & ~VIRTIO_BIT(VIRTIO_BLK_F_DISCARD)));
	CHECK_EQ(t2.blk.info.discard.max_sectors, 0);
	CHECK_EQ(t2.blk.info.discard.max_seg, 0);
}
