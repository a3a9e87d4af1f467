/*
 * virtio-net data path (drivers/virtio/devices/net.c) against the
 * simulated net device: configuration, receive (whole, merged, lying,
 * malformed), checksum state, legacy headers and framing, scatter-gather
 * transmit, full rings, a broken device.
 */
#include <string.h>

#include "harness/tnet.h"

#define NETF(b) VIRTIO_BIT(b)

static const uint8_t qemu_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

/* Inject one frame on pair 0 and let the driver take it. */
static unsigned rx_one(struct tnet *t, const uint8_t *frame, uint32_t len,
		       const struct sim_net_rx_opts *o)
{
	unsigned used = sim_net_rx(t->sim, 0, frame, len, o);
	CHECK(vnet_interrupt(&t->n) >= 0);
	return used;
}

TEST(net_probe_reads_mac_mtu_link)
{
	static struct tnet t;
	tnet_up(&t, NULL, ALL_FEATURES, 64, 0, 1);
	CHECK(memcmp(t.n.info.mac, qemu_mac, 6) == 0);
	CHECK(t.n.info.mac_from_device);
	CHECK_EQ(t.n.info.mtu, 1500);
	CHECK(!t.n.info.mtu_from_device);
	CHECK_EQ(t.n.info.hdr_len, 12);
	CHECK_EQ(t.n.info.max_pairs, 1);
	CHECK(t.n.info.mrg_rxbuf && t.n.info.tx_csum && t.n.info.rx_csum);
	CHECK(t.n.info.ctrl_vq && t.n.info.ctrl_rx && t.n.info.announce && !t.n.info.mq);
	CHECK(t.n.link_up);
	CHECK_EQ(sim_net_rx_posted(t.sim, 0), 64);

	struct sim_net_opts o = { .mtu = 9000 };
	tnet_up(&t, &o, ALL_FEATURES, 64, 0, 1);
	CHECK_EQ(t.n.info.mtu, 9000);
	CHECK(t.n.info.mtu_from_device);
	CHECK(vnet_rx_buf_min(&t.n) * VNET_MAX_RX_SEGS >= 12 + 9000 + 18);
	o.mtu = 40; /* below the spec's 68: not an MTU */
	tnet_up(&t, &o, ALL_FEATURES, 64, 0, 1);
	CHECK_EQ(t.n.info.mtu, 1500);

	o = (struct sim_net_opts){ .status = 0x8000 }; /* link down */
	tnet_up(&t, &o, ALL_FEATURES, 64, 0, 1);
	CHECK(!t.n.link_up);
	o.remove = NETF(SIM_NET_F_STATUS); /* no STATUS: the link is up */
	tnet_up(&t, &o, ALL_FEATURES, 64, 0, 1);
	CHECK(t.n.link_up);

	sim_reset_all();
	struct sim_dev *rng = sim_echo_new(2, VIRTIO_BIT(VIRTIO_F_VERSION_1), 8);
	CHECK_OK(virtio_mmio_probe(&t.mmio, rng->base));
	CHECK_ERR(vnet_probe(&t.n, &t.mmio.vdev, ALL_FEATURES), VIRTIO_ENODEV);
}

TEST(net_random_mac_when_not_offered)
{
	static struct tnet t, t2;
	struct sim_net_opts o = { .remove = NETF(SIM_NET_F_MAC) };
	tnet_up(&t, &o, ALL_FEATURES, 16, 0, 1);
	uint8_t first[6];
	memcpy(first, t.n.info.mac, 6);
	CHECK(!t.n.info.mac_from_device);
	CHECK((first[0] & 1) == 0); /* unicast */
	CHECK((first[0] & 2) == 2); /* locally administered */
	/* The device learns it (CTRL_MAC_ADDR), so its filter lets frames in. */
	CHECK_EQ(t.sn->mac_addr_sets, 1);
	CHECK(memcmp(t.sn->mac_set, first, 6) == 0);

	/* another device (another driver struct) gets another address */
	tnet_up(&t2, &o, ALL_FEATURES, 16, 0, 1);
	CHECK(memcmp(first, t2.n.info.mac, 6) != 0);
}

