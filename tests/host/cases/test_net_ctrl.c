/*
 * virtio-net control queue and device events (drivers/virtio/devices/
 * net_ctrl.c and the config/reset paths of net.c): receive mode, MAC
 * filter, queue pairs and the control queue's index, announce, link
 * changes, a silent or failing control queue, DEVICE_NEEDS_RESET.
 */
#include <string.h>

#include "harness/tnet.h"

#define NETF(b) VIRTIO_BIT(b)

TEST(net_ctrl_rx_mode_and_mac_filter)
{
	static struct tnet t;
	tnet_up(&t, NULL, ALL_FEATURES, 16, 0, 1);
	CHECK(t.sn->promisc); /* the device's own default */
	CHECK_OK(vnet_set_promisc(&t.n, false));
	CHECK(!t.sn->promisc);
	CHECK_OK(vnet_set_allmulti(&t.n, true));
	CHECK(t.sn->allmulti);
	static const uint8_t uni[2 * 6] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
	static const uint8_t multi[3 * 6] = { 1, 0, 0x5e, 0, 0, 1, 1, 0, 0x5e, 0, 0, 2,
					      0x33, 0x33, 0, 0, 0, 1 };
	CHECK_OK(vnet_set_mac_filter(&t.n, uni, 2, multi, 3));
	CHECK_EQ(t.sn->n_uni, 2);
	CHECK_EQ(t.sn->n_multi, 3);
	CHECK(memcmp(t.sn->uni, uni, sizeof(uni)) == 0);
	CHECK(memcmp(t.sn->multi, multi, sizeof(multi)) == 0);
	CHECK_OK(vnet_set_mac_filter(&t.n, NULL, 0, NULL, 0)); /* both empty */
	CHECK_EQ(t.sn->n_uni + t.sn->n_multi, 0);
	CHECK_ERR(vnet_set_mac_filter(&t.n, uni, VNET_MAX_FILTER + 1, NULL, 0), VIRTIO_EINVAL);
	CHECK_ERR(vnet_set_mac_filter(&t.n, NULL, 1, NULL, 0), VIRTIO_EINVAL);
	CHECK(t.sn->ctrl_framing_ok);
	CHECK_EQ(t.sn->ctrl_errors, 0);
	CHECK_EQ(t.ctrl.commands, 4);
}

