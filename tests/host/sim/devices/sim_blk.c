/*
 * Back ends of the simulated device: a virtio-blk RAM disk (§5.2) and an
 * "echo" device for ring-level tests.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/sim_device.h"
#include "harness/unit.h"
#include "virtio/blk.h"
#include "virtio/spec.h"

/* ---- echo ------------------------------------------------------------ */

static uint32_t echo_backend(struct sim_dev *d, unsigned qi, struct sim_chain *c)
{
	uint8_t buf[4096];
	uint64_t n;
	(void)d;
	(void)qi;

	if (c->readable == 0) {
		for (uint64_t off = 0; off < c->writable; off += sizeof(buf)) {
			uint64_t k = c->writable - off < sizeof(buf) ? c->writable - off : sizeof(buf);
			for (uint64_t i = 0; i < k; i++)
				buf[i] = sim_echo_pattern(off + i);
			sim_chain_write(c, off, buf, k);
		}
		return (uint32_t)c->writable;
	}
	n = c->readable < c->writable ? c->readable : c->writable;
	for (uint64_t off = 0; off < n; off += sizeof(buf)) {
		uint64_t k = n - off < sizeof(buf) ? n - off : sizeof(buf);
		sim_chain_read(c, off, buf, k);
		sim_chain_write(c, off, buf, k);
	}
	return (uint32_t)n;
}

struct sim_dev *sim_echo_new(uint32_t version, uint64_t features, uint16_t qmax)
{
	struct sim_dev *d = sim_dev_new(version, VIRTIO_ID_RNG, features);
	sim_set_queue_max(d, 0, qmax);
	d->backend = echo_backend;
	return d;
}

/* ---- block ----------------------------------------------------------- */

/* Segments of the chain whose bytes fall inside [from, to) of the readable
 * (write=false) or writable stream. */
static unsigned segs_in(struct sim_chain *c, bool write, uint64_t from, uint64_t to,
			uint32_t *largest)
{
	uint64_t pos = 0;
	unsigned n = 0;
	for (uint32_t i = 0; i < c->nseg; i++) {
		struct sim_seg *s = &c->seg[i];
		if (s->write != write)
			continue;
		uint64_t a = pos, b = pos + s->len;
		pos = b;
		if (b <= from || a >= to)
			continue;
		n++;
		if (largest && s->len > *largest)
			*largest = s->len;
	}
	return n;
}

/* DISCARD, WRITE_ZEROES, SECURE_ERASE (§5.2.6): an array of 16-byte
 * segments {le64 sector, le32 num_sectors, le32 flags}. */
static uint8_t blk_range(struct sim_dev *d, struct sim_blk *b, struct sim_chain *c, uint32_t type,
			 uint64_t dlen)
{
	unsigned feature = type == VIRTIO_BLK_T_DISCARD ? VIRTIO_BLK_F_DISCARD
			   : type == VIRTIO_BLK_T_WRITE_ZEROES ? VIRTIO_BLK_F_WRITE_ZEROES
							       : VIRTIO_BLK_F_SECURE_ERASE;
	uint32_t max_sectors_off = type == VIRTIO_BLK_T_DISCARD ? 0x24
				   : type == VIRTIO_BLK_T_WRITE_ZEROES ? 0x30 : 0x3c;
	uint32_t max_sectors = (uint32_t)sim_get_le(d->config + max_sectors_off, 4);
	uint32_t max_seg = (uint32_t)sim_get_le(d->config + max_sectors_off + 4, 4);
	const char *name = type == VIRTIO_BLK_T_DISCARD ? "DISCARD"
			   : type == VIRTIO_BLK_T_WRITE_ZEROES ? "WRITE_ZEROES" : "SECURE_ERASE";

	if (!((d->features_at_ok >> feature) & 1)) {
		sim_violation("blk %s without the feature negotiated", name);
		return VIRTIO_BLK_S_UNSUPP;
	}
	if (dlen == 0 || dlen % 16) {
		sim_violation("blk %s with %llu data bytes: not whole 16-byte segments", name,
			      (unsigned long long)dlen);
		return VIRTIO_BLK_S_IOERR;
	}
	uint64_t nseg = dlen / 16;
	if (nseg > max_seg) {
		sim_violation("blk %s with %llu segments, max %u", name, (unsigned long long)nseg,
			      max_seg);
		return VIRTIO_BLK_S_IOERR;
	}
	uint64_t per = sim_get_le(d->config + VIRTIO_BLK_CFG_BLK_SIZE, 4) / 512;
	for (uint64_t i = 0; i < nseg; i++) {
		uint8_t seg[16];
		sim_chain_read(c, 16 + 16 * i, seg, 16);
		uint64_t sector = sim_get_le(seg, 8);
		uint32_t n = (uint32_t)sim_get_le(seg + 8, 4);
		uint32_t flags = (uint32_t)sim_get_le(seg + 12, 4);
		if (flags & ~1u) {
			sim_violation("blk %s segment with unknown flags 0x%x", name, flags);
			return VIRTIO_BLK_S_UNSUPP;
		}
		if ((flags & 1) && type != VIRTIO_BLK_T_WRITE_ZEROES) {
			sim_violation("blk %s segment with unmap set (§5.2.6.2)", name);
			return VIRTIO_BLK_S_UNSUPP;
		}
		if (n == 0 || n > max_sectors) {
			sim_violation("blk %s segment of %u sectors, max %u", name, n, max_sectors);
			return VIRTIO_BLK_S_IOERR;
		}
		if (per > 1 && (sector % per || n % per))
			return VIRTIO_BLK_S_IOERR; /* QEMU: not logical-block aligned */
		if (sector > b->capacity || n > b->capacity - sector || sector + n > b->sectors)
			return VIRTIO_BLK_S_IOERR;
		if (b->ro)
			return VIRTIO_BLK_S_IOERR;
	}
	for (uint64_t i = 0; i < nseg; i++) {
		uint8_t seg[16];
		sim_chain_read(c, 16 + 16 * i, seg, 16);
		uint64_t sector = sim_get_le(seg, 8);
		uint32_t n = (uint32_t)sim_get_le(seg + 8, 4);
		uint8_t fill = type == VIRTIO_BLK_T_DISCARD ? 0xd1 : 0;
		memset(b->disk + sector * VIRTIO_BLK_SECTOR, fill, (size_t)n * VIRTIO_BLK_SECTOR);
		b->range_sectors += n;
		if (sim_get_le(seg + 12, 4) & 1)
			b->unmaps++;
	}
	if (type == VIRTIO_BLK_T_DISCARD)
		b->discards++;
	else if (type == VIRTIO_BLK_T_WRITE_ZEROES)
		b->write_zeroes++;
	else
		b->secure_erases++;
	return VIRTIO_BLK_S_OK;
}

