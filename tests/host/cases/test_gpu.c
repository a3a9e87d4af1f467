/*
 * virtio-gpu (drivers/virtio/devices/gpu.c, gpu_sync.c) against the
 * simulated GPU: bring-up, display info and EDID, a framebuffer on a
 * scattered backing whose pixels must reach the device exactly, every
 * answer checked (error types, the wrong kind of success, short answers,
 * fences), the cursor queue, asynchronous commands, and the commands the
 * driver refuses before the device sees them.  Events and faults are in
 * test_gpu_events.c.
 */
#include "harness/gpu_fixture.h"
#include "harness/pci_fixture.h"

unsigned tcmd_completed;

void tcmd_done(struct vgpu_cmd *cmd, int status)
{
	struct tcmd *t = cmd->ctx;
	t->status = status;
	t->calls++;
	t->order = ++tcmd_completed;
}

TEST(gpu_bringup_display_info_and_edid)
{
	for (uint32_t version = 1; version <= 2; version++) {
		for (int packed = 0; packed <= 1; packed++) {
			sim_reset_all();
			struct sim_gpu_opts o = { .version = version, .num_scanouts = 2 };
			struct tgpu *t = tgpu_up(&o, layout_mask(packed), 16, true);
			struct vgpu *g = &t->gpu;
			CHECK_EQ(g->num_scanouts, 2);
			CHECK(g->edid);
			CHECK_EQ(virtio_has_feature(&t->mmio.vdev, VIRTIO_F_RING_PACKED),
				 packed && version == 2);
			t->dev->mode[1].enabled = false;
			t->dev->mode[1].r = (struct sim_gpu_rect){ 64, 0, 32, 32 };
			CHECK_OK(vgpu_get_display_info(g, GPU_TIMEOUT));
			CHECK_EQ(g->display_info_gen, 1);
			CHECK(g->scanouts[0].enabled);
			CHECK_EQ(g->scanouts[0].r.width, 64);
			CHECK_EQ(g->scanouts[0].r.height, 48);
			CHECK(!g->scanouts[1].enabled);
			CHECK_EQ(g->scanouts[1].r.x, 64);
			uint8_t edid[VGPU_EDID_MAX];
			CHECK_EQ(vgpu_get_edid(g, 0, edid, GPU_TIMEOUT), 128);
			CHECK(edid[0] == 0x00 && edid[1] == 0xff && edid[7] == 0x00 && edid[127] == 127);
			CHECK_ERR(vgpu_get_edid(g, 2, edid, GPU_TIMEOUT), VIRTIO_EINVAL);
			CHECK_EQ(t->dev->display_infos, 1);
			CHECK_EQ(t->dev->edids, 1);
		}
	}
}

/* QEMU 7.2 leaves WRITE out of every used packed descriptor while its
 * length is right: the answers must still be read. */
TEST(gpu_packed_ring_with_qemu_used_flags)
{
	struct tgpu *t = tgpu_up(NULL, ALL_FEATURES, 16, true);
	CHECK(virtio_has_feature(&t->mmio.vdev, VIRTIO_F_RING_PACKED));
	t->sim->packed_used_no_write = true;
	CHECK_OK(vgpu_get_display_info(&t->gpu, GPU_TIMEOUT));
	CHECK_EQ(t->gpu.scanouts[0].r.width, 64);
	uint8_t edid[VGPU_EDID_MAX];
	CHECK_EQ(vgpu_get_edid(&t->gpu, 0, edid, GPU_TIMEOUT), 128);
	CHECK_OK(vgpu_resource_create_2d(&t->gpu, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 8, 8,
					 GPU_TIMEOUT));
}

TEST(gpu_edid_only_when_negotiated)
{
	struct tgpu *t = tgpu_up(NULL, NO(VIRTIO_GPU_F_EDID), 16, true);
	uint8_t edid[VGPU_EDID_MAX];
	CHECK(!t->gpu.edid);
	CHECK_ERR(vgpu_get_edid(&t->gpu, 0, edid, GPU_TIMEOUT), VIRTIO_EUNSUPP);
	CHECK_EQ(t->dev->edids, 0);
}

/* What the test draws at (x, y); `seed` makes each drawing different. */
static uint32_t pixel(uint32_t x, uint32_t y, uint32_t seed)
{
	return 0xff000000u ^ (seed * 0x010101u) ^ (x << 8) ^ (y << 16) ^ x * y;
}