TEST(net_ctrl_refusals_and_missing_features)
{
	static struct tnet t;
	tnet_up(&t, NULL, ALL_FEATURES, 16, 0, 1);
	t.sn->ctrl_fail_next = 1;
	CHECK_ERR(vnet_set_promisc(&t.n, false), VIRTIO_EIO);
	CHECK(t.sn->promisc);
	CHECK(!t.n.promisc_set);
	CHECK_EQ(t.ctrl.failures, 1);
	CHECK_ERR(vnet_set_pairs(&t.n, 1), VIRTIO_EUNSUPP); /* no MQ */

	/* Without CTRL_RX the device has no receive-mode commands. */
	struct sim_net_opts o = { .remove = NETF(SIM_NET_F_CTRL_RX) };
	tnet_up(&t, &o, ALL_FEATURES, 16, 0, 1);
	CHECK_ERR(vnet_set_promisc(&t.n, true), VIRTIO_EUNSUPP);
	CHECK_ERR(vnet_set_mac_filter(&t.n, NULL, 0, NULL, 0), VIRTIO_EUNSUPP);
	CHECK_EQ(t.sn->ctrl_cmds, 0);

	/* No control queue (masked): nothing that needs it is accepted. */
	tnet_up(&t, NULL, NO(SIM_NET_F_CTRL_VQ), 16, 0, 1);
	CHECK(!t.n.info.ctrl_vq && !t.n.info.ctrl_rx && !t.n.info.announce);
	CHECK(!(t.sim->features_at_ok & (NETF(SIM_NET_F_CTRL_RX) | NETF(SIM_NET_F_GUEST_ANNOUNCE) |
					  NETF(SIM_NET_F_CTRL_MAC_ADDR))));
	CHECK_ERR(vnet_attach_ctrl(&t.n, &t.ctrl, 16, t.mem[0], 1 << 20), VIRTIO_EUNSUPP);
	CHECK_ERR(vnet_set_promisc(&t.n, true), VIRTIO_EUNSUPP);
	CHECK_ERR(vnet_announce_ack(&t.n), VIRTIO_EUNSUPP);

	/* A device offering control features without the queue: the driver
	 * negotiates again without them (§2.2.1). */
	o = (struct sim_net_opts){ .no_ctrl = true,
				   .extra = NETF(SIM_NET_F_CTRL_RX) | NETF(SIM_NET_F_MQ) };
	tnet_up(&t, &o, ALL_FEATURES, 16, 0, 1);
	CHECK(!(t.sim->features_at_ok & (NETF(SIM_NET_F_CTRL_RX) | NETF(SIM_NET_F_MQ))));
	CHECK(t.n.info.mrg_rxbuf);

	/* Commands before the start are refused. */
	tnet_probe(&t, NULL, ALL_FEATURES);
	CHECK_ERR(vnet_set_promisc(&t.n, true), VIRTIO_EUNSUPP); /* no queue attached yet */
	size_t len = vnet_ctrl_mem_bytes(16);
	CHECK_OK(vnet_attach_ctrl(&t.n, &t.ctrl, 16, tmem_alloc(len, VIRTQ_MEM_ALIGN), len));
	CHECK_ERR(vnet_set_promisc(&t.n, true), VIRTIO_EINVAL);
}

TEST(net_ctrl_silent_or_broken_device_is_reset)
{
	static struct tnet t;
	static struct ttx r;
	tnet_up(&t, NULL, ALL_FEATURES, 16, 0, 1);
	uint8_t *frame = tnet_frame_new(100, 1);
	t.sim->mode = SIM_DEFERRED;
	ttx_init(&r, frame, 100, 1);
	CHECK_OK(vnet_transmit(&t.n, 0, &r.tx));
	t.sn->ctrl_silent = true;
	unsigned resets = t.sim->resets;
	CHECK_ERR(vnet_set_allmulti(&t.n, true), VIRTIO_ETIMEDOUT);
	CHECK(t.sim->resets > resets);
	CHECK(vnet_error(&t.n) != 0);
	CHECK_EQ(r.done_calls, 1);
	CHECK_EQ(r.status, VIRTIO_ETIMEDOUT);
	CHECK_ERR(vnet_set_allmulti(&t.n, true), VIRTIO_EBROKEN);

	t.sim->mode = SIM_SYNC;
	t.sn->ctrl_silent = false;
	CHECK_OK(vnet_reinit(&t.n));
	CHECK_OK(vnet_set_allmulti(&t.n, true));

	/* An ack "longer" than the one byte posted breaks the queue. */
	t.sim->fault = SIM_FAULT_LEN_OVER;
	CHECK_ERR(vnet_set_promisc(&t.n, false), VIRTIO_EBROKEN);
	CHECK(vnet_error(&t.n) != 0);
}

