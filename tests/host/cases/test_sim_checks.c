/*
 * The simulator's own checks that the fuzz targets take as their oracle
 * (tests/fuzz/fuzz_sim.h): each fires on the driver behaviour it names,
 * and stays silent on a driver that does nothing wrong.
 */
#include "harness/bringup.h"
#include "harness/tnet.h"

TEST(sim_flags_a_buffer_handed_back_while_the_device_holds_it)
{
	struct tvq t;
	tvq_up(&t, sim_echo_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 8), ALL_FEATURES, 8, 0);
	t.sim->mode = SIM_DEFERRED;
	uint8_t *buf = tmem_alloc(256, 64);
	struct virtq_sg sg = { buf + 64, 64 };
	CHECK_OK(virtq_add(&t.vq, &sg, 0, 1, buf));
	virtq_kick(&t.vq);
	CHECK_EQ(sim_consume(t.sim, 0), 1); /* the device holds [64, 128) now */

	sim_dma_check_released(buf, 64, "the bytes before it");
	sim_dma_check_released(buf + 128, 128, "the bytes after it");
	CHECK_EQ(sim_take_violations(), 0);
	sim_dma_check_released(buf + 100, 1, "one byte of it");
	CHECK_EQ(sim_take_violations(), 1);

	/* Completed: the buffer is the driver's again. */
	CHECK_EQ(sim_complete(t.sim, 0, 0), 1);
	sim_dma_check_released(buf, 256, "the completed buffer");
	CHECK_EQ(sim_take_violations(), 0);

	/* Held again, then taken back by a reset (§3.3.1). */
	void *token;
	uint32_t len;
	CHECK_EQ(virtq_get_used(&t.vq, &token, &len), 1);
	CHECK_OK(virtq_add(&t.vq, &sg, 0, 1, buf));
	virtq_kick(&t.vq);
	CHECK_EQ(sim_consume(t.sim, 0), 1);
	CHECK_OK(virtio_device_reset(&t.mmio.vdev));
	sim_dma_check_released(buf, 256, "a buffer after the reset");
	CHECK_EQ(sim_take_violations(), 0);
}

TEST(sim_reset_of_a_device_at_status_0_is_done_at_once)
{
	/* reset_delay makes Status read the old value for a while; when the
	 * old value is 0 already, the driver reads 0 and rightly goes on. */
	struct sim_blk_opts o = { 0 };
	struct sim_dev *d = sim_blk_new(&o);
	d->reset_delay = 25;
	struct tblk t;
	CHECK_OK(tblk_probe(&t, d, ALL_FEATURES));
	CHECK_EQ(d->reset_countdown, 0);
	CHECK_EQ(sim_violations(), 0);
}

TEST(sim_checks_no_notification_data_on_a_queue_its_fault_halted)
{
	/* A repeated used id on a packed ring writes a used descriptor over
	 * the next slot, which holds a chain the driver posted and the device
	 * has not taken: the ring is the device's mess, not the driver's. */
	struct tvq t;
	uint64_t f = VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_F_RING_PACKED) |
		     VIRTIO_BIT(VIRTIO_F_NOTIFICATION_DATA);
	tvq_up(&t, sim_echo_new(2, f, 8), ALL_FEATURES, 8, 0);
	CHECK(t.sim->q[0].packed);
	t.sim->mode = SIM_DEFERRED;
	uint8_t *buf = tmem_alloc(192, 64);
	struct virtq_sg sg[3] = { { buf, 64 }, { buf + 64, 64 }, { buf + 128, 64 } };
	CHECK_OK(virtq_add(&t.vq, &sg[0], 0, 1, &sg[0]));
	virtq_kick(&t.vq);
	CHECK_EQ(sim_consume(t.sim, 0), 1);
	CHECK_OK(virtq_add(&t.vq, &sg[1], 0, 1, &sg[1])); /* posted, not taken */
	t.sim->fault = SIM_FAULT_ID_REPEAT;
	CHECK_EQ(sim_complete(t.sim, 0, 1), 1);
	CHECK(t.sim->q[0].halted);
	CHECK_OK(virtq_add(&t.vq, &sg[2], 0, 1, &sg[2]));
	virtq_kick(&t.vq);
	CHECK_EQ(sim_violations(), 0);
}

TEST(sim_net_holds_receive_buffers_through_an_interrupt_ack)
{
	/* A completion racing with the interrupt handler (complete_on_ack)
	 * completes chains of queues the device processes; a receive queue
	 * waits for a frame, so it gives none up (the back end has nothing
	 * to write), and a frame still finds every buffer posted. */
	static struct tnet t;
	tnet_up(&t, NULL, ALL_FEATURES, 16, 0, 1);
	t.sim->complete_on_ack = 4;
	sim_raise_config(t.sim);
	CHECK(vnet_interrupt(&t.n) >= 0);
	CHECK_EQ(sim_net_rx_posted(t.sim, 0), 16);
	uint8_t *frame = tnet_frame_new(100, 1);
	CHECK(sim_net_rx(t.sim, 0, frame, 100, NULL) >= 1);
	CHECK(vnet_interrupt(&t.n) >= 0);
	CHECK_EQ(t.nrx, 1);
	CHECK_EQ(sim_violations(), 0);
}

TEST(sim_net_holds_the_driver_to_no_mtu_below_68)
{
	/* An mtu under 68 breaks the device's own rule (§5.1.4.1): the
	 * driver may take it for no MTU and send up to the default 1500. */
	static struct tnet t;
	struct sim_net_opts o = { .mtu = 0 };
	o.extra = VIRTIO_BIT(SIM_NET_F_MTU);
	tnet_up(&t, &o, ALL_FEATURES, 16, 0, 1);
	CHECK(!t.n.info.mtu_from_device);
	uint8_t *frame = tnet_frame_new(1000, 2);
	struct ttx r;
	ttx_init(&r, frame, 1000, 1);
	CHECK_OK(vnet_transmit(&t.n, 0, &r.tx));
	CHECK(vnet_interrupt(&t.n) >= 0);
	CHECK_EQ(r.done_calls, 1);
	CHECK_EQ(sim_violations(), 0);
	/* A real MTU is held to: 1000 bytes over an mtu of 600. */
	o.mtu = 600;
	tnet_up(&t, &o, ALL_FEATURES, 16, 0, 1);
	CHECK_EQ(t.n.info.mtu, 600);
	frame = tnet_frame_new(600 + 14, 3);
	ttx_init(&r, frame, 600 + 14, 1);
	CHECK_OK(vnet_transmit(&t.n, 0, &r.tx));
	CHECK(vnet_interrupt(&t.n) >= 0);
	CHECK_EQ(sim_violations(), 0);
}
