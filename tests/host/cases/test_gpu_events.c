/*
 * virtio-gpu display-change events and faults: events_read acknowledged
 * only through events_clear (a write to events_read is a violation in the
 * simulator), the display info re-read afterwards, a storm of events that
 * must cost a bounded number of commands and end on the newest mode; a
 * silent device, a device that breaks the ring rules, and one that needs a
 * reset.
 */
#include "harness/gpu_fixture.h"

struct changes {
	unsigned calls;
	uint32_t last_width;
};

static void on_change(struct vgpu *g, void *ctx)
{
	struct changes *c = ctx;
	c->calls++;
	c->last_width = g->scanouts[0].r.width;
}

/* The interrupts the device raises, handled until it raises no more (the
 * re-read a config change starts completes with an interrupt of its own). */
static int interrupts(struct tgpu *t)
{
	int done = 0;
	for (int i = 0; i < 4 && t->sim->int_status; i++) {
		int rc = vgpu_interrupt(&t->gpu);
		CHECK_MSG(rc >= 0, "vgpu_interrupt: %s", unit_errname(rc));
		done += rc;
	}
	return done;
}

TEST(gpu_display_event_is_cleared_then_display_info_reread)
{
	struct tgpu *t = tgpu_up(NULL, ALL_FEATURES, 16, true);
	struct vgpu *g = &t->gpu;
	struct changes ch = { 0 };
	g->display_changed = on_change;
	g->display_changed_ctx = &ch;
	CHECK_OK(vgpu_get_display_info(g, GPU_TIMEOUT));
	CHECK_EQ(g->scanouts[0].r.width, 64);

	sim_gpu_display_event(t->sim, 0, 40, 30);
	CHECK_EQ(sim_gpu_events_read(t->sim), VIRTIO_GPU_EVENT_DISPLAY);
	CHECK_EQ(interrupts(t), 1); /* the re-read completed */
	CHECK_EQ(sim_gpu_events_read(t->sim), 0);
	CHECK_EQ(t->dev->events_cleared, 1);
	CHECK_EQ(g->vdev->events.config_changes, 1);
	CHECK_EQ(g->display_events, 1);
	CHECK_EQ(g->scanouts[0].r.width, 40);
	CHECK_EQ(g->scanouts[0].r.height, 30);
	CHECK_EQ(ch.calls, 1);
	CHECK_EQ(ch.last_width, 40);

	/* A config interrupt without the DISPLAY bit: nothing to clear. */
	sim_raise_config(t->sim);
	CHECK_EQ(vgpu_interrupt(g), 0);
	CHECK_EQ(t->dev->events_cleared, 1);
	CHECK_EQ(g->vdev->events.config_changes, 2);
	/* A display turned off: the re-read says so. */
	sim_gpu_display_event(t->sim, 0, 0, 0);
	interrupts(t);
	CHECK(!g->scanouts[0].enabled);
	CHECK_EQ(ch.calls, 2);
	CHECK_EQ(vgpu_interrupt(g), 0); /* no cause: not ours */
}

TEST(gpu_display_event_storm)
{
	struct tgpu *t = tgpu_up(NULL, ALL_FEATURES, 16, true);
	struct vgpu *g = &t->gpu;
	struct changes ch = { 0 };
	g->display_changed = on_change;
	g->display_changed_ctx = &ch;
	t->sim->mode = SIM_DEFERRED; /* answers come only when the test says */

	const unsigned events = 1000;
	unsigned rounds = 0;
	for (unsigned i = 0; i < events; i++) {
		sim_gpu_display_event(t->sim, 0, 16 + i % 97, 8 + i % 31);
		CHECK(vgpu_interrupt(g) >= 0);
		CHECK_MSG(t->sim->q[0].npending + sim_avail_pending(t->sim, 0) <= 1,
			  "event %u: %u re-reads in flight", i,
			  t->sim->q[0].npending + sim_avail_pending(t->sim, 0));
		if (i % 50 == 49) {
			sim_process(t->sim);
			rounds++;
		}
	}
	/* Let the last re-reads finish. */
	for (int i = 0; i < 4; i++) {
		sim_process(t->sim);
		vgpu_poll(g);
	}
	CHECK_EQ(g->display_events, events);
	CHECK_EQ(t->dev->events_cleared, events);
	CHECK_EQ(sim_gpu_events_read(t->sim), 0);
	/* At most the one in flight plus one more per answer round. */
	CHECK_MSG(t->dev->display_infos <= 2 * rounds + 4, "%u re-reads for %u events",
		  t->dev->display_infos, events);
	unsigned last = events - 1;
	CHECK_EQ(g->scanouts[0].r.width, 16 + last % 97);
	CHECK_EQ(g->scanouts[0].r.height, 8 + last % 31);
	CHECK(ch.calls >= 1 && ch.calls <= rounds + 4);
	CHECK_EQ(ch.last_width, 16 + last % 97);
	CHECK(!g->refresh_busy && !g->refresh_again);
}