TEST(net_mq_pairs_and_control_queue_index)
{
	static struct tnet t;
	static struct ttx r;
	static uint8_t rxframe[300];
	struct sim_net_opts o = { .max_pairs = 3 };
	tnet_up(&t, &o, ALL_FEATURES, 16, 0, 3);
	uint8_t *frame = tnet_frame_new(300, 2);
	tnet_frame(rxframe, sizeof(rxframe), 3);
	CHECK(t.n.info.mq);
	CHECK_EQ(t.n.info.max_pairs, 3);
	CHECK_EQ(t.ctrl.vq.index, 6); /* after every pair the device has */
	CHECK_EQ(t.sn->pairs, 3);     /* VQ_PAIRS_SET at the start */
	CHECK_EQ(t.n.active_pairs, 3);
	sim_net_rx(t.sim, 2, rxframe, 300, NULL);
	CHECK(vnet_interrupt(&t.n) >= 1);
	CHECK_EQ(t.last_pair, 2);
	CHECK_EQ(t.pairs[2].rx.frames, 1);
	ttx_init(&r, frame, 300, 1);
	CHECK_OK(vnet_transmit(&t.n, 2, &r.tx));
	CHECK_EQ(sim_net_sent(t.sim, 0)->queue, 5);

	CHECK_ERR(vnet_set_pairs(&t.n, 0), VIRTIO_EINVAL);
	CHECK_ERR(vnet_set_pairs(&t.n, 4), VIRTIO_EINVAL);
	CHECK_OK(vnet_set_pairs(&t.n, 2));
	CHECK_EQ(t.sn->pairs, 2);
	ttx_init(&r, frame, 300, 1);
	CHECK_ERR(vnet_transmit(&t.n, 2, &r.tx), VIRTIO_EINVAL);

	/* MQ masked: one pair, the control queue right after it. */
	tnet_up(&t, &o, NO(SIM_NET_F_MQ), 16, 0, 1);
	CHECK_EQ(t.n.info.max_pairs, 1);
	CHECK_EQ(t.ctrl.vq.index, 2);
	CHECK_OK(vnet_set_promisc(&t.n, false));
	CHECK(!t.sn->promisc);

	/* A refused VQ_PAIRS_SET leaves one pair in use. */
	CHECK_OK(tnet_probe(&t, &o, ALL_FEATURES));
	for (uint16_t p = 0; p < 2; p++) {
		uint32_t bl = vnet_rx_buf_min(&t.n);
		size_t len = vnet_pair_mem_bytes(&t.n, 16, 16, bl);
		CHECK_OK(vnet_attach_pair(&t.n, p, &t.pairs[p], 16, 16, bl,
					  tmem_alloc(len, VIRTQ_MEM_ALIGN), len));
	}
	size_t len = vnet_ctrl_mem_bytes(16);
	CHECK_OK(vnet_attach_ctrl(&t.n, &t.ctrl, 16, tmem_alloc(len, VIRTQ_MEM_ALIGN), len));
	t.sn->ctrl_fail_next = 1;
	CHECK_OK(vnet_start(&t.n));
	CHECK_EQ(t.n.active_pairs, 1);
	CHECK_EQ(t.sn->pairs, 1);
}

TEST(net_bad_max_pairs_is_refused)
{
	static struct virtio_mmio mmio;
	static struct vnet n;
	sim_reset_all();
	struct sim_net_opts o = { .max_pairs = 2 };
	struct sim_dev *d = sim_net_new(&o);
	d->config[8] = d->config[9] = 0; /* max_virtqueue_pairs 0 */
	CHECK_OK(virtio_mmio_probe(&mmio, d->base));
	CHECK_ERR(vnet_probe(&n, &mmio.vdev, ALL_FEATURES), VIRTIO_EBROKEN);
	CHECK(d->status & VIRTIO_STATUS_FAILED);
}

TEST(net_link_changes_through_config_interrupt)
{
	static struct tnet t;
	tnet_up(&t, NULL, ALL_FEATURES, 16, 0, 1);
	CHECK(t.n.link_up);
	sim_net_set_link(t.sim, false, true);
	CHECK(vnet_interrupt(&t.n) >= 0);
	CHECK(!t.n.link_up);
	CHECK_EQ(t.config_calls, 1);
	CHECK_EQ(t.n.stats.link_changes, 1);
	sim_net_set_link(t.sim, true, true);
	CHECK(vnet_interrupt(&t.n) >= 0);
	CHECK(t.n.link_up);
	CHECK_EQ(t.n.stats.link_changes, 2);
	CHECK_EQ(t.n.stats.config_changes, 2);
	CHECK_EQ(vnet_interrupt(&t.n), 0); /* nothing pending: not ours */
}

