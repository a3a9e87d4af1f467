/*
 * The virtio-pci transport (drivers/virtio/transport/pci.c) against the simulated
 * PCI function of sim_pci.c, finding the device: identification (§4.1.2),
 * the capability walk and its defences (§4.1.4).  Operating the device
 * once found is in test_pci_ops.c.
 */
#include <string.h>

#include "harness/pci_fixture.h"

TEST(pci_probe_finds_every_capability)
{
	struct sim_pci *p = new_blk_pci(NULL, NULL);
	struct virtio_pci vp;
	CHECK_OK(probe(p, &vp));
	uintptr_t bar4 = p->bars[4].base;
	CHECK_EQ(vp.vdev.device_id, VIRTIO_ID_BLOCK);
	CHECK(!vp.vdev.legacy);
	CHECK(!vp.transitional);
	CHECK(strcmp(vp.vdev.transport_name, "virtio-pci modern") == 0);
	CHECK_EQ(vp.pci_device_id, 0x1042);
	CHECK_EQ(vp.common.addr, bar4 + SIM_PCI_COMMON_OFF);
	CHECK_EQ(vp.common.len, SIM_PCI_COMMON_LEN);
	CHECK_EQ(vp.common.bar, 4);
	CHECK_EQ(vp.isr.addr, bar4 + SIM_PCI_ISR_OFF);
	CHECK_EQ(vp.device.addr, bar4 + SIM_PCI_DEVICE_OFF);
	CHECK_EQ(vp.device.len, p->dev->config_len);
	CHECK_EQ(vp.notify.addr, bar4 + SIM_PCI_NOTIFY_OFF);
	CHECK_EQ(vp.notify_off_multiplier, 4);
	CHECK(vp.common.cap && vp.notify.cap && vp.isr.cap && vp.device.cap);
	CHECK(vp.pci_cfg_cap != 0);
	CHECK_EQ(vp.msix_cap, 0);
	CHECK_EQ(vp.msix_queue_vector, VIRTIO_PCI_NO_VECTOR);
	/* Probing only reads config space. */
	CHECK_EQ(p->cfg_writes, 0);
	CHECK_EQ(p->bar_accesses, 0);
	CHECK_EQ(p->dev->reg_accesses, 0);
}

TEST(pci_probe_device_ids)
{
	static const struct {
		uint16_t vendor, device, subsys;
		int rc;
		uint32_t id;
		bool transitional;
	} cases[] = {
		{ 0x1af4, 0x1000, 1, 0, 1, true },  /* net */
		{ 0x1af4, 0x1001, 2, 0, 2, true },  /* blk */
		{ 0x1af4, 0x1002, 5, 0, 5, true },  /* balloon */
		{ 0x1af4, 0x1003, 3, 0, 3, true },  /* console */
		{ 0x1af4, 0x1004, 8, 0, 8, true },  /* scsi */
		{ 0x1af4, 0x1005, 4, 0, 4, true },  /* rng */
		{ 0x1af4, 0x1009, 9, 0, 9, true },  /* 9p */
		{ 0x1af4, 0x1001, 7, 0, 2, true },  /* the table wins over the subsystem */
		{ 0x1af4, 0x1012, 26, 0, 26, true }, /* unlisted: the subsystem ID */
		{ 0x1af4, 0x1012, 0, VIRTIO_ENODEV, 0, true },
		{ 0x1af4, 0x1042, 2, 0, 2, false },
		{ 0x1af4, 0x1041, 0, 0, 1, false },
		{ 0x1af4, 0x107f, 0, 0, 63, false },
		{ 0x1af4, 0x1040, 0, VIRTIO_ENODEV, 0, false }, /* virtio ID 0 */
		{ 0x1af4, 0x1080, 2, VIRTIO_ENODEV, 0, false },
		{ 0x1af4, 0x0fff, 2, VIRTIO_ENODEV, 0, false },
		{ 0x8086, 0x1042, 2, VIRTIO_ENODEV, 0, false },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sim_reset_all();
		struct sim_pci_opts o = { .vendor_id = cases[i].vendor, .device_id = cases[i].device,
					  .subsys_id = cases[i].subsys };
		struct sim_pci *p = new_blk_pci(NULL, &o);
		if (cases[i].subsys == 0) /* really 0, not the default */
			p->cfg[VIRTIO_PCI_CFG_SUBSYS_ID] = p->cfg[VIRTIO_PCI_CFG_SUBSYS_ID + 1] = 0;
		struct virtio_pci vp;
		int rc = probe(p, &vp);
		CHECK_MSG(rc == cases[i].rc, "%04x:%04x subsys %u: got %s, want %s", cases[i].vendor,
			  cases[i].device, cases[i].subsys, unit_errname(rc),
			  unit_errname(cases[i].rc));
		if (rc == 0) {
			CHECK_EQ(vp.vdev.device_id, cases[i].id);
			CHECK_EQ(vp.transitional, cases[i].transitional);
			CHECK(strcmp(vp.vdev.transport_name, cases[i].transitional
								? "virtio-pci transitional"
								: "virtio-pci modern") == 0);
		}
	}
}