struct fb {
	uint32_t w, h, rows_per_chunk;
	struct virtq_sg chunk[4];
	uint16_t nchunks;
};

/* A w x h framebuffer as `nchunks` separately allocated runs of rows
 * (test memory with guards between: never adjacent). */
static void fb_alloc(struct fb *fb, uint32_t w, uint32_t h, uint16_t nchunks)
{
	fb->w = w;
	fb->h = h;
	fb->nchunks = nchunks;
	fb->rows_per_chunk = (h + nchunks - 1) / nchunks;
	for (uint16_t i = 0; i < nchunks; i++) {
		uint32_t rows = h - i * fb->rows_per_chunk < fb->rows_per_chunk
					? h - i * fb->rows_per_chunk : fb->rows_per_chunk;
		fb->chunk[i] = (struct virtq_sg){ tmem_alloc(rows * w * 4, 64), rows * w * 4 };
	}
}

static uint32_t *fb_at(struct fb *fb, uint32_t x, uint32_t y)
{
	uint32_t *rows = fb->chunk[y / fb->rows_per_chunk].addr;
	return &rows[(y % fb->rows_per_chunk) * fb->w + x];
}

static void fb_draw(struct fb *fb, uint32_t seed)
{
	for (uint32_t y = 0; y < fb->h; y++)
		for (uint32_t x = 0; x < fb->w; x++)
			*fb_at(fb, x, y) = pixel(x, y, seed);
}

TEST(gpu_framebuffer_on_a_scattered_backing)
{
	struct tgpu *t = tgpu_up(NULL, ALL_FEATURES, 16, true);
	struct vgpu *g = &t->gpu;
	struct fb fb;
	fb_alloc(&fb, 64, 48, 3);
	CHECK((uint8_t *)fb.chunk[1].addr != (uint8_t *)fb.chunk[0].addr + fb.chunk[0].len);
	struct vgpu_rect full = { 0, 0, 64, 48 };
	CHECK_OK(vgpu_resource_create_2d(g, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 48, GPU_TIMEOUT));
	CHECK_OK(vgpu_resource_attach_backing(g, 1, fb.chunk, fb.nchunks, GPU_TIMEOUT));
	CHECK_EQ(t->dev->max_entries, 3);
	CHECK_OK(vgpu_set_scanout(g, 0, 1, &full, GPU_TIMEOUT));
	CHECK_EQ(t->dev->scanout[0].resource_id, 1);

	fb_draw(&fb, 1);
	CHECK_OK(vgpu_flush_rect(g, 1, &full, 64 * 4, GPU_TIMEOUT));
	struct sim_gpu_resource *r = sim_gpu_res(t->sim, 1);
	for (uint32_t y = 0; y < 48; y++)
		for (uint32_t x = 0; x < 64; x++)
			CHECK_MSG(r->pixels[y * 64 + x] == pixel(x, y, 1), "pixel %u,%u", x, y);
	CHECK_EQ(t->dev->flushes, 1);
	CHECK_EQ(t->dev->fenced, 2); /* transfer and flush both fenced */

	/* Redraw everything, send one rectangle across a chunk boundary: only
	 * it may change on the device (the offset names its first pixel). */
	fb_draw(&fb, 2);
	struct vgpu_rect part = { 10, 12, 21, 9 };
	CHECK_OK(vgpu_flush_rect(g, 1, &part, 64 * 4, GPU_TIMEOUT));
	for (uint32_t y = 0; y < 48; y++)
		for (uint32_t x = 0; x < 64; x++) {
			bool in = x >= 10 && x < 31 && y >= 12 && y < 21;
			CHECK_MSG(r->pixels[y * 64 + x] == pixel(x, y, in ? 2 : 1), "pixel %u,%u (%s)",
				  x, y, in ? "inside" : "outside");
		}
	CHECK(t->dev->last_flush.x == 10 && t->dev->last_flush.w == 21 && t->dev->last_flush.h == 9);

	/* Tear down in order: scanout off, backing off, resource gone. */
	CHECK_OK(vgpu_set_scanout(g, 0, 0, NULL, GPU_TIMEOUT));
	CHECK_EQ(t->dev->scanout[0].resource_id, 0);
	CHECK_OK(vgpu_resource_detach_backing(g, 1, GPU_TIMEOUT));
	CHECK(!r->attached);
	CHECK_OK(vgpu_resource_unref(g, 1, GPU_TIMEOUT));
	CHECK(sim_gpu_res(t->sim, 1) == NULL);
	CHECK_EQ(t->dev->detaches + t->dev->unrefs, 2);
}