TEST(net_rx_frames_split_and_packed)
{
	static struct tnet t;
	static uint8_t frame[1514];
	/* 2: packed the QEMU 7.2 way, the length without the WRITE flag */
	for (int packed = 0; packed <= 2; packed++) {
		tnet_up(&t, NULL, layout_mask(packed), 64, 0, 1);
		t.sim->packed_used_no_write = packed == 2;
		CHECK_EQ(t.n.vdev->features >> VIRTIO_F_RING_PACKED & 1, (unsigned)(packed > 0));
		uint64_t bytes = 0;
		for (unsigned i = 0; i < 300; i++) {
			uint32_t len = 60 + (i * 97) % 1455;
			tnet_frame(frame, len, i);
			CHECK(rx_one(&t, frame, len, NULL) >= 1);
			CHECK_EQ(t.nrx, i + 1);
			CHECK_EQ(t.last_len, len);
			CHECK(memcmp(t.last, frame, len) == 0);
			CHECK_EQ(t.last_csum, VNET_RX_CSUM_NONE);
			bytes += len;
		}
		/* every buffer went back */
		CHECK_EQ(sim_net_rx_posted(t.sim, 0), 64);
		CHECK_EQ(t.n.stats.rx_frames, 300);
		CHECK_EQ(t.n.stats.rx_bytes, bytes);
		CHECK_EQ(t.pairs[0].rx.frames, 300);
	}
}

TEST(net_rx_merged_frame_spans_buffers)
{
	static struct tnet t;
	static uint8_t frame[1514];
	tnet_up(&t, NULL, ALL_FEATURES, 64, 256, 1);
	tnet_frame(frame, sizeof(frame), 3);
	CHECK_EQ(rx_one(&t, frame, sizeof(frame), NULL), 6); /* 12 + 1514 over 256-byte buffers */
	CHECK_EQ(t.nrx, 1);
	CHECK_EQ(t.last_nseg, 6);
	CHECK_EQ(t.last_len, sizeof(frame));
	CHECK(memcmp(t.last, frame, sizeof(frame)) == 0);
	CHECK_EQ(sim_net_rx_posted(t.sim, 0), 64);
	/* many merged frames across the ring's wrap */
	for (unsigned i = 0; i < 100; i++) {
		uint32_t len = 700 + i % 50; /* 12 + len over 3 buffers */
		tnet_frame(frame, len, i);
		CHECK_EQ(rx_one(&t, frame, len, NULL), 3);
		CHECK(memcmp(t.last, frame, len) == 0);
	}
	CHECK_EQ(t.nrx, 101);
}

TEST(net_rx_num_buffers_lies_are_dropped)
{
	static struct tnet t;
	static uint8_t frame[1514];
	tnet_up(&t, NULL, ALL_FEATURES, 64, 256, 1);
	tnet_frame(frame, 100, 1);

	struct sim_net_rx_opts o = { .num_buffers = 200 }; /* more than were ever posted */
	rx_one(&t, frame, 100, &o);
	CHECK_EQ(t.n.stats.rx_bad_buffers, 1);
	o.num_buffers = 3; /* claims 3, the device used 1 */
	rx_one(&t, frame, 100, &o);
	CHECK_EQ(t.n.stats.rx_bad_buffers, 2);
	o.num_buffers = 0x10000; /* truncated to 16 bits: 0 buffers */
	rx_one(&t, frame, 100, &o);
	CHECK_EQ(t.n.stats.rx_bad_buffers, 3);
	CHECK_EQ(t.nrx, 0);
	CHECK_EQ(sim_net_rx_posted(t.sim, 0), 64);

	/* the queue still works */
	rx_one(&t, frame, 100, NULL);
	CHECK_EQ(t.nrx, 1);
	CHECK(memcmp(t.last, frame, 100) == 0);
	tmem_check();
}

