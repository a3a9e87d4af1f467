/*
 * libFuzzer target: virtio-gpu 2D (gpu.c, gpu_sync.c) over virtio-mmio
 * against the simulator's GPU (sim_gpu.c), the input bytes being the
 * device's behaviour (fuzz_sim.h; error answers, the wrong kind of
 * success, short answers, wrong fences, truncated display info, an EDID
 * that lies about its size, display-change events, ring steps) and the
 * caller's commands, asynchronous and synchronous, with fields in range
 * and out of it.  Checked besides the simulator's rules: done() once per
 * accepted command and never for a refused one, every command back after
 * the last abort unless the device is dead, a GET_EDID that succeeded
 * copied at most VGPU_EDID_MAX bytes, the scanouts as read stay within
 * num_scanouts.
 */
#include <string.h>

#include "fuzz_sim.h"
#include "sim/devices/sim_gpu.h"
#include "virtio/errors.h"
#include "virtio/gpu.h"
#include "virtio/mmio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NCMD 8u
#define NBACKING 4u
#define BACKING_BYTES 24576u /* NBACKING of them hold any resource sim_gpu makes */

struct fcmd {
	struct vgpu_cmd c;
	uint8_t edid[VGPU_EDID_MAX];
	bool in_flight;
};

static struct {
	struct sim_dev *d;
	struct virtio_mmio mmio;
	struct vgpu g;
	struct vgpu_queue q[2];
	struct fcmd cmd[NCMD];
	struct virtq_sg backing[NBACKING + 1];
	uint8_t edid[VGPU_EDID_MAX];
} s;

static void cmd_done(struct vgpu_cmd *c, int status)
{
	struct fcmd *f = c->ctx;
	if (!f->in_flight)
		fuzz_fail("gpu done() for a command not in flight (twice, or one refused)");
	f->in_flight = false;
	fuzz_owed_done();
	if (status > 0)
		fuzz_fail("gpu done() with status %d", status);
	if (status == VIRTIO_OK && c->type == VIRTIO_GPU_CMD_GET_EDID && c->edid_len > VGPU_EDID_MAX)
		fuzz_fail("GET_EDID copied %u bytes", c->edid_len);
}

static struct vgpu_rect rect(void)
{
	struct vgpu_rect r;
	if (fuzz_one_in(8)) {
		r = (struct vgpu_rect){ fuzz_u32(), fuzz_u32(), fuzz_u32(), fuzz_u32() };
	} else {
		r = (struct vgpu_rect){ fuzz_u8() % 80, fuzz_u8() % 60, fuzz_u8() % 80,
					fuzz_u8() % 60 };
	}
	return r;
}

/* §5.7.6.10: the cursor is a 64x64 resource the caller created and
 * populated first: a rule of the library's caller, which gpu.h passes on
 * as given.  This caller keeps it by asking the device what it holds now;
 * a command that waits in the ring (another could change the resource
 * meanwhile) takes 0, no cursor. */
static uint32_t cursor_res(uint32_t res, bool now)
{
	const struct sim_gpu_resource *r = sim_gpu_res(s.d, res);
	return now && r && r->width == 64 && r->height == 64 ? res : 0;
}

/*
 * The backing's pieces: sometimes one empty (the library must refuse it),
 * else all whole.  §5.7.6.x makes a backing as big as its resource the
 * caller's duty, which gpu.h passes on as given; this caller keeps it
 * always, since a resource may change between a command's submission and
 * its processing.
 */
static void backing_lengths(void)
{
	unsigned empty = fuzz_one_in(8) ? fuzz_u8() % NBACKING : NBACKING;
	for (unsigned i = 0; i < NBACKING; i++)
		s.backing[i].len = i == empty ? 0 : BACKING_BYTES;
}

/* All the pieces, none (refused), or one too many (an empty one: refused). */
static uint16_t backing_count(void)
{
	static const uint16_t counts[] = { NBACKING, NBACKING, 0, NBACKING + 1 };
	return counts[fuzz_u8() % 4];
}