TEST(gpu_error_answers_are_errors)
{
	static const uint32_t errs[] = {
		VIRTIO_GPU_RESP_ERR_UNSPEC, VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY,
		VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID,
		VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
		0x12ff, /* an error type the spec never defined */
	};
	struct tgpu *t = tgpu_up(NULL, ALL_FEATURES, 16, true);
	for (unsigned i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		t->dev->error_next = 1;
		t->dev->error_type = errs[i];
		struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, .resource_id = 5,
				      .format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, .width = 8,
				      .height = 8 };
		CHECK_ERR(vgpu_run(&t->gpu, &c, GPU_TIMEOUT), VIRTIO_EIO);
		CHECK_EQ(c.resp_type, errs[i]);
		bool known = strcmp(vgpu_resp_name(errs[i]), "unknown answer type") != 0;
		CHECK_MSG(known == (errs[i] != 0x12ff), "name of 0x%x: %s", errs[i],
			  vgpu_resp_name(errs[i]));
	}
	CHECK(strcmp(vgpu_resp_name(VIRTIO_GPU_RESP_OK_NODATA), "OK_NODATA") == 0);
	CHECK(strcmp(vgpu_resp_name(VIRTIO_GPU_RESP_OK_DISPLAY_INFO), "OK_DISPLAY_INFO") == 0);
	CHECK(strcmp(vgpu_resp_name(VIRTIO_GPU_RESP_OK_EDID), "OK_EDID") == 0);
	/* A display info error leaves what is known alone. */
	CHECK_OK(vgpu_get_display_info(&t->gpu, GPU_TIMEOUT));
	t->dev->error_next = 1;
	t->dev->error_type = VIRTIO_GPU_RESP_ERR_UNSPEC;
	CHECK_ERR(vgpu_get_display_info(&t->gpu, GPU_TIMEOUT), VIRTIO_EIO);
	CHECK_EQ(t->gpu.display_info_gen, 1);
	CHECK(t->gpu.scanouts[0].enabled);

	/* Errors the device finds itself: a resource that does not exist,
	 * a rectangle outside the resource, a scanout it does not have. */
	struct vgpu_rect r = { 0, 0, 8, 8 };
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_SET_SCANOUT, .resource_id = 9, .rect = r };
	CHECK_ERR(vgpu_run(&t->gpu, &c, GPU_TIMEOUT), VIRTIO_EIO);
	CHECK_EQ(c.resp_type, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
	CHECK(strcmp(vgpu_resp_name(c.resp_type), "ERR_INVALID_RESOURCE_ID") == 0);
	CHECK_OK(vgpu_resource_create_2d(&t->gpu, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 8, 8,
					 GPU_TIMEOUT));
	c = (struct vgpu_cmd){ .type = VIRTIO_GPU_CMD_RESOURCE_FLUSH, .resource_id = 1,
			       .rect = { 4, 4, 8, 8 } };
	CHECK_ERR(vgpu_run(&t->gpu, &c, GPU_TIMEOUT), VIRTIO_EIO);
	CHECK_EQ(c.resp_type, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
	CHECK_ERR(vgpu_resource_create_2d(&t->gpu, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 8, 8,
					  GPU_TIMEOUT), VIRTIO_EIO); /* id in use */
	CHECK_ERR(vgpu_resource_unref(&t->gpu, 7, GPU_TIMEOUT), VIRTIO_EIO);
	CHECK_ERR(vgpu_resource_detach_backing(&t->gpu, 1, GPU_TIMEOUT), VIRTIO_EIO);
}

TEST(gpu_malformed_answers_are_errors)
{
	struct tgpu *t = tgpu_up(NULL, ALL_FEATURES, 16, true);
	struct vgpu *g = &t->gpu;
	/* The wrong kind of success: OK_DISPLAY_INFO for a CREATE_2D, and
	 * OK_NODATA for a GET_DISPLAY_INFO. */
	t->dev->wrong_ok_next = 1;
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, .resource_id = 1,
			      .format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, .width = 8, .height = 8 };
	CHECK_ERR(vgpu_run(g, &c, GPU_TIMEOUT), VIRTIO_EIO);
	CHECK_EQ(c.resp_type, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
	t->dev->wrong_ok_next = 1;
	CHECK_ERR(vgpu_get_display_info(g, GPU_TIMEOUT), VIRTIO_EIO);
	CHECK_EQ(g->display_info_gen, 0);
	/* Fewer bytes than a header: no answer at all. */
	t->dev->short_next = 1;
	c = (struct vgpu_cmd){ .type = VIRTIO_GPU_CMD_RESOURCE_UNREF, .resource_id = 1 };
	CHECK_ERR(vgpu_run(g, &c, GPU_TIMEOUT), VIRTIO_ENOSTATUS);
	/* A display info cut short, an EDID claiming more than it sent. */
	t->dev->truncate_info_next = 1;
	CHECK_ERR(vgpu_get_display_info(g, GPU_TIMEOUT), VIRTIO_EIO);
	CHECK_EQ(g->display_info_gen, 0);
	uint8_t edid[VGPU_EDID_MAX];
	t->dev->edid_lie_next = 1;
	CHECK_ERR(vgpu_get_edid(g, 0, edid, GPU_TIMEOUT), VIRTIO_EIO);
	/* Answers the device never wrote read as type 0. */
	CHECK(strcmp(vgpu_resp_name(0), "no answer") == 0);
	CHECK_OK(vgpu_get_display_info(g, GPU_TIMEOUT));
}

TEST(gpu_fenced_commands)
{
	struct tgpu *t = tgpu_up(NULL, ALL_FEATURES, 16, true);
	struct vgpu *g = &t->gpu;
	CHECK_OK(vgpu_resource_create_2d(g, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 8, 8, GPU_TIMEOUT));
	CHECK_EQ(t->dev->fenced, 0); /* unfenced unless asked */
	for (uint64_t i = 1; i <= 3; i++) {
		struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_RESOURCE_FLUSH, .resource_id = 1,
				      .rect = { 0, 0, 8, 8 }, .fence = true };
		CHECK_OK(vgpu_run(g, &c, GPU_TIMEOUT));
		CHECK_EQ(c.fence_id, i);
		CHECK_EQ(t->dev->last_fence, i);
		CHECK_EQ(g->last_fence, i);
	}
	/* A fence echoed wrong, or the flag dropped: the command is not
	 * known to be done. */
	t->dev->bad_fence_next = 1;
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_RESOURCE_FLUSH, .resource_id = 1,
			      .rect = { 0, 0, 8, 8 }, .fence = true };
	CHECK_ERR(vgpu_run(g, &c, GPU_TIMEOUT), VIRTIO_EIO);
	t->dev->no_fence_flag_next = 1;
	CHECK_ERR(vgpu_run(g, &c, GPU_TIMEOUT), VIRTIO_EIO);
	CHECK_EQ(g->last_fence, 3);
}

