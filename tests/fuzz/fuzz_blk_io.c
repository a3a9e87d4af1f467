/*
 * The shared block workload (fuzz_blk_io.h): the device built from the
 * input, the library brought up over it, and the caller's steps.
 *
 * The disk holds a pattern that names each byte's position, and every
 * write writes the same pattern: the disk never changes except where a
 * range command (discard, write-zeroes, secure erase) may have run, so a
 * successful read must return exactly the pattern of the sectors it names.
 */
#include <string.h>

#include "fuzz_blk_io.h"
#include "virtio/errors.h"
#include "virtio/spec.h"

#define DISK_SECTORS 64u
#define NREQ 16u
#define NQUEUES 2u
#define BUF_BYTES 4096u
#define SEG_BYTES 1024u /* each data buffer of a request: its own 1 KiB */
#define NSEG (BUF_BYTES / SEG_BYTES)
#define HUGE_SEG 0xfffffe00u /* two make a chain over 4 GiB */

#define DISK_BYTES (DISK_SECTORS * VIRTIO_BLK_SECTOR)

/* The disk's contents: each byte names its position.  Computed once and
 * copied (an instrumented loop per input would cost more than the rest). */
static const uint8_t *disk_pattern(void)
{
	static uint8_t pattern[DISK_BYTES];
	if (!pattern[0])
		for (uint32_t off = 0; off < DISK_BYTES; off++)
			pattern[off] = (uint8_t)((off >> 9) * 37u + (off & 511u) * 3u + 1u);
	return pattern;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* ---- the device ---------------------------------------------------------- */

struct sim_dev *fuzz_blk_device(uint32_t version)
{
	/* Offered on top of sim_blk's default offer, one input bit each. */
	static const uint8_t extra[] = {
		VIRTIO_BLK_F_SECURE_ERASE, VIRTIO_F_IN_ORDER,       VIRTIO_F_NOTIFICATION_DATA,
		VIRTIO_F_ORDER_PLATFORM,   VIRTIO_F_ACCESS_PLATFORM, 27 /* ANY_LAYOUT */,
		24 /* NOTIFY_ON_EMPTY */,  50 /* no such feature */,
	};
	static const uint32_t size_max[] = { 0, 0, 512, 1024, 700, 0xffffffffu };
	static const uint32_t blk_size[] = { 0, 0, 1024, 4096, 1536, 0x80000000u };
	struct sim_blk_opts o = { .version = version, .sectors = DISK_SECTORS };

	o.remove = fuzz_u32() & fuzz_u32(); /* each default feature: gone one time in four */
	uint8_t hi = fuzz_u8();
	if ((hi & 3) == 3)
		o.remove |= VIRTIO_BIT(VIRTIO_F_VERSION_1);
	if (hi & 4)
		o.remove |= VIRTIO_BIT(VIRTIO_F_RING_PACKED);
	if (hi & 8)
		o.remove |= VIRTIO_BIT(VIRTIO_F_RING_RESET);
	uint8_t ex = fuzz_u8();
	for (unsigned i = 0; i < sizeof(extra); i++)
		if (ex & (1u << i))
			o.extra |= VIRTIO_BIT(extra[i]);
	uint8_t qmax = fuzz_u8();
	o.qmax = qmax ? qmax : 1; /* 0 is sim_blk's "default": set below */
	o.num_queues = (uint16_t)(fuzz_u8() % 3 == 2 ? NQUEUES : 1);
	o.seg_max = fuzz_u8() % 6; /* 0: the default, 126 */
	o.size_max = size_max[fuzz_u8() % 6];
	o.blk_size = blk_size[fuzz_u8() % 6];
	uint8_t flags = fuzz_u8();
	o.ro = flags & 1;
	o.writeback = (flags >> 1) & 1;
	o.wz_may_unmap = (flags >> 2) & 1;
	o.max_discard_sectors = fuzz_u8();
	o.max_discard_seg = fuzz_u8() % 3;
	o.discard_align = fuzz_u8() % 4;
	o.max_wz_sectors = fuzz_u8();
	o.max_wz_seg = fuzz_u8() % 3;
	o.max_se_sectors = fuzz_u8();
	o.max_se_seg = fuzz_u8() % 3;
	o.se_align = fuzz_u8() % 4;
	o.phys_exp = fuzz_u8();
	o.align_off = fuzz_u8();
	o.min_io = fuzz_u16();
	o.opt_io = fuzz_u32();

	struct sim_dev *d = sim_blk_new(&o);
	struct sim_blk *b = sim_blk_of(d);
	if (qmax == 0)
		d->q[0].max = 0; /* no request queue at all */
	if (fuzz_one_in(8)) {
		/* A capacity the RAM disk does not back: the device answers
		 * IOERR past its end, the driver's range checks see big numbers. */
		b->capacity = fuzz_u64();
		put_le(d->config + VIRTIO_BLK_CFG_CAPACITY, b->capacity, 8);
	}
	memcpy(b->disk, disk_pattern(), DISK_BYTES);
	if (fuzz_one_in(16))
		b->no_status = true;
	fuzz_device_knobs(d);
	return d;
}

/* ---- the caller's requests --------------------------------------------------- */

struct freq {
	struct vblk_req r;
	struct virtq_sg sg[NSEG];
	uint8_t *buf; /* BUF_BYTES of DMA memory, seg i at i * SEG_BYTES */
	bool in_flight;
};

static struct {
	struct virtio_device *vdev;
	struct sim_dev *d;
	struct sim_blk *b;
	struct vblk blk;
	struct vblk_queue q[NQUEUES];
	unsigned nq;
	struct freq req[NREQ];
	struct fuzz_sync_buf sync; /* the data of the synchronous calls */
	bool dirty[DISK_SECTORS]; /* a range command may have changed it */
} s;

/* A write's buffers: the pattern of the disk bytes they will cover. */
static void fill_pattern(const struct virtq_sg *sg, unsigned n, uint64_t sector)
{
	uint64_t off = sector < DISK_SECTORS ? sector * VIRTIO_BLK_SECTOR : DISK_BYTES;
	for (unsigned i = 0; i < n; off += sg[i].len, i++) {
		uint64_t k = off < DISK_BYTES ? DISK_BYTES - off : 0;
		if (k > sg[i].len)
			k = sg[i].len;
		memcpy(sg[i].addr, disk_pattern() + off, k);
		memset((uint8_t *)sg[i].addr + k, 0, sg[i].len - k);
	}
}

/* Bytes p[0..n) must be the pattern of the disk bytes from `off` on, where
 * the disk holds it for sure (inside the RAM disk, no range command). */
static void check_pattern(const uint8_t *p, uint64_t off, uint64_t n, const char *what)
{
	for (uint64_t k = 0; k < n && off + k < DISK_BYTES; k++) {
		uint64_t at = off + k, sec = at / VIRTIO_BLK_SECTOR;
		uint64_t run = (sec + 1) * VIRTIO_BLK_SECTOR - at; /* to the sector's end */
		if (run > n - k)
			run = n - k;
		if (s.dirty[sec] || !memcmp(p + k, disk_pattern() + at, run)) {
			k += run - 1;
			continue;
		}
		while (p[k] == disk_pattern()[at])
			k++, at++;
		fuzz_fail("%s completed successfully, but byte %u of sector %llu is %#x, not %#x",
			  what, (unsigned)(at % VIRTIO_BLK_SECTOR), (unsigned long long)sec, p[k],
			  disk_pattern()[at]);
	}
}

static void mark_dirty(uint64_t sector, uint64_t count)
{
	for (uint64_t i = 0; i < count && sector + i < DISK_SECTORS; i++)
		s.dirty[sector + i] = true;
}

static bool is_range(uint32_t type)
{
	return type == VIRTIO_BLK_T_DISCARD || type == VIRTIO_BLK_T_WRITE_ZEROES ||
	       type == VIRTIO_BLK_T_SECURE_ERASE;
}

static void check_status(int status)
{
	switch (status) {
	case VIRTIO_OK:
	case VIRTIO_EIO:
	case VIRTIO_EUNSUPP:
	case VIRTIO_ENOSTATUS:
	case VIRTIO_ERESET:
	case VIRTIO_EBROKEN:
	case VIRTIO_ETIMEDOUT:
		return;
	default:
		fuzz_fail("a request completed with status %d, which blk.h never gives", status);
	}
}

/* What a successful request must have done: GET_ID brought the serial, a
 * read the disk's bytes, a write put its own there, both inside the disk. */
static void check_result(uint32_t type, const struct virtq_sg *sg, unsigned n, uint64_t sector)
{
	if (type == VIRTIO_BLK_T_GET_ID && memcmp(sg[0].addr, s.b->id, VIRTIO_BLK_ID_BYTES))
		fuzz_fail("GET_ID completed successfully without the device's serial");
	if (type != VIRTIO_BLK_T_IN && type != VIRTIO_BLK_T_OUT)
		return;
	uint64_t bytes = 0;
	for (unsigned i = 0; i < n; i++)
		bytes += sg[i].len;
	if (sector >= DISK_SECTORS || bytes / VIRTIO_BLK_SECTOR > DISK_SECTORS - sector)
		fuzz_fail("a transfer of %llu bytes at sector %llu succeeded: the device fails "
			  "everything past its %u sectors", (unsigned long long)bytes,
			  (unsigned long long)sector, DISK_SECTORS);
	uint64_t off = sector * VIRTIO_BLK_SECTOR;
	for (unsigned i = 0; type == VIRTIO_BLK_T_IN && i < n; off += sg[i].len, i++)
		check_pattern(sg[i].addr, off, sg[i].len, "a read");
	for (unsigned i = 0; type == VIRTIO_BLK_T_OUT && i < n; off += sg[i].len, i++)
		check_pattern(s.b->disk + off, off, sg[i].len, "a write");
}

static void req_done(struct vblk_req *r, int status)
{
	struct freq *f = r->ctx;
	if (!f->in_flight)
		fuzz_fail("done() for a request not in flight (a second time, or one refused)");
	f->in_flight = false;
	check_status(status);
	sim_dma_check_released(f->buf, BUF_BYTES, "request data");
	if (status == VIRTIO_OK)
		check_result(r->type, f->sg, r->ndata, r->sector);
}

static void submit_one(bool kick)
{
	static const uint32_t types[] = {
		VIRTIO_BLK_T_IN,      VIRTIO_BLK_T_OUT,          VIRTIO_BLK_T_FLUSH,
		VIRTIO_BLK_T_GET_ID,  VIRTIO_BLK_T_DISCARD,      VIRTIO_BLK_T_WRITE_ZEROES,
		VIRTIO_BLK_T_SECURE_ERASE, 77 /* no such type */,
	};
	struct freq *f = &s.req[fuzz_u8() % NREQ];
	if (f->in_flight)
		return;
	uint32_t type = types[fuzz_u8() % 8];
	uint16_t qi = (uint16_t)(fuzz_u8() % (s.nq + 1)); /* s.nq: no such queue */
	unsigned nseg = fuzz_u8() % (NSEG + 1);
	for (unsigned i = 0; i < nseg; i++)
		f->sg[i] = (struct virtq_sg){ f->buf + i * SEG_BYTES,
					      (uint32_t)(fuzz_u8() % 3) * VIRTIO_BLK_SECTOR };
	if (type == VIRTIO_BLK_T_GET_ID && nseg && !fuzz_one_in(8))
		f->sg[0].len = VIRTIO_BLK_ID_BYTES;
	/* Buffers the caller claims are 4 GiB long: the library must refuse
	 * the chain before the device could see any of it (§2.7.5, §2.8.5). */
	bool huge = nseg >= 2 && fuzz_one_in(32);
	for (unsigned i = 0; huge && i < nseg; i++)
		f->sg[i].len = HUGE_SEG;
	uint64_t sector = fuzz_one_in(16) ? fuzz_u64() : fuzz_u8() % (DISK_SECTORS + 8);
	f->r = (struct vblk_req){
		.type = type,
		.sector = sector,
		.data = nseg ? f->sg : NULL,
		.ndata = (uint16_t)nseg,
		.nsectors = fuzz_u8() % 16,
		.flags = fuzz_u8() % 4,
		.done = req_done,
		.ctx = f,
	};
	if (type == VIRTIO_BLK_T_OUT && !huge)
		fill_pattern(f->sg, nseg, sector);
	f->in_flight = true;
	int rc = kick ? vblk_submit(&s.blk, qi, &f->r) : vblk_submit_nokick(&s.blk, qi, &f->r);
	if (rc != VIRTIO_OK) {
		f->in_flight = false; /* refused: done() must never come */
		return;
	}
	if (huge)
		fuzz_fail("a request of %u buffers of %#x bytes was accepted", nseg, HUGE_SEG);
	if (is_range(type))
		mark_dirty(sector, f->r.nsectors);
}

/* A synchronous call of blk_sync.c with a short deadline; its name. */
static const char *sync_call(void)
{
	static const uint32_t range[] = { VIRTIO_BLK_T_DISCARD, VIRTIO_BLK_T_WRITE_ZEROES,
					  VIRTIO_BLK_T_SECURE_ERASE };
	uint64_t timeout = (fuzz_u8() % 64 + 1) * 1000ull; /* 1..64 relaxes */
	uint64_t sector = fuzz_u8() % (DISK_SECTORS + 4);
	uint32_t count = fuzz_u8() % (BUF_BYTES / VIRTIO_BLK_SECTOR + 1);
	uint8_t *buf = fuzz_sync_buf_take(&s.sync, s.vdev);
	struct virtq_sg sg = { buf, count * VIRTIO_BLK_SECTOR };
	const char *what;
	int rc = VIRTIO_OK; /* of the calls with data */

	switch (fuzz_u8() % 6) {
	case 0:
		what = "vblk_read";
		rc = vblk_read(&s.blk, sector, buf, count, timeout);
		if (rc == VIRTIO_OK)
			check_result(VIRTIO_BLK_T_IN, &sg, 1, sector);
		break;
	case 1:
		what = "vblk_write";
		fill_pattern(&sg, 1, sector);
		rc = vblk_write(&s.blk, sector, buf, count, timeout);
		if (rc == VIRTIO_OK)
			check_result(VIRTIO_BLK_T_OUT, &sg, 1, sector);
		break;
	case 2:
		what = "vblk_flush";
		(void)vblk_flush(&s.blk, timeout);
		break;
	case 3:
		what = "vblk_get_id";
		sg.len = VIRTIO_BLK_ID_BYTES;
		rc = vblk_get_id(&s.blk, (char *)buf, timeout);
		if (rc == VIRTIO_OK)
			check_result(VIRTIO_BLK_T_GET_ID, &sg, 1, 0);
		break;
	case 4: {
		uint32_t type = range[fuzz_u8() % 3];
		uint64_t n = fuzz_u8() % 40;
		what = "vblk_range";
		mark_dirty(sector, n);
		(void)vblk_range(&s.blk, type, sector, n, fuzz_u8() % 2, timeout);
		break;
	}
	default:
		what = "vblk_set_writeback";
		(void)vblk_set_writeback(&s.blk, fuzz_u8() & 1);
		break;
	}
	fuzz_sync_buf_back(&s.sync, rc);
	return what;
}

/* Something the disk does on its own. */
static const char *disk_event(void)
{
	switch (fuzz_u8() % 4) {
	case 0:
		sim_blk_resize(s.d, fuzz_u8() % (DISK_SECTORS + 1), fuzz_u8() & 1);
		return "the disk resized";
	case 1:
		s.b->ioerr_next = fuzz_u8() % 3;
		return "the disk failing requests";
	case 2:
		s.b->unsupp_next = fuzz_u8() % 3;
		return "the disk refusing requests";
	default:
		s.b->no_status = !s.b->no_status;
		return "the disk (not) writing status bytes";
	}
}

/* ---- bring-up and the steps ------------------------------------------------ */

struct vblk *fuzz_blk_probe(struct virtio_device *vdev, struct sim_dev *d)
{
	/* Features the driver could take, refused by the caller's mask. */
	static const uint8_t maskable[] = {
		VIRTIO_F_INDIRECT_DESC, VIRTIO_F_EVENT_IDX,      VIRTIO_F_RING_PACKED,
		VIRTIO_BLK_F_FLUSH,     VIRTIO_BLK_F_CONFIG_WCE, VIRTIO_BLK_F_DISCARD,
		VIRTIO_BLK_F_WRITE_ZEROES, VIRTIO_BLK_F_MQ,
	};
	memset(&s, 0, sizeof(s));
	s.vdev = vdev;
	s.d = d;
	s.b = sim_blk_of(d);
	for (unsigned i = 0; i < NREQ; i++)
		s.req[i].buf = fuzz_dma(BUF_BYTES, 512);
	fuzz_sync_buf_init(&s.sync, BUF_BYTES, "synchronous request data");
	uint64_t mask = ~0ull;
	uint8_t m = fuzz_u8();
	for (unsigned i = 0; i < sizeof(maskable); i++)
		if (m & (1u << i))
			mask &= ~VIRTIO_BIT(maskable[i]);
	int rc = vblk_probe(&s.blk, vdev, mask);
	fuzz_check("vblk_probe");
	return rc == VIRTIO_OK ? &s.blk : NULL;
}

/* A queue size from the device's maximum: mostly a power of two at or
 * below it, sometimes any number (the library must refuse what is wrong). */
static uint16_t queue_size(uint16_t max)
{
	uint8_t c = fuzz_u8();
	if (c & 0x80)
		return (uint16_t)(c & 0x7f);
	uint16_t size = max;
	while (size & (size - 1))
		size &= (uint16_t)(size - 1);
	return (uint16_t)(size >> (c % 3));
}

static bool attach_and_start(void)
{
	unsigned want = fuzz_u8() % NQUEUES + 1;
	for (s.nq = 0; s.nq < want; s.nq++) {
		uint16_t size = queue_size(virtio_queue_max(s.vdev, (uint16_t)s.nq));
		size_t need = vblk_queue_mem_bytes(size);
		size_t len = need - (need && fuzz_one_in(32)); /* one byte short */
		void *mem = fuzz_dma(len, VIRTQ_MEM_ALIGN);
		if (vblk_attach_queue(&s.blk, (uint16_t)s.nq, &s.q[s.nq], size, mem, len) != VIRTIO_OK)
			break;
	}
	fuzz_check("vblk_attach_queue");
	if (s.nq == 0)
		return false;
	int rc = vblk_start(&s.blk);
	fuzz_check("vblk_start");
	return rc == VIRTIO_OK;
}

void fuzz_blk_run(void)
{
	if (!attach_and_start())
		return;
	while (fuzz_more()) {
		const char *what;
		switch (fuzz_u8() % 12) {
		case 0:
		case 1:
			submit_one(false);
			what = "a request submitted";
			break;
		case 2:
			submit_one(true);
			what = "a request submitted and kicked";
			break;
		case 3:
			vblk_kick(&s.blk, (uint16_t)(fuzz_u8() % s.nq));
			what = "vblk_kick";
			break;
		case 4:
			(void)vblk_interrupt(&s.blk);
			what = "vblk_interrupt";
			break;
		case 5:
			(void)vblk_poll(&s.blk, (uint16_t)(fuzz_u8() % s.nq));
			what = "vblk_poll";
			break;
		case 6:
		case 7:
		case 8:
			fuzz_device_step(s.d);
			what = "a device step";
			break;
		case 9:
			what = sync_call();
			break;
		case 10:
			what = fuzz_core_step(&(struct fuzz_driver){ .vdev = s.vdev });
			break;
		default:
			what = disk_event();
			break;
		}
		fuzz_check(what);
	}
	/* Whatever state the device is in: every request comes back, unless
	 * the reset never completes (VIRTIO_EDEAD: the device keeps them). */
	bool dead = virtio_device_abort(s.vdev, VIRTIO_ERESET) == VIRTIO_EDEAD;
	fuzz_check("the final virtio_device_abort");
	for (unsigned i = 0; i < NREQ && !dead; i++)
		if (s.req[i].in_flight)
			fuzz_fail("request %u never completed, even after virtio_device_abort", i);
}