/* A command of any type the driver knows (and some it does not), with
 * mostly believable fields. */
static void make_cmd(struct vgpu_cmd *c, uint8_t *edid)
{
	static const uint32_t types[] = {
		VIRTIO_GPU_CMD_GET_DISPLAY_INFO,     VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
		VIRTIO_GPU_CMD_RESOURCE_UNREF,       VIRTIO_GPU_CMD_SET_SCANOUT,
		VIRTIO_GPU_CMD_RESOURCE_FLUSH,       VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
		VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING,
		VIRTIO_GPU_CMD_GET_EDID,             VIRTIO_GPU_CMD_UPDATE_CURSOR,
		VIRTIO_GPU_CMD_UPDATE_CURSOR + 1,    VIRTIO_GPU_CMD_GET_CAPSET,
		VIRTIO_GPU_CMD_CTX_CREATE,           0,
		VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,   VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
	};
	static const uint32_t formats[] = { 1, 2, 3, 4, 67, 68, 121, 134, 0, 99 };
	uint16_t nbacking = backing_count();
	backing_lengths();
	*c = (struct vgpu_cmd){
		.type = types[fuzz_u8() % 16],
		.resource_id = fuzz_u8() % 10,
		.scanout_id = fuzz_u8() % 18,
		.format = formats[fuzz_u8() % 10],
		.width = fuzz_one_in(8) ? fuzz_u32() : fuzz_u8() % 170,
		.height = fuzz_one_in(8) ? fuzz_u32() : fuzz_u8() % 130,
		.rect = rect(),
		.offset = fuzz_one_in(8) ? fuzz_u64() : fuzz_u16(),
		.backing = nbacking ? s.backing : NULL,
		.nbacking = nbacking,
		.x = fuzz_u8(),
		.y = fuzz_u8(),
		.hot_x = fuzz_u8() % 64,
		.hot_y = fuzz_u8() % 64,
		.edid = edid,
		.fence = fuzz_u8() & 1,
	};
	if (c->type == VIRTIO_GPU_CMD_UPDATE_CURSOR)
		c->resource_id = cursor_res(c->resource_id, false);
}

static void submit(void)
{
	struct fcmd *f = &s.cmd[fuzz_u8() % NCMD];
	if (f->in_flight)
		return;
	make_cmd(&f->c, f->edid);
	f->c.done = cmd_done;
	f->c.ctx = f;
	f->in_flight = true;
	if (vgpu_submit(&s.g, &f->c) != VIRTIO_OK)
		f->in_flight = false; /* refused: done() must never come */
	else
		fuzz_owed_add();
}

/* A synchronous command of gpu_sync.c with a short deadline; its name. */
static const char *sync_call(void)
{
	uint64_t timeout = (fuzz_u8() % 64 + 1) * 1000ull; /* 1..64 relaxes */
	uint32_t res = fuzz_u8() % 10, sc = fuzz_u8() % 18;
	struct vgpu_rect r = rect();
	switch (fuzz_u8() % 10) {
	case 0:
		(void)vgpu_get_display_info(&s.g, timeout);
		if (s.g.num_scanouts > VIRTIO_GPU_MAX_SCANOUTS)
			fuzz_fail("%u scanouts", s.g.num_scanouts);
		return "vgpu_get_display_info";
	case 1:
		(void)vgpu_get_edid(&s.g, sc, s.edid, timeout);
		return "vgpu_get_edid";
	case 2:
		(void)vgpu_resource_create_2d(&s.g, res, fuzz_u8() % 5, fuzz_u8() % 170,
					      fuzz_u8() % 130, timeout);
		return "vgpu_resource_create_2d";
	case 3:
		backing_lengths();
		(void)vgpu_resource_attach_backing(&s.g, res, s.backing, backing_count(), timeout);
		return "vgpu_resource_attach_backing";
	case 4:
		(void)vgpu_resource_detach_backing(&s.g, res, timeout);
		return "vgpu_resource_detach_backing";
	case 5:
		(void)vgpu_resource_unref(&s.g, res, timeout);
		return "vgpu_resource_unref";
	case 6:
		(void)vgpu_set_scanout(&s.g, sc, res, &r, timeout);
		return "vgpu_set_scanout";
	case 7:
		(void)vgpu_flush_rect(&s.g, res, &r, fuzz_u16(), timeout);
		return "vgpu_flush_rect";
	case 8:
		(void)vgpu_update_cursor(&s.g, sc, fuzz_u8(), fuzz_u8(), cursor_res(res, true),
					 fuzz_u8() % 64, fuzz_u8() % 64, timeout);
		return "vgpu_update_cursor";
	default: {
		struct vgpu_cmd c;
		make_cmd(&c, s.edid);
		(void)vgpu_run(&s.g, &c, timeout);
		return "vgpu_run";
	}
	}
}