TEST(gpu_cursor_queue)
{
	struct tgpu *t = tgpu_up(NULL, ALL_FEATURES, 16, true);
	struct vgpu *g = &t->gpu;
	uint32_t *img = tmem_alloc(64 * 64 * 4, 64);
	struct virtq_sg sg = { img, 64 * 64 * 4 };
	CHECK_OK(vgpu_resource_create_2d(g, 2, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, 64, 64, GPU_TIMEOUT));
	CHECK_OK(vgpu_resource_attach_backing(g, 2, &sg, 1, GPU_TIMEOUT));
	CHECK_OK(vgpu_flush_rect(g, 2, &(struct vgpu_rect){ 0, 0, 64, 64 }, 256, GPU_TIMEOUT));
	unsigned control = t->sim->q[0].chains;
	CHECK_OK(vgpu_update_cursor(g, 0, 30, 20, 2, 1, 2, GPU_TIMEOUT));
	CHECK(t->dev->cursor.x == 30 && t->dev->cursor.y == 20 && t->dev->cursor.resource_id == 2);
	CHECK(t->dev->cursor.hot_x == 1 && t->dev->cursor.hot_y == 2);
	CHECK_OK(vgpu_move_cursor(g, 0, 40, 41, GPU_TIMEOUT));
	CHECK(t->dev->cursor.x == 40 && t->dev->cursor.y == 41 && t->dev->cursor.resource_id == 2);
	CHECK_EQ(t->dev->cursor_updates, 1);
	CHECK_EQ(t->dev->cursor_moves, 1);
	CHECK_EQ(t->sim->q[1].chains, 2);
	CHECK_EQ(t->sim->q[0].chains, control); /* nothing went the other way */
	/* No answer on cursorq: nothing could carry a fence back. */
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_MOVE_CURSOR, .fence = true };
	CHECK_ERR(vgpu_run(g, &c, GPU_TIMEOUT), VIRTIO_EINVAL);
	CHECK_ERR(vgpu_move_cursor(g, 1, 0, 0, GPU_TIMEOUT), VIRTIO_EINVAL); /* one scanout */

	sim_reset_all();
	t = tgpu_up(NULL, ALL_FEATURES, 16, false);
	CHECK_ERR(vgpu_move_cursor(&t->gpu, 0, 1, 1, GPU_TIMEOUT), VIRTIO_ENOQUEUE);
}