TEST(net_announce_sends_then_acks)
{
	static struct tnet t;
	tnet_up(&t, NULL, ALL_FEATURES, 16, 0, 1);
	sim_net_request_announce(t.sim);
	CHECK(vnet_interrupt(&t.n) >= 0);
	CHECK(t.n.announce_pending);
	CHECK_EQ(t.announce_calls, 0); /* not in the interrupt handler */
	CHECK_OK(vnet_service(&t.n));
	CHECK_EQ(t.announce_calls, 1);
	CHECK_EQ(t.acks_at_announce, 0); /* the packets go out before the ack */
	CHECK_EQ(t.sn->announce_acks, 1);
	CHECK(!(t.sn->status & 2));
	CHECK(!t.n.announce_pending);
	CHECK_EQ(t.n.stats.announces, 1);
	CHECK_OK(vnet_service(&t.n)); /* nothing more to do */
	CHECK_EQ(t.sn->announce_acks, 1);

	/* Without GUEST_ANNOUNCE the bit means nothing to the driver. */
	tnet_up(&t, NULL, NO(SIM_NET_F_GUEST_ANNOUNCE), 16, 0, 1);
	sim_net_request_announce(t.sim);
	CHECK(vnet_interrupt(&t.n) >= 0);
	CHECK(!t.n.announce_pending);
}

TEST(net_needs_reset_is_recovered_with_the_same_filter)
{
	static struct tnet t;
	static struct ttx r;
	static uint8_t rxframe[200];
	tnet_frame(rxframe, sizeof(rxframe), 5);
	struct sim_net_opts o = { .max_pairs = 2, .remove = NETF(SIM_NET_F_MAC) };
	tnet_up(&t, &o, ALL_FEATURES, 16, 0, 2);
	uint8_t *frame = tnet_frame_new(200, 4);
	uint8_t mac[6];
	memcpy(mac, t.n.info.mac, 6);
	static const uint8_t multi[6] = { 1, 0, 0x5e, 0, 0, 9 };
	CHECK_OK(vnet_set_promisc(&t.n, false));
	CHECK_OK(vnet_set_allmulti(&t.n, true));
	CHECK_OK(vnet_set_mac_filter(&t.n, mac, 1, multi, 1));
	t.sim->mode = SIM_DEFERRED;
	ttx_init(&r, frame, 200, 1);
	CHECK_OK(vnet_transmit(&t.n, 1, &r.tx));

	sim_set_needs_reset(t.sim);
	CHECK_ERR(vnet_interrupt(&t.n), VIRTIO_ERESET);
	CHECK(virtio_device_pending(t.n.vdev) & VIRTIO_PENDING_RECOVER);
	CHECK_EQ(r.done_calls, 0); /* the device has it until the reset */

	t.sim->mode = SIM_SYNC;
	CHECK_OK(vnet_service(&t.n));
	CHECK_EQ(r.done_calls, 1);
	CHECK_EQ(r.status, VIRTIO_ERESET);
	CHECK_OK(vnet_error(&t.n));
	CHECK_EQ(t.n.stats.resets, 1);
	CHECK(memcmp(t.n.info.mac, mac, 6) == 0); /* the same random address */
	CHECK(memcmp(t.sn->mac_set, mac, 6) == 0);
	CHECK(!t.sn->promisc);
	CHECK(t.sn->allmulti);
	CHECK_EQ(t.sn->n_uni, 1);
	CHECK_EQ(t.sn->n_multi, 1);
	CHECK(memcmp(t.sn->multi[0], multi, 6) == 0);
	CHECK_EQ(t.sn->pairs, 2);
	CHECK_EQ(t.n.active_pairs, 2);
	tnet_both_ways(&t, 1, rxframe, frame, 200);
}
