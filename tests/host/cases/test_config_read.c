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