TEST(gpu_asynchronous_commands_complete_in_callbacks)
{
	struct tgpu *t = tgpu_up(NULL, ALL_FEATURES, 8, true); /* 4 control slots */
	struct vgpu *g = &t->gpu;
	struct tcmd cmds[5];
	t->sim->mode = SIM_DEFERRED;
	tcmd_completed = 0;
	for (uint32_t i = 0; i < 4; i++)
		CHECK_OK(vgpu_submit(g, tcmd_init(&cmds[i], (struct vgpu_cmd){
			.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, .resource_id = i + 1,
			.format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, .width = 4, .height = 4 })));
	CHECK_ERR(vgpu_submit(g, tcmd_init(&cmds[4], (struct vgpu_cmd){
		.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO })), VIRTIO_ENOSPC);
	CHECK_EQ(vgpu_poll(g), 0);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ(cmds[i].calls, 0);
	CHECK_EQ(sim_process(t->sim), 4);
	CHECK_EQ(vgpu_poll(g), 4);
	for (unsigned i = 0; i < 4; i++) {
		CHECK_EQ(cmds[i].calls, 1);
		CHECK_OK(cmds[i].status);
		CHECK_EQ(cmds[i].order, i + 1);
	}
	CHECK_EQ(cmds[4].calls, 0);
	CHECK(sim_gpu_res(t->sim, 4) != NULL);
	CHECK_EQ(vgpu_poll(g), 0);
}

TEST(gpu_refuses_bad_commands_before_the_device)
{
	struct tgpu *t = tgpu_up(NULL, NO(VIRTIO_GPU_F_EDID), 16, true);
	struct vgpu *g = &t->gpu;
	uint8_t edid[VGPU_EDID_MAX], page[64];
	struct virtq_sg ok = { page, 64 }, null_addr = { NULL, 64 }, empty = { page, 0 };
	struct virtq_sg many[VGPU_MAX_BACKING + 1];
	for (unsigned i = 0; i <= VGPU_MAX_BACKING; i++)
		many[i] = ok;
	const struct vgpu_rect fine = { 0, 0, 8, 8 };
	const struct {
		struct vgpu_cmd c;
		int rc;
	} cases[] = {
		{ { .type = 0x0999 }, VIRTIO_EINVAL },
		{ { .type = VIRTIO_GPU_CMD_GET_EDID, .edid = edid }, VIRTIO_EUNSUPP },
		{ { .type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, .format = 2, .width = 8, .height = 8 },
		  VIRTIO_EINVAL }, /* resource 0 */
		{ { .type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, .resource_id = 1, .format = 5,
		    .width = 8, .height = 8 }, VIRTIO_EINVAL },
		{ { .type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, .resource_id = 1, .format = 2,
		    .height = 8 }, VIRTIO_EINVAL },
		{ { .type = VIRTIO_GPU_CMD_RESOURCE_UNREF }, VIRTIO_EINVAL },
		{ { .type = VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING }, VIRTIO_EINVAL },
		{ { .type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, .resource_id = 1 }, VIRTIO_EINVAL },
		{ { .type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, .resource_id = 1,
		    .backing = many, .nbacking = VGPU_MAX_BACKING + 1 }, VIRTIO_EINVAL },
		{ { .type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, .resource_id = 1,
		    .backing = &null_addr, .nbacking = 1 }, VIRTIO_EINVAL },
		{ { .type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, .resource_id = 1,
		    .backing = &empty, .nbacking = 1 }, VIRTIO_EINVAL },
		{ { .type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, .resource_id = 0,
		    .backing = &ok, .nbacking = 1 }, VIRTIO_EINVAL },
		{ { .type = VIRTIO_GPU_CMD_SET_SCANOUT, .scanout_id = 1, .resource_id = 1,
		    .rect = fine }, VIRTIO_EINVAL },
		{ { .type = VIRTIO_GPU_CMD_SET_SCANOUT, .resource_id = 1 }, VIRTIO_EINVAL },
		{ { .type = VIRTIO_GPU_CMD_RESOURCE_FLUSH, .resource_id = 1,
		    .rect = { UINT32_MAX, 0, 2, 2 } }, VIRTIO_EINVAL },
		{ { .type = VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, .resource_id = 1,
		    .rect = { 0, UINT32_MAX - 1, 2, 2 } }, VIRTIO_EINVAL },
		{ { .type = VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D, .rect = fine }, VIRTIO_EINVAL },
		{ { .type = VIRTIO_GPU_CMD_UPDATE_CURSOR, .scanout_id = 3 }, VIRTIO_EINVAL },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vgpu_cmd c = cases[i].c;
		c.done = tcmd_done;
		int rc = vgpu_submit(g, &c);
		CHECK_MSG(rc == cases[i].rc, "case %u (type 0x%x): got %s", i, c.type,
			  unit_errname(rc));
	}
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO }; /* no callback */
	CHECK_ERR(vgpu_submit(g, &c), VIRTIO_EINVAL);
	CHECK_EQ(t->sim->q[0].chains + t->sim->q[1].chains, 0); /* the device saw none */
}