TEST(gpu_events_coalesce_and_survive_a_full_queue)
{
	struct tgpu *t = tgpu_up(NULL, ALL_FEATURES, 2, true); /* one control slot */
	struct vgpu *g = &t->gpu;
	t->sim->mode = SIM_DEFERRED;
	/* Ten changes before the driver looks: one clear, one re-read. */
	for (unsigned i = 0; i < 10; i++)
		sim_gpu_display_event(t->sim, 0, 20 + i, 20);
	vgpu_interrupt(g);
	CHECK_EQ(t->dev->events_cleared, 1);
	sim_process(t->sim);
	vgpu_poll(g);
	CHECK_EQ(g->scanouts[0].r.width, 29);
	CHECK_EQ(t->dev->display_infos, 1);

	/* The only slot is taken by the caller's command: the re-read waits
	 * for it and goes out at the next poll. */
	struct tcmd busy;
	CHECK_OK(vgpu_submit(g, tcmd_init(&busy, (struct vgpu_cmd){
		.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO })));
	sim_gpu_display_event(t->sim, 0, 50, 20);
	vgpu_interrupt(g);
	CHECK(g->refresh_again && !g->refresh_busy);
	sim_process(t->sim); /* the caller's command */
	vgpu_poll(g);        /* ... and the re-read is sent */
	CHECK_EQ(busy.calls, 1);
	CHECK(g->refresh_busy);
	sim_process(t->sim);
	vgpu_poll(g);
	CHECK_EQ(g->scanouts[0].r.width, 50);
	CHECK(!g->refresh_busy && !g->refresh_again);
}

TEST(gpu_silent_device_times_out_and_is_reset)
{
	struct tgpu *t = tgpu_up(NULL, ALL_FEATURES, 16, true);
	struct vgpu *g = &t->gpu;
	CHECK_OK(vgpu_resource_create_2d(g, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 8, 8, GPU_TIMEOUT));
	t->sim->fault = SIM_FAULT_WITHHOLD;
	CHECK_ERR(vgpu_get_display_info(g, GPU_TIMEOUT), VIRTIO_ETIMEDOUT);
	CHECK(t->sim->resets > 0);
	CHECK_EQ(g->vdev->state, VIRTIO_DEV_DOWN);
	CHECK_ERR(vgpu_get_display_info(g, GPU_TIMEOUT), VIRTIO_EBROKEN);
	CHECK(vgpu_poll(g) < 0);
	/* Brought back: the device is usable, and its resources are gone. */
	t->sim->fault = SIM_FAULT_NONE;
	CHECK_OK(virtio_device_recover(g->vdev));
	CHECK_EQ(g->vdev->events.recoveries, 1);
	CHECK(sim_gpu_res(t->sim, 1) == NULL);
	CHECK_OK(vgpu_get_display_info(g, GPU_TIMEOUT));
}

TEST(gpu_protocol_fault_fails_every_command_in_flight)
{
	struct tgpu *t = tgpu_up(NULL, ALL_FEATURES, 16, true);
	struct vgpu *g = &t->gpu;
	struct tcmd c[3];
	t->sim->mode = SIM_DEFERRED;
	t->sim->fault = SIM_FAULT_ID_RANGE;
	for (unsigned i = 0; i < 3; i++)
		CHECK_OK(vgpu_submit(g, tcmd_init(&c[i], (struct vgpu_cmd){
			.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO })));
	sim_process(t->sim);
	CHECK_ERR(vgpu_poll(g), VIRTIO_EBROKEN);
	/* Noted, not yet reset: the device still owns the buffers. */
	CHECK_EQ(g->vdev->state, VIRTIO_DEV_RESET_DUE);
	CHECK(virtio_device_pending(g->vdev) & VIRTIO_PENDING_RECOVER);
	for (unsigned i = 0; i < 3; i++)
		CHECK_EQ(c[i].calls, 0);
	struct tcmd more;
	CHECK_ERR(vgpu_submit(g, tcmd_init(&more, (struct vgpu_cmd){
		.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO })), VIRTIO_EBROKEN);
	/* The recovery resets, hands every command back, and re-initialises. */
	t->sim->mode = SIM_SYNC;
	CHECK_OK(virtio_device_recover(g->vdev));
	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ(c[i].calls, 1);
		CHECK_ERR(c[i].status, VIRTIO_EBROKEN);
	}
	CHECK_EQ(g->vdev->state, VIRTIO_DEV_LIVE);
	CHECK_OK(vgpu_get_display_info(g, GPU_TIMEOUT));
}