TEST(pci_probe_bad_arguments)
{
	struct sim_pci *p = new_blk_pci(NULL, NULL);
	struct virtio_pci vp;
	CHECK_ERR(virtio_pci_probe(NULL, &p->acc, p->bars), VIRTIO_EINVAL);
	CHECK_ERR(virtio_pci_probe(&vp, NULL, p->bars), VIRTIO_EINVAL);
	CHECK_ERR(virtio_pci_probe(&vp, &p->acc, NULL), VIRTIO_EINVAL);
	struct virtio_pci_config_access acc = p->acc;
	acc.read32 = NULL;
	CHECK_ERR(virtio_pci_probe(&vp, &acc, p->bars), VIRTIO_EINVAL);
}

TEST(pci_legacy_only_is_enotsup)
{
	/* QEMU disable-modern=on: a capability list, none of it virtio. */
	struct sim_pci_opts o = { .legacy_only = true, .msix_vectors = 2,
				  .device_id = 0x1001 };
	struct sim_pci *p = new_blk_pci(NULL, &o);
	struct virtio_pci vp;
	CHECK_ERR(probe(p, &vp), VIRTIO_ENOTSUP);
	CHECK_EQ(p->bar_accesses, 0);
	CHECK_EQ(p->cfg_writes, 0);

	/* No capability list at all. */
	struct sim_pci_opts bare = { .bare = true };
	p = new_blk_pci(NULL, &bare);
	CHECK_EQ(p->cfg[VIRTIO_PCI_CFG_STATUS] & VIRTIO_PCI_STATUS_CAP_LIST, 0);
	CHECK_ERR(probe(p, &vp), VIRTIO_ENOTSUP);

	/* Capabilities present, but status bit 4 says there is no list. */
	p = new_blk_pci(NULL, NULL);
	p->cfg[VIRTIO_PCI_CFG_STATUS] &= (uint8_t)~VIRTIO_PCI_STATUS_CAP_LIST;
	CHECK_ERR(probe(p, &vp), VIRTIO_ENOTSUP);
}

/* A bare function with the given common cap first, then valid notify and
 * ISR caps. */
static struct sim_pci *with_common(uint8_t bar, uint32_t off, uint32_t len)
{
	struct sim_pci_opts o = { .bare = true };
	struct sim_pci *p = new_blk_pci(NULL, &o);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, bar, off, len);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, SIM_PCI_NOTIFY_OFF, 64);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_ISR_CFG, 4, SIM_PCI_ISR_OFF, 1);
	return p;
}

TEST(pci_cap_region_beyond_bar_is_rejected)
{
	struct virtio_pci vp;
	/* Ends 16 bytes past the 16 KiB BAR. */
	CHECK_ERR(probe(with_common(4, 0x3fd0, 0x40), &vp), VIRTIO_EBROKEN);
	/* Exactly at the end is fine (the sim serves only 0x0000 though:
	 * probing does not touch the BAR, so this is a pure bounds check). */
	CHECK_OK(probe(with_common(4, 0x3fc0, 0x40), &vp));
	/* offset + length wraps around 32 bits. */
	CHECK_ERR(probe(with_common(4, 0xfffffff0u, 0x20), &vp), VIRTIO_EBROKEN);
	CHECK_ERR(probe(with_common(4, 0x40, 0xffffffffu), &vp), VIRTIO_EBROKEN);
	/* Misaligned common structure. */
	CHECK_ERR(probe(with_common(4, 0x2, 0x40), &vp), VIRTIO_EBROKEN);
	/* A BAR the embedder did not map. */
	struct sim_pci *p = new_blk_pci(NULL, NULL);
	p->bars[4].size = 0;
	CHECK_ERR(probe(p, &vp), VIRTIO_EBROKEN);
	/* A bad first common cap, then a good one: the good one is used. */
	p = with_common(4, 0x3ff0, 0x40);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, 4, SIM_PCI_COMMON_OFF, SIM_PCI_COMMON_LEN);
	CHECK_OK(probe(p, &vp));
	CHECK_EQ(vp.common.addr, p->bars[4].base + SIM_PCI_COMMON_OFF);
}