TEST(net_rx_runts_and_oversize_are_dropped)
{
	static struct tnet t;
	static uint8_t frame[2000];
	tnet_frame(frame, sizeof(frame), 9);
	tnet_up(&t, NULL, ALL_FEATURES, 64, 256, 1);
	struct sim_net_rx_opts o = { .first_len = 5 }; /* not even the header */
	rx_one(&t, frame, 60, &o);
	rx_one(&t, frame, 10, NULL); /* a header and 10 bytes: no Ethernet header */
	CHECK_EQ(t.n.stats.rx_runt, 2);
	rx_one(&t, frame, 1600, NULL); /* merged, over the MTU */
	CHECK_EQ(t.n.stats.rx_oversize, 1);
	o = (struct sim_net_rx_opts){ .buf_fill = 90 }; /* 17 buffers: more than kept */
	CHECK_EQ(rx_one(&t, frame, 1500, &o), 17);
	CHECK_EQ(t.n.stats.rx_oversize, 2);
	CHECK_EQ(t.nrx, 0);
	CHECK_EQ(sim_net_rx_posted(t.sim, 0), 64);
	rx_one(&t, frame, 1518, NULL); /* a full frame with a VLAN tag is fine */
	CHECK_EQ(t.nrx, 1);

	/* Without MRG_RXBUF: big buffers, the MTU still bounds the frame,
	 * and whatever num_buffers says is ignored. */
	tnet_up(&t, NULL, NO(SIM_NET_F_MRG_RXBUF), 64, 2048, 1);
	rx_one(&t, frame, 1600, NULL);
	CHECK_EQ(t.n.stats.rx_oversize, 1);
	o = (struct sim_net_rx_opts){ .num_buffers = 7 };
	rx_one(&t, frame, 1000, &o);
	CHECK_EQ(t.nrx, 1);
	CHECK_EQ(t.last_nseg, 1);
	CHECK(memcmp(t.last, frame, 1000) == 0);
	/* a buffer below the minimum is refused */
	tnet_probe(&t, NULL, NO(SIM_NET_F_MRG_RXBUF));
	size_t len = vnet_pair_mem_bytes(&t.n, 16, 16, 1024);
	CHECK_ERR(vnet_attach_pair(&t.n, 0, &t.pairs[0], 16, 16, 1024,
				   tmem_alloc(len, VIRTQ_MEM_ALIGN), len),
		  VIRTIO_EINVAL);
}

TEST(net_rx_checksum_state_only_when_negotiated)
{
	static struct tnet t;
	static uint8_t frame[100];
	tnet_frame(frame, sizeof(frame), 2);
	tnet_up(&t, NULL, ALL_FEATURES, 16, 0, 1);
	struct sim_net_rx_opts o = { .flags = SIM_NET_HDR_DATA_VALID };
	rx_one(&t, frame, 100, &o);
	CHECK_EQ(t.last_csum, VNET_RX_CSUM_VALID);
	o = (struct sim_net_rx_opts){ .flags = SIM_NET_HDR_NEEDS_CSUM, .csum_start = 34,
				      .csum_offset = 6 };
	rx_one(&t, frame, 100, &o);
	CHECK_EQ(t.last_csum, VNET_RX_CSUM_PARTIAL);
	CHECK_EQ(t.last_csum_start, 34);
	CHECK_EQ(t.last_csum_offset, 6);
	o.csum_start = 90; /* the checksum would sit past the frame */
	o.csum_offset = 10;
	rx_one(&t, frame, 100, &o);
	CHECK_EQ(t.last_csum, VNET_RX_CSUM_NONE);

	/* A device that sets the bits anyway is not believed. */
	tnet_up(&t, NULL, NO(SIM_NET_F_GUEST_CSUM), 16, 0, 1);
	CHECK(!t.n.info.rx_csum);
	o = (struct sim_net_rx_opts){ .flags = SIM_NET_HDR_DATA_VALID };
	rx_one(&t, frame, 100, &o);
	CHECK_EQ(t.nrx, 1);
	CHECK_EQ(t.last_csum, VNET_RX_CSUM_NONE);
}

TEST(net_legacy_header_and_framing)
{
	static struct tnet t;
	static struct ttx r;

	/* Legacy without MRG_RXBUF: the 10-byte header. */
	struct sim_net_opts o = { .version = 1, .remove = NETF(SIM_NET_F_MRG_RXBUF) };
	tnet_up(&t, &o, ALL_FEATURES, 16, 0, 1);
	uint8_t *frame = tnet_frame_new(600, 4);
	CHECK(t.n.vdev->legacy);
	CHECK_EQ(t.n.info.hdr_len, 10);
	CHECK(t.n.info.any_layout);
	tnet_both_ways(&t, 0, frame, frame, 600);
	CHECK_EQ(sim_net_sent(t.sim, 0)->hdr_len, 10);

	/* Legacy with MRG_RXBUF: 12 bytes. */
	o.remove = 0;
	tnet_up(&t, &o, ALL_FEATURES, 16, 0, 1);
	CHECK_EQ(t.n.info.hdr_len, 12);

	/* Legacy without ANY_LAYOUT: the header in a descriptor of its own,
	 * on receive too (two descriptors per buffer). */
	o.remove = VIRTIO_BIT(SIM_F_ANY_LAYOUT) | NETF(SIM_NET_F_MRG_RXBUF);
	tnet_up(&t, &o, ALL_FEATURES, 16, 0, 1);
	frame = tnet_frame_new(600, 4);
	CHECK(!t.n.info.any_layout);
	CHECK_EQ(t.pairs[0].rx.nbufs, 8);
	CHECK_EQ(sim_net_rx_posted(t.sim, 0), 8);
	struct sim_queue *q = &t.sim->q[0];
	CHECK_EQ(q->pending[0]->nseg, 2);
	CHECK_EQ(q->pending[0]->seg[0].len, 10);
	rx_one(&t, frame, 600, NULL);
	CHECK(memcmp(t.last, frame, 600) == 0);
	ttx_init(&r, frame, 600, 1);
	CHECK_OK(vnet_transmit(&t.n, 0, &r.tx));
	CHECK(sim_net_sent(t.sim, 0)->hdr_alone);
}