static uint32_t blk_backend(struct sim_dev *d, unsigned qi, struct sim_chain *c)
{
	struct sim_blk *b = d->ctx;
	uint8_t hdr[16];
	uint8_t status = VIRTIO_BLK_S_OK;
	uint32_t written = 0;
	(void)qi;

	b->requests++;
	if (c->readable < 16 || c->writable < 1) {
		sim_violation("blk request without a 16-byte header and a status byte (r %llu w %llu)",
			      (unsigned long long)c->readable, (unsigned long long)c->writable);
		return 0;
	}
	sim_chain_read(c, 0, hdr, 16);
	uint32_t type = (uint32_t)sim_get_le(hdr, 4);
	uint64_t sector = sim_get_le(hdr + 8, 8);
	bool data_in = type == VIRTIO_BLK_T_IN || type == VIRTIO_BLK_T_GET_ID;
	uint64_t dlen = data_in ? c->writable - 1 : c->readable - 16;
	uint32_t largest = 0;
	unsigned dsegs = data_in ? segs_in(c, true, 0, c->writable - 1, &largest)
				 : segs_in(c, false, 16, c->readable, &largest);

	if (data_in && c->readable != 16)
		sim_violation("blk type %u: %llu readable bytes after the header", type,
			      (unsigned long long)(c->readable - 16));
	if (!data_in && c->writable != 1)
		sim_violation("blk type %u: %llu writable bytes besides the status", type,
			      (unsigned long long)(c->writable - 1));
	if (dsegs > b->max_data_segs)
		b->max_data_segs = dsegs;
	if ((d->features_at_ok >> VIRTIO_BLK_F_SEG_MAX) & 1) {
		uint32_t seg_max = (uint32_t)sim_get_le(d->config + VIRTIO_BLK_CFG_SEG_MAX, 4);
		if (dsegs > seg_max)
			sim_violation("blk request with %u data segments, seg_max %u", dsegs, seg_max);
	}
	if ((d->features_at_ok >> VIRTIO_BLK_F_SIZE_MAX) & 1) {
		uint32_t size_max = (uint32_t)sim_get_le(d->config + VIRTIO_BLK_CFG_SIZE_MAX, 4);
		if (largest > size_max)
			sim_violation("blk data segment of %u bytes, size_max %u", largest, size_max);
	}
	if (d->version == 1 && !((d->features_at_ok >> 27) & 1)) {
		/* Legacy without ANY_LAYOUT: header and status on their own. */
		if (c->nseg < 2 || c->seg[0].len != 16 || c->seg[c->nseg - 1].len != 1)
			sim_violation("legacy blk framing: header and status must be separate descriptors");
	}

	if (b->unsupp_next) {
		b->unsupp_next--;
		status = VIRTIO_BLK_S_UNSUPP;
		goto out;
	}
	if (b->ioerr_next) {
		b->ioerr_next--;
		status = VIRTIO_BLK_S_IOERR;
		goto out;
	}
	switch (type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT: {
		if (dlen % VIRTIO_BLK_SECTOR) {
			sim_violation("blk %s of %llu bytes: not a multiple of 512",
				      type ? "write" : "read", (unsigned long long)dlen);
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		if (dlen == 0)
			sim_violation("blk %s without data", type ? "write" : "read");
		uint64_t n = dlen / VIRTIO_BLK_SECTOR;
		uint64_t per = sim_get_le(d->config + VIRTIO_BLK_CFG_BLK_SIZE, 4) / 512;
		if (per > 1 && (sector % per || n % per)) {
			status = VIRTIO_BLK_S_IOERR; /* QEMU: not logical-block aligned */
			break;
		}
		if (sector > b->capacity || n > b->capacity - sector || sector + n > b->sectors) {
			status = VIRTIO_BLK_S_IOERR;
			break;
		}
		uint8_t *p = b->disk + sector * VIRTIO_BLK_SECTOR;
		if (type == VIRTIO_BLK_T_IN) {
			sim_chain_write(c, 0, p, dlen);
			written = (uint32_t)dlen;
			b->reads++;
			b->bytes_read += dlen;
		} else if (b->ro) {
			status = VIRTIO_BLK_S_IOERR;
		} else {
			sim_chain_read(c, 16, p, dlen);
			b->writes++;
			b->writes_since_flush++;
			b->bytes_written += dlen;
		}
		break;
	}
	case VIRTIO_BLK_T_FLUSH:
		if (sector != 0)
			sim_violation("blk FLUSH with sector %llu (must be 0)", (unsigned long long)sector);
		if (dlen)
			sim_violation("blk FLUSH carries %llu data bytes", (unsigned long long)dlen);
		if (!((d->features_at_ok >> VIRTIO_BLK_F_FLUSH) & 1)) {
			status = VIRTIO_BLK_S_UNSUPP;
			break;
		}
		b->flushes++;
		b->writes_since_flush = 0;
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
	case VIRTIO_BLK_T_SECURE_ERASE:
		if (sector != 0)
			sim_violation("blk range command with header sector %llu (unused, set to 0)",
				      (unsigned long long)sector);
		status = blk_range(d, b, c, type, dlen);
		break;
	case VIRTIO_BLK_T_GET_ID:
		if (sector != 0)
			sim_violation("blk GET_ID with header sector %llu (unused, set to 0)",
				      (unsigned long long)sector);
		if (dlen != VIRTIO_BLK_ID_BYTES)
			sim_violation("blk GET_ID with %llu bytes (must be 20)", (unsigned long long)dlen);
		written = (uint32_t)sim_chain_write(c, 0, b->id, dlen < 20 ? dlen : 20);
		b->get_ids++;
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
out:
	if (status != VIRTIO_BLK_S_OK) {
		b->errors++;
		written = 0;
	}
	if (!b->no_status) {
		sim_chain_write(c, c->writable - 1, &status, 1);
		written += 1;
	}
	return written;
}

static bool blk_config_write(struct sim_dev *d, uint32_t off, unsigned width, uint32_t v)
{
	if (off == VIRTIO_BLK_CFG_WRITEBACK && width == 1 &&
	    ((d->features_at_ok >> VIRTIO_BLK_F_CONFIG_WCE) & 1)) {
		d->config[off] = (uint8_t)v;
		return true;
	}
	return false;
}

static void blk_churn(struct sim_dev *d)
{
	/* Toggle the capacity's high word so that a read torn across a
	 * generation change gives a value the device never had. */
	struct sim_blk *b = d->ctx;
	uint64_t cap = sim_get_le(d->config, 8);
	uint64_t alt = b->churn_alt ? b->churn_alt : b->capacity + 1;
	cap = cap == b->capacity ? alt : b->capacity;
	sim_put_le(d->config, cap, 8);
}

struct sim_dev *sim_blk_new(const struct sim_blk_opts *o)
{
	uint32_t version = o->version ? o->version : 2;
	uint64_t f = o->features;
	if (!f) {
		if (version == 1)
			f = 0x31006ed4ull; /* what QEMU 7.2 legacy virtio-blk-device offers */
		else
			f = VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_GEOMETRY) |
			    VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) | VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) |
			    VIRTIO_BIT(VIRTIO_BLK_F_TOPOLOGY) | VIRTIO_BIT(VIRTIO_BLK_F_CONFIG_WCE) |
			    VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES) |
			    VIRTIO_BIT(VIRTIO_F_INDIRECT_DESC) | VIRTIO_BIT(VIRTIO_F_EVENT_IDX) |
			    VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_RING_PACKED) |
			    VIRTIO_BIT(VIRTIO_F_RING_RESET);
	}
	f |= o->extra;
	f &= ~o->remove;
	if (o->ro)
		f |= VIRTIO_BIT(VIRTIO_BLK_F_RO);
	if (o->num_queues > 1)
		f |= VIRTIO_BIT(VIRTIO_BLK_F_MQ);
	if (o->size_max)
		f |= VIRTIO_BIT(VIRTIO_BLK_F_SIZE_MAX);

	struct sim_dev *d = sim_dev_new(version, VIRTIO_ID_BLOCK, f);
	struct sim_blk *b = calloc(1, sizeof(*b));
	if (!b)
		abort();
	b->sectors = o->sectors ? o->sectors : 2048;
	b->capacity = b->sectors;
	b->ro = o->ro;
	b->disk = calloc(b->sectors, VIRTIO_BLK_SECTOR);
	if (!b->disk)
		abort();
	memcpy(b->id, "sim-blk-0123456789ab", 20);
	d->ctx = b;
	d->backend = blk_backend;
	d->config_write = blk_config_write;
	d->on_churn = blk_churn;

	uint16_t nq = o->num_queues ? o->num_queues : 1;
	for (unsigned q = 0; q < nq && q < SIM_MAX_QUEUES; q++)
		sim_set_queue_max(d, q, o->qmax ? o->qmax : 1024);
	d->config_len = 0x60;
	if ((f >> VIRTIO_BLK_F_CONFIG_WCE) & 1) {
		/* §5.2.5: writeback may be read only after FEATURES_OK. */
		d->cfg_late_lo = VIRTIO_BLK_CFG_WRITEBACK;
		d->cfg_late_hi = VIRTIO_BLK_CFG_WRITEBACK + 1;
	}
	sim_put_le(d->config + VIRTIO_BLK_CFG_CAPACITY, b->capacity, 8);
	sim_put_le(d->config + VIRTIO_BLK_CFG_SIZE_MAX, o->size_max, 4);
	sim_put_le(d->config + VIRTIO_BLK_CFG_SEG_MAX, o->seg_max ? o->seg_max : 126, 4);
	sim_put_le(d->config + 0x10, 16383 | 16u << 16 | 63u << 24, 4); /* geometry */
	sim_put_le(d->config + VIRTIO_BLK_CFG_BLK_SIZE, o->blk_size ? o->blk_size : 512, 4);
	d->config[VIRTIO_BLK_CFG_WRITEBACK] = o->writeback;
	sim_put_le(d->config + VIRTIO_BLK_CFG_NUM_QUEUES, nq, 2);
	d->config[0x18] = o->phys_exp;
	d->config[0x19] = o->align_off;
	sim_put_le(d->config + 0x1a, o->min_io, 2);
	sim_put_le(d->config + 0x1c, o->opt_io, 4);
	uint32_t per = (o->blk_size ? o->blk_size : 512) / 512;
	if ((f >> VIRTIO_BLK_F_DISCARD) & 1) {
		sim_put_le(d->config + 0x24, o->max_discard_sectors ? o->max_discard_sectors : 0x3fffff, 4);
		sim_put_le(d->config + 0x28, o->max_discard_seg ? o->max_discard_seg : 1, 4);
		sim_put_le(d->config + 0x2c, o->discard_align ? o->discard_align : per, 4);
	}
	if ((f >> VIRTIO_BLK_F_WRITE_ZEROES) & 1) {
		sim_put_le(d->config + 0x30, o->max_wz_sectors ? o->max_wz_sectors : 0x3fffff, 4);
		sim_put_le(d->config + 0x34, o->max_wz_seg ? o->max_wz_seg : 1, 4);
		d->config[0x38] = o->wz_may_unmap;
	}
	if ((f >> 16) & 1) { /* SECURE_ERASE */
		sim_put_le(d->config + 0x3c, o->max_se_sectors ? o->max_se_sectors : 0x3fffff, 4);
		sim_put_le(d->config + 0x40, o->max_se_seg ? o->max_se_seg : 1, 4);
		sim_put_le(d->config + 0x44, o->se_align ? o->se_align : per, 4);
	}
	return d;
}

void sim_blk_resize(struct sim_dev *d, uint64_t sectors, bool notify)
{
	struct sim_blk *b = d->ctx;
	if (sectors > b->sectors)
		FAIL("sim_blk_resize: %llu sectors > RAM disk", (unsigned long long)sectors);
	b->capacity = sectors;
	sim_put_le(d->config + VIRTIO_BLK_CFG_CAPACITY, sectors, 8);
	d->config_gen++;
	if (notify)
		sim_raise_config(d);
}