TEST(gpu_needs_reset_is_handled)
{
	struct tgpu *t = tgpu_up(NULL, ALL_FEATURES, 16, true);
	struct vgpu *g = &t->gpu;
	struct tcmd c;
	t->sim->mode = SIM_DEFERRED;
	CHECK_OK(vgpu_submit(g, tcmd_init(&c, (struct vgpu_cmd){
		.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO })));
	sim_set_needs_reset(t->sim);
	/* The interrupt only notes it; the main loop recovers. */
	CHECK_ERR(vgpu_interrupt(g), VIRTIO_ERESET);
	CHECK_EQ(c.calls, 0);
	CHECK(virtio_device_pending(g->vdev) & VIRTIO_PENDING_RECOVER);
	CHECK_OK(virtio_device_recover(g->vdev));
	CHECK_EQ(c.calls, 1);
	CHECK_ERR(c.status, VIRTIO_ERESET);
	CHECK_EQ(g->vdev->events.recoveries, 1);
	t->sim->mode = SIM_SYNC;
	CHECK_OK(vgpu_get_display_info(g, GPU_TIMEOUT));

	/* Noticed by a synchronous command that polls, too, and recovered. */
	t->sim->mode = SIM_DEFERRED;
	t->sim->needs_reset_after_relax = t->sim->relax_count + 10;
	CHECK_ERR(vgpu_get_display_info(g, GPU_TIMEOUT), VIRTIO_ERESET);
	CHECK_EQ(g->vdev->events.recoveries, 2);
	CHECK_EQ(g->vdev->state, VIRTIO_DEV_LIVE);
}

/* A reset that never completes: the device keeps the command, and every
 * later one is refused rather than reusing what it holds. */
TEST(gpu_device_that_never_resets_keeps_the_command)
{
	struct tgpu *t = tgpu_up(NULL, ALL_FEATURES, 16, true);
	struct vgpu *g = &t->gpu;
	t->sim->fault = SIM_FAULT_WITHHOLD;
	t->sim->reset_stuck = true;
	CHECK_ERR(vgpu_get_display_info(g, GPU_TIMEOUT), VIRTIO_EDEAD);
	CHECK_EQ(g->vdev->state, VIRTIO_DEV_DEAD);
	CHECK(g->sync.busy);
	CHECK_ERR(vgpu_get_display_info(g, GPU_TIMEOUT), VIRTIO_EDEAD);
	CHECK_EQ(t->dev->display_infos, 0);
}

/* A synchronous command from a completion callback: refused, since the
 * one synchronous slot is in use. */
static struct vgpu *nested_gpu;
static int nested_rc;

static void nested_done(struct vgpu_cmd *cmd, int status)
{
	(void)cmd;
	(void)status;
	nested_rc = vgpu_get_display_info(nested_gpu, GPU_TIMEOUT);
}

TEST(gpu_synchronous_command_inside_a_callback_is_refused)
{
	struct tgpu *t = tgpu_up(NULL, ALL_FEATURES, 16, true);
	nested_gpu = &t->gpu;
	nested_rc = 1;
	t->sim->mode = SIM_DEFERRED;
	struct vgpu_cmd async = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO, .done = nested_done };
	CHECK_OK(vgpu_submit(&t->gpu, &async));
	t->sim->relax_period = 1; /* answers as the synchronous command polls */
	CHECK_OK(vgpu_get_display_info(&t->gpu, GPU_TIMEOUT));
	CHECK_ERR(nested_rc, VIRTIO_ENOSPC);
}