TEST(net_tx_scatter_gather_and_completion)
{
	static struct tnet t;
	static struct ttx r;
	static const unsigned nfrags[] = { 1, 2, 3, 8 };
	for (int packed = 0; packed <= 1; packed++) {
		tnet_up(&t, NULL, layout_mask(packed), 16, 0, 1);
		uint8_t *frame = tnet_frame_new(1514, 0);
		uint64_t bytes = 0;
		for (unsigned i = 0; i < 200; i++) {
			uint32_t len = 14 + (i * 131) % 1501;
			tnet_frame(frame, len, i);
			unsigned nf = nfrags[i % 4] <= len ? nfrags[i % 4] : 1;
			ttx_init(&r, frame, len, nf);
			CHECK_OK(vnet_transmit(&t.n, 0, &r.tx));
			CHECK(vnet_interrupt(&t.n) >= 1);
			CHECK_EQ(r.done_calls, 1);
			CHECK_EQ(r.status, 0);
			const struct sim_net_sent *s = sim_net_sent(t.sim, i);
			CHECK_EQ(s->len, len);
			CHECK(memcmp(s->frame, frame, len) == 0);
			CHECK_EQ(s->hdr[0], 0);
			CHECK(s->hdr_alone);
			bytes += len;
		}
		CHECK_EQ(t.n.stats.tx_frames, 200);
		CHECK_EQ(t.n.stats.tx_bytes, bytes);
		CHECK_EQ(t.pairs[0].tx.nfree, 16);
	}
}

TEST(net_tx_rejects_bad_frames)
{
	static struct tnet t;
	static struct ttx r;
	tnet_probe(&t, NULL, ALL_FEATURES);
	uint8_t *frame = tnet_frame_new(1600, 5);
	ttx_init(&r, frame, 100, 1);
	CHECK_ERR(vnet_transmit(&t.n, 0, &r.tx), VIRTIO_EINVAL); /* not started */
	CHECK_ERR(vnet_start(&t.n), VIRTIO_EINVAL);              /* no pair */

	tnet_up(&t, NULL, ALL_FEATURES, 16, 0, 1);
	frame = tnet_frame_new(1600, 5);
	ttx_init(&r, frame, 13, 1);
	CHECK_ERR(vnet_transmit(&t.n, 0, &r.tx), VIRTIO_EINVAL);
	ttx_init(&r, frame, 1519, 1); /* MTU 1500 + 14 + a VLAN tag */
	CHECK_ERR(vnet_transmit(&t.n, 0, &r.tx), VIRTIO_EINVAL);
	ttx_init(&r, frame, 100, 1);
	r.tx.nfrag = 0;
	CHECK_ERR(vnet_transmit(&t.n, 0, &r.tx), VIRTIO_EINVAL);
	r.tx.nfrag = VNET_MAX_TX_FRAGS + 1;
	CHECK_ERR(vnet_transmit(&t.n, 0, &r.tx), VIRTIO_EINVAL);
	ttx_init(&r, frame, 100, 2);
	r.sg[1].len = 0;
	CHECK_ERR(vnet_transmit(&t.n, 0, &r.tx), VIRTIO_EINVAL);
	ttx_init(&r, frame, 100, 1);
	r.tx.done = NULL;
	CHECK_ERR(vnet_transmit(&t.n, 0, &r.tx), VIRTIO_EINVAL);
	ttx_init(&r, frame, 100, 1);
	CHECK_ERR(vnet_transmit(&t.n, 1, &r.tx), VIRTIO_EINVAL); /* no such pair */
	r.tx.partial_csum = true;
	r.tx.csum_start = 34;
	r.tx.csum_offset = 65; /* 34 + 65 + 2 > 100 */
	CHECK_ERR(vnet_transmit(&t.n, 0, &r.tx), VIRTIO_EINVAL);
	r.tx.csum_start = 10; /* inside the Ethernet header */
	r.tx.csum_offset = 6;
	CHECK_ERR(vnet_transmit(&t.n, 0, &r.tx), VIRTIO_EINVAL);
	CHECK_EQ(r.done_calls, 0);
	CHECK_EQ(t.sn->nsent, 0);

	tnet_up(&t, NULL, NO(SIM_NET_F_CSUM), 16, 0, 1);
	ttx_init(&r, frame, 100, 1);
	r.tx.partial_csum = true;
	r.tx.csum_start = 34;
	r.tx.csum_offset = 6;
	CHECK_ERR(vnet_transmit(&t.n, 0, &r.tx), VIRTIO_EUNSUPP);
}