TEST(pci_cap_reserved_bar_is_ignored)
{
	struct virtio_pci vp;
	CHECK_ERR(probe(with_common(7, 0, 0x40), &vp), VIRTIO_EBROKEN);
	CHECK_ERR(probe(with_common(6, 0, 0x40), &vp), VIRTIO_EBROKEN);
	struct sim_pci *p = with_common(7, 0, 0x40);
	unsigned good = sim_pci_add_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, 4, SIM_PCI_COMMON_OFF,
					SIM_PCI_COMMON_LEN);
	CHECK_OK(probe(p, &vp));
	CHECK_EQ(vp.common.cap, good);
	CHECK_EQ(vp.common.bar, 4);
}

TEST(pci_truncated_common_cfg_is_rejected)
{
	struct virtio_pci vp;
	CHECK_ERR(probe(with_common(4, 0, 0x30), &vp), VIRTIO_EBROKEN);
	CHECK_ERR(probe(with_common(4, 0, 0x37), &vp), VIRTIO_EBROKEN);
	CHECK_OK(probe(with_common(4, 0, 0x38), &vp)); /* 1.0's size */
	CHECK_OK(probe(with_common(4, 0, 0x1000), &vp)); /* larger: accepted */
}

TEST(pci_cap_list_loops_are_caught)
{
	struct virtio_pci vp;
	/* The last capability points back at the first. */
	struct sim_pci *p = new_blk_pci(NULL, NULL);
	p->cfg[p->last_cap + 1] = p->cfg[VIRTIO_PCI_CFG_CAP_PTR];
	CHECK_ERR(probe(p, &vp), VIRTIO_EBROKEN);
	/* A capability pointing at itself. */
	p = new_blk_pci(NULL, NULL);
	p->cfg[p->last_cap + 1] = p->last_cap;
	CHECK_ERR(probe(p, &vp), VIRTIO_EBROKEN);
	/* A pointer into the standard header. */
	p = new_blk_pci(NULL, NULL);
	p->cfg[p->last_cap + 1] = 0x3c;
	CHECK_ERR(probe(p, &vp), VIRTIO_EBROKEN);
	/* A loop before any virtio capability: still broken, not legacy. */
	struct sim_pci_opts o = { .bare = true };
	p = new_blk_pci(NULL, &o);
	unsigned a = sim_pci_add_raw_cap(p, 0x01, 8);
	unsigned b = sim_pci_add_raw_cap(p, 0x05, 8);
	p->cfg[b + 1] = (uint8_t)a;
	CHECK_ERR(probe(p, &vp), VIRTIO_EBROKEN);
	/* Every one of the 48 slots used once, the last ending the list. */
	p = new_blk_pci(NULL, &o);
	for (unsigned i = 0; i < 44; i++)
		sim_pci_add_raw_cap(p, 0x01, 4);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, 4, 0, 0x40); /* 4 slots */
	CHECK_EQ(p->cap_free, 0x100);
	CHECK_ERR(probe(p, &vp), VIRTIO_EBROKEN); /* no notify/ISR, but walked */
	CHECK_EQ(vp.common.cap, 0xf0);
}

TEST(pci_cap_pointer_low_bits_are_masked)
{
	/* PCI: the two low bits of capability pointers are reserved. */
	struct sim_pci *p = new_blk_pci(NULL, NULL);
	p->cfg[VIRTIO_PCI_CFG_CAP_PTR] |= 3;
	unsigned first = p->cfg[VIRTIO_PCI_CFG_CAP_PTR] & 0xfc;
	p->cfg[first + 1] |= 2;
	struct virtio_pci vp;
	CHECK_OK(probe(p, &vp));
	CHECK(vp.common.cap != 0);
}