/* The device's answers going wrong, or its display changing. */
static const char *device_mood(void)
{
	struct sim_gpu *sg = sim_gpu_of(s.d);
	unsigned n = fuzz_u8() % 3;
	switch (fuzz_u8() % 9) {
	case 0:
		sg->error_next = n;
		sg->error_type = 0x1200 + fuzz_u8() % 6; /* ERR_UNSPEC.. */
		break;
	case 1: sg->wrong_ok_next = n; break;
	case 2: sg->short_next = n; break;
	case 3: sg->bad_fence_next = n; break;
	case 4: sg->no_fence_flag_next = n; break;
	case 5: sg->truncate_info_next = n; break;
	case 6: sg->edid_lie_next = n; break;
	default:
		sim_gpu_display_event(s.d, fuzz_u8() % 16, fuzz_u16(), fuzz_u16());
		break;
	}
	return "the device's answers or display";
}

static const char *driver_step(void)
{
	switch (fuzz_u8() % 8) {
	case 0:
	case 1:
		submit();
		return "vgpu_submit";
	case 2:
	case 3:
		return sync_call();
	case 4:
		(void)(fuzz_u8() & 1 ? vgpu_poll(&s.g) : vgpu_interrupt(&s.g));
		return "vgpu_poll or vgpu_interrupt";
	case 5:
		vgpu_handle_events(&s.g);
		return "vgpu_handle_events";
	default:
		return device_mood();
	}
}

static int attach(uint16_t qi, uint16_t size, void *mem, size_t len)
{
	return vgpu_attach_queue(&s.g, qi, &s.q[qi], size, mem, len);
}

static void run(void)
{
	memset(&s, 0, sizeof(s));
	struct sim_gpu_opts o = {
		.version = fuzz_version(),
		.num_scanouts = fuzz_u8() % 20,
		.qmax = (uint16_t)(fuzz_u8() % 65),
		.width = fuzz_u8() % 161,
		.height = fuzz_u8() % 121,
	};
	o.features = fuzz_ring_offer() | (fuzz_u8() & 1 ? VIRTIO_BIT(VIRTIO_GPU_F_EDID) : 0);
	s.d = sim_gpu_new(&o);
	sim_gpu_of(s.d)->caller_rules_unchecked = true; /* this caller is sloppy on purpose */
	fuzz_device_knobs(s.d);
	for (unsigned i = 0; i < NBACKING; i++)
		s.backing[i].addr = fuzz_dma(BACKING_BYTES, 64);
	if (!fuzz_mmio_probe(&s.mmio, s.d))
		return;
	int rc = vgpu_probe(&s.g, &s.mmio.vdev, fuzz_mask());
	fuzz_check("vgpu_probe");
	if (rc != VIRTIO_OK)
		return;
	if (!fuzz_attach_queues(2, vgpu_queue_mem_bytes, attach)) /* cursorq maybe not */
		return;
	rc = vgpu_start(&s.g);
	fuzz_check("vgpu_start");
	if (rc != VIRTIO_OK)
		return;
	(void)fuzz_steps(s.d, &(struct fuzz_driver){ .vdev = s.g.vdev, .step = driver_step });
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run_input(data, size, run);
	return 0;
}