TEST(net_tx_partial_checksum_reaches_the_device)
{
	static struct tnet t;
	static struct ttx r;
	tnet_up(&t, NULL, ALL_FEATURES, 16, 0, 1);
	uint8_t *frame = tnet_frame_new(100, 6);
	ttx_init(&r, frame, 100, 2);
	r.tx.partial_csum = true;
	r.tx.csum_start = 34;
	r.tx.csum_offset = 6;
	CHECK_OK(vnet_transmit(&t.n, 0, &r.tx));
	const struct sim_net_sent *s = sim_net_sent(t.sim, 0);
	CHECK_EQ(s->hdr[0], SIM_NET_HDR_NEEDS_CSUM);
	CHECK_EQ(s->hdr[6] | s->hdr[7] << 8, 34);
	CHECK_EQ(s->hdr[8] | s->hdr[9] << 8, 6);
}

TEST(net_tx_full_ring_reclaims_on_transmit)
{
	static struct tnet t;
	static struct ttx r[20];
	tnet_up(&t, NULL, NO(VIRTIO_F_INDIRECT_DESC), 16, 0, 1);
	uint8_t *frame = tnet_frame_new(200, 7);
	t.sim->mode = SIM_DEFERRED;
	unsigned queued = 0;
	int rc;
	/* header + frame = 2 descriptors: 8 frames fill 16 entries */
	while ((rc = (ttx_init(&r[queued], frame, 200, 1), vnet_transmit(&t.n, 0, &r[queued].tx))) == 0)
		queued++;
	CHECK_ERR(rc, VIRTIO_ENOSPC);
	CHECK_EQ(queued, 8);
	sim_process(t.sim);
	CHECK_OK(vnet_transmit(&t.n, 0, &r[queued].tx)); /* reclaims first */
	for (unsigned i = 0; i < queued; i++)
		CHECK_EQ(r[i].done_calls, 1);
	CHECK_EQ(t.sn->nsent, 8);
}

TEST(net_broken_device_fails_transmits_and_recovers)
{
	static struct tnet t;
	static struct ttx r[4];
	tnet_up(&t, NULL, ALL_FEATURES, 16, 0, 1);
	uint8_t *frame = tnet_frame_new(200, 8);
	t.sim->mode = SIM_DEFERRED;
	for (unsigned i = 0; i < 4; i++) {
		ttx_init(&r[i], frame, 200, 1);
		CHECK_OK(vnet_transmit(&t.n, 0, &r[i].tx));
	}
	t.sim->fault = SIM_FAULT_ID_RANGE; /* a used id past the ring */
	sim_process(t.sim);
	unsigned resets = t.sim->resets;
	CHECK_ERR(vnet_interrupt(&t.n), VIRTIO_EBROKEN);
	/* Noted, not reset in the interrupt: the device keeps the buffers
	 * until the main loop's recovery resets it (checked). */
	CHECK_EQ(t.sim->resets, resets);
	CHECK(vnet_error(&t.n) != 0);
	CHECK(vnet_pending(&t.n));
	CHECK_EQ(r[3].done_calls, 0);
	struct ttx more;
	ttx_init(&more, frame, 200, 1);
	CHECK_ERR(vnet_transmit(&t.n, 0, &more.tx), VIRTIO_EBROKEN);
	CHECK_ERR(vnet_poll(&t.n), VIRTIO_EBROKEN);

	t.sim->mode = SIM_SYNC;
	CHECK_OK(vnet_service(&t.n));
	CHECK(t.sim->resets > resets);
	for (unsigned i = 0; i < 4; i++) { /* the faulty completion was refused too */
		CHECK_EQ(r[i].done_calls, 1);
		CHECK_EQ(r[i].status, VIRTIO_EBROKEN);
	}
	CHECK_EQ(t.n.stats.tx_errors, 4);
	CHECK_OK(vnet_error(&t.n));
	CHECK_EQ(t.n.stats.resets, 1);
	CHECK_EQ(sim_net_rx_posted(t.sim, 0), 16);
	CHECK_OK(vnet_transmit(&t.n, 0, &r[0].tx));
	rx_one(&t, frame, 200, NULL);
	CHECK_EQ(t.nrx, 1);
}