TEST(pci_unknown_caps_are_ignored)
{
	struct sim_pci_opts o = { .bare = true };
	struct sim_pci *p = new_blk_pci(NULL, &o);
	/* Shared memory, vendor data, a reserved type, and a vendor
	 * capability too short to be a virtio structure. */
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_SHARED_MEMORY_CFG, 4, 0, 0x100);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_VENDOR_CFG, 4, 0, 0x100);
	sim_pci_add_cap(p, 42, 4, 0, 0x100);
	unsigned shorty = sim_pci_add_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, 4, 0x2000, 0x40);
	p->cfg[shorty + VIRTIO_PCI_CAP_LEN] = 12;
	/* A cap_len larger than needed is fine. */
	unsigned big = sim_pci_add_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, 4, 0, 0x40);
	p->cfg[big + VIRTIO_PCI_CAP_LEN] = 40;
	sim_pci_add_default_caps(p);
	struct virtio_pci vp;
	CHECK_OK(probe(p, &vp));
	CHECK_EQ(vp.common.cap, big);
	CHECK_EQ(vp.common.addr, p->bars[4].base);
}

TEST(pci_first_usable_cap_of_each_type_wins)
{
	struct sim_pci_opts o = { .bare = true };
	struct sim_pci *p = new_blk_pci(NULL, &o);
	sim_pci_add_default_caps(p);
	/* Second copies of every type, somewhere else. */
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, 4, 0x2000, 0x40);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, 0x2000, 0x40);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_ISR_CFG, 4, 0x2000, 1);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_DEVICE_CFG, 4, 0x1000, 0x40);
	struct virtio_pci vp;
	CHECK_OK(probe(p, &vp));
	uintptr_t bar4 = p->bars[4].base;
	CHECK_EQ(vp.common.addr, bar4 + SIM_PCI_COMMON_OFF);
	CHECK_EQ(vp.notify.addr, bar4 + SIM_PCI_NOTIFY_OFF);
	CHECK_EQ(vp.isr.addr, bar4 + SIM_PCI_ISR_OFF);
	CHECK_EQ(vp.device.addr, bar4 + SIM_PCI_DEVICE_OFF);
}

TEST(pci_missing_structures_are_rejected)
{
	struct virtio_pci vp;
	static const uint8_t types[] = { VIRTIO_PCI_CAP_COMMON_CFG, VIRTIO_PCI_CAP_NOTIFY_CFG,
					 VIRTIO_PCI_CAP_ISR_CFG };
	for (unsigned skip = 0; skip < 3; skip++) {
		struct sim_pci_opts o = { .bare = true };
		struct sim_pci *p = new_blk_pci(NULL, &o);
		for (unsigned i = 0; i < 3; i++) {
			if (i == skip)
				continue;
			uint32_t off = types[i] == VIRTIO_PCI_CAP_COMMON_CFG ? SIM_PCI_COMMON_OFF
				       : types[i] == VIRTIO_PCI_CAP_NOTIFY_CFG ? SIM_PCI_NOTIFY_OFF
									       : SIM_PCI_ISR_OFF;
			sim_pci_add_cap(p, types[i], 4, off, 0x40);
		}
		CHECK_ERR(probe(p, &vp), VIRTIO_EBROKEN);
	}
	/* A notify capability without room for the multiplier. */
	struct sim_pci_opts o = { .bare = true };
	struct sim_pci *p = new_blk_pci(NULL, &o);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, 4, SIM_PCI_COMMON_OFF, 0x40);
	unsigned n = sim_pci_add_cap(p, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, SIM_PCI_NOTIFY_OFF, 0x40);
	p->cfg[n + VIRTIO_PCI_CAP_LEN] = 16;
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_ISR_CFG, 4, SIM_PCI_ISR_OFF, 1);
	CHECK_ERR(probe(p, &vp), VIRTIO_EBROKEN);
	/* An empty ISR structure. */
	p = new_blk_pci(NULL, &o);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_COMMON_CFG, 4, SIM_PCI_COMMON_OFF, 0x40);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, SIM_PCI_NOTIFY_OFF, 0x40);
	sim_pci_add_cap(p, VIRTIO_PCI_CAP_ISR_CFG, 4, SIM_PCI_ISR_OFF, 0);
	CHECK_ERR(probe(p, &vp), VIRTIO_EBROKEN);
}