TEST(gpu_probe_and_attach_errors)
{
	struct tgpu t;
	memset(&t, 0, sizeof(t));
	struct sim_blk_opts bo = { 0 };
	t.sim = sim_blk_new(&bo);
	CHECK_OK(virtio_mmio_probe(&t.mmio, t.sim->base));
	CHECK_ERR(vgpu_probe(&t.gpu, &t.mmio.vdev, ALL_FEATURES), VIRTIO_ENODEV);

	sim_reset_all();
	struct sim_gpu_opts o = { 0 };
	t.sim = sim_gpu_new(&o);
	sim_set_queue_max(t.sim, 0, 0);
	CHECK_OK(virtio_mmio_probe(&t.mmio, t.sim->base));
	CHECK_ERR(vgpu_probe(&t.gpu, &t.mmio.vdev, ALL_FEATURES), VIRTIO_ENOQUEUE);
	CHECK(t.sim->status & VIRTIO_STATUS_FAILED);

	sim_reset_all();
	t.sim = sim_gpu_new(&o);
	CHECK_OK(virtio_mmio_probe(&t.mmio, t.sim->base));
	CHECK_OK(vgpu_probe(&t.gpu, &t.mmio.vdev, ALL_FEATURES));
	struct vgpu_cmd c = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO, .done = tcmd_done };
	CHECK_ERR(vgpu_submit(&t.gpu, &c), VIRTIO_EINVAL); /* not started */
	CHECK_ERR(vgpu_start(&t.gpu), VIRTIO_EINVAL);      /* no control queue */
	void *mem = tmem_alloc(vgpu_queue_mem_bytes(16), VIRTQ_MEM_ALIGN);
	CHECK_ERR(vgpu_attach_queue(&t.gpu, 2, &t.q[0], 16, mem, vgpu_queue_mem_bytes(16)),
		  VIRTIO_EINVAL);
	CHECK_ERR(vgpu_attach_queue(&t.gpu, 0, &t.q[0], 16, mem, vgpu_queue_mem_bytes(16) / 2),
		  VIRTIO_ENOMEM);
	CHECK_ERR(vgpu_attach_queue(&t.gpu, 0, &t.q[0], 128, mem, vgpu_queue_mem_bytes(128)),
		  VIRTIO_EINVAL); /* larger than the device's 64 */
	CHECK_OK(vgpu_attach_queue(&t.gpu, 0, &t.q[0], 16, mem, vgpu_queue_mem_bytes(16)));
	CHECK_ERR(vgpu_attach_queue(&t.gpu, 0, &t.q[1], 16, mem, vgpu_queue_mem_bytes(16)),
		  VIRTIO_EINVAL); /* twice */
	CHECK_OK(vgpu_start(&t.gpu));
	CHECK_ERR(vgpu_start(&t.gpu), VIRTIO_EINVAL);
	CHECK_ERR(tgpu_attach(&t, VIRTIO_GPU_QUEUE_CURSOR, 16), VIRTIO_EINVAL); /* after start */
	CHECK(vgpu_queue_mem_bytes(1) > 0);
}