TEST(net_rx_fault_in_used_ring_resets)
{
	static struct tnet t;
	static uint8_t frame[200];
	tnet_frame(frame, sizeof(frame), 10);
	tnet_up(&t, NULL, ALL_FEATURES, 16, 0, 1);
	t.sim->fault = SIM_FAULT_ID_RANGE;
	sim_net_rx(t.sim, 0, frame, 200, NULL);
	CHECK_ERR(vnet_interrupt(&t.n), VIRTIO_EBROKEN);
	CHECK(vnet_error(&t.n) != 0);
	CHECK_EQ(t.nrx, 0);
	CHECK_ERR(vnet_poll(&t.n), VIRTIO_EBROKEN);
	CHECK_OK(vnet_service(&t.n)); /* recovered: the ring stocked again */
	CHECK_EQ(sim_net_rx_posted(t.sim, 0), 16);
}

TEST(net_attach_checks_arguments)
{
	static struct tnet t;
	tnet_probe(&t, NULL, ALL_FEATURES);
	uint32_t min = vnet_rx_buf_min(&t.n);
	size_t len = vnet_pair_mem_bytes(&t.n, 16, 16, min);
	void *mem = tmem_alloc(len, VIRTQ_MEM_ALIGN);
	CHECK_ERR(vnet_attach_pair(&t.n, 0, &t.pairs[0], 16, 16, min - 8, mem, len), VIRTIO_EINVAL);
	CHECK_ERR(vnet_attach_pair(&t.n, 0, &t.pairs[0], 16, 16, min + 4, mem, len), VIRTIO_EINVAL);
	CHECK_ERR(vnet_attach_pair(&t.n, 0, &t.pairs[0], 16, 16, min, mem, len - 1), VIRTIO_ENOMEM);
	CHECK_ERR(vnet_attach_pair(&t.n, 1, &t.pairs[1], 16, 16, min, mem, len), VIRTIO_EINVAL);
	CHECK_ERR(vnet_attach_pair(&t.n, 0, &t.pairs[0], 0, 16, min, mem, len), VIRTIO_EINVAL);
	CHECK_OK(vnet_attach_pair(&t.n, 0, &t.pairs[0], 16, 16, min, mem, len));
	CHECK_ERR(vnet_attach_pair(&t.n, 1, &t.pairs[1], 16, 16, min, mem, len), VIRTIO_EINVAL);
	CHECK_ERR(vnet_start(&t.n), VIRTIO_EINVAL); /* the control queue is missing */
	CHECK_ERR(vnet_poll(&t.n), VIRTIO_EINVAL);
	size_t clen = vnet_ctrl_mem_bytes(16);
	void *cmem = tmem_alloc(clen, VIRTQ_MEM_ALIGN);
	CHECK_ERR(vnet_attach_ctrl(&t.n, &t.ctrl, 16, cmem, clen - 1), VIRTIO_ENOMEM);
	CHECK_OK(vnet_attach_ctrl(&t.n, &t.ctrl, 16, cmem, clen));
	CHECK_ERR(vnet_attach_ctrl(&t.n, &t.ctrl, 16, cmem, clen), VIRTIO_EINVAL);
	CHECK_OK(vnet_start(&t.n));
	CHECK_ERR(vnet_start(&t.n), VIRTIO_EINVAL);
}

TEST(net_feature_names)
{
	unsigned named = 0;
	for (unsigned b = 0; b < 64; b++)
		named += vnet_feature_name(b) != NULL;
	CHECK_EQ(named, 30);
	CHECK(strcmp(vnet_feature_name(15), "MRG_RXBUF") == 0);
	CHECK(strcmp(vnet_feature_name(17), "CTRL_VQ") == 0);
	CHECK(vnet_feature_name(4) == NULL);
}