TEST(gpu_config_and_display_info_are_not_believed_blindly)
{
	struct sim_gpu_opts o = { .num_scanouts = 40 };
	struct tgpu *t = tgpu_up(&o, ALL_FEATURES, 16, true);
	CHECK_EQ(t->gpu.num_scanouts, VIRTIO_GPU_MAX_SCANOUTS); /* §5.7.4: at most 16 */
	t->dev->mode[3].enabled = true;
	t->dev->mode[3].r = (struct sim_gpu_rect){ 0, 0, 100000, 600 };
	t->dev->mode[4].enabled = true;
	t->dev->mode[4].r = (struct sim_gpu_rect){ 0, 0, 800, 0 };
	CHECK_OK(vgpu_get_display_info(&t->gpu, GPU_TIMEOUT));
	CHECK(t->gpu.scanouts[0].enabled);
	CHECK(!t->gpu.scanouts[3].enabled); /* wider than any memory */
	CHECK_EQ(t->gpu.scanouts[3].r.width, 100000);
	CHECK(!t->gpu.scanouts[4].enabled); /* no height */

	sim_reset_all();
	o.num_scanouts = 2;
	t = tgpu_up(&o, ALL_FEATURES, 16, true);
	t->dev->mode[5].enabled = true; /* beyond num_scanouts: meaningless */
	t->dev->mode[5].r = (struct sim_gpu_rect){ 0, 0, 32, 32 };
	CHECK_OK(vgpu_get_display_info(&t->gpu, GPU_TIMEOUT));
	CHECK(!t->gpu.scanouts[5].enabled);
	CHECK_EQ(t->gpu.scanouts[5].r.width, 0);

	/* num_scanouts 0 is out of range (1..16): one is assumed. */
	sim_reset_all();
	struct tgpu u;
	memset(&u, 0, sizeof(u));
	u.sim = sim_gpu_new(&(struct sim_gpu_opts){ 0 });
	memset(u.sim->config + offsetof(struct virtio_gpu_config, num_scanouts), 0, 4);
	CHECK_OK(virtio_mmio_probe(&u.mmio, u.sim->base));
	CHECK_OK(vgpu_probe(&u.gpu, &u.mmio.vdev, ALL_FEATURES));
	CHECK_EQ(u.gpu.num_scanouts, 1);
}

TEST(gpu_over_pci)
{
	struct sim_gpu_opts o = { 0 };
	struct sim_pci *p = sim_pci_new(sim_gpu_new(&o), NULL);
	static struct virtio_pci vp;
	static struct tgpu t;
	memset(&t, 0, sizeof(t));
	t.sim = p->dev;
	t.dev = sim_gpu_of(p->dev);
	CHECK_OK(probe(p, &vp));
	CHECK_EQ(vp.vdev.device_id, VIRTIO_ID_GPU);
	CHECK_OK(vgpu_probe(&t.gpu, &vp.vdev, ALL_FEATURES));
	CHECK_OK(tgpu_attach(&t, VIRTIO_GPU_QUEUE_CONTROL, 16));
	CHECK_OK(tgpu_attach(&t, VIRTIO_GPU_QUEUE_CURSOR, 16));
	CHECK_OK(vgpu_start(&t.gpu));
	CHECK_OK(vgpu_get_display_info(&t.gpu, GPU_TIMEOUT));
	CHECK_EQ(t.gpu.scanouts[0].r.width, 64);
	/* A display event through the ISR's config bit and the device config
	 * structure. */
	sim_gpu_display_event(t.sim, 0, 32, 24);
	CHECK(vgpu_interrupt(&t.gpu) >= 1);
	CHECK_EQ(t.gpu.display_events, 1);
	CHECK_EQ(t.dev->events_cleared, 1);
	CHECK_EQ(sim_gpu_events_read(t.sim), 0);
	CHECK_EQ(t.gpu.scanouts[0].r.width, 32);
	CHECK_OK(vgpu_move_cursor(&t.gpu, 0, 5, 6, GPU_TIMEOUT));
	CHECK_EQ(t.dev->cursor.y, 6);
}
