/*
 * libFuzzer target: the input bytes are a virtio-pci function's config
 * space (capability list included) and the contents and sizes of its BARs.
 * The real pci.c walks the capabilities, validates every offset and length
 * against the BARs, and, when it accepts the function, device.c, virtq*.c
 * and blk.c bring it up over it.  Checked: every MMIO access the library
 * makes lands inside a BAR it was given (anything else aborts), no memory
 * error (ASan), no UB (UBSan), no hang (the clock advances on every relax).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "virtio/blk.h"
#include "virtio/errors.h"
#include "virtio/pci.h"

uint64_t fuzz_clock_ns;

#define BAR_BYTES 4096
static uint8_t config[256];
static uint8_t bar_mem[6][BAR_BYTES] __attribute__((aligned(4096)));
static uint64_t bar_size[6];

/* MMIO: only inside the part of a BAR the library was told about. */
static uint8_t *bar_at(uintptr_t a, unsigned width)
{
	for (int b = 0; b < 6; b++) {
		uintptr_t base = (uintptr_t)bar_mem[b];
		if (a >= base && a - base + width <= bar_size[b])
			return (uint8_t *)a;
	}
	fprintf(stderr, "MMIO access of %u bytes at %#lx outside every BAR\n", width,
		(unsigned long)a);
	abort();
}

uint32_t fuzz_mmio_read(uintptr_t a, unsigned width)
{
	uint8_t *p = bar_at(a, width);
	uint32_t v = 0;
	memcpy(&v, p, width);
	return v;
}

void fuzz_mmio_write(uintptr_t a, unsigned width, uint32_t v)
{
	memcpy(bar_at(a, width), &v, width);
}

static uint8_t cfg_rd8(void *c, uint32_t off) { (void)c; return off < 256 ? config[off] : 0xff; }
static uint16_t cfg_rd16(void *c, uint32_t off)
{
	return (uint16_t)(cfg_rd8(c, off) | cfg_rd8(c, off + 1) << 8);
}
static uint32_t cfg_rd32(void *c, uint32_t off)
{
	return (uint32_t)cfg_rd16(c, off) | (uint32_t)cfg_rd16(c, off + 2) << 16;
}
static void cfg_wr8(void *c, uint32_t off, uint8_t v) { (void)c; if (off < 256) config[off] = v; }
static void cfg_wr16(void *c, uint32_t off, uint16_t v) { cfg_wr8(c, off, (uint8_t)v); cfg_wr8(c, off + 1, (uint8_t)(v >> 8)); }
static void cfg_wr32(void *c, uint32_t off, uint32_t v) { cfg_wr16(c, off, (uint16_t)v); cfg_wr16(c, off + 2, (uint16_t)(v >> 16)); }

static const struct virtio_pci_config_access access = {
	cfg_rd8, cfg_rd16, cfg_rd32, cfg_wr8, cfg_wr16, cfg_wr32, NULL,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t pos = 0;
	fuzz_clock_ns = 0;
	memset(config, 0, sizeof(config));
	memcpy(config, data, size < sizeof(config) ? size : sizeof(config));
	pos = sizeof(config);
	/* Steer towards a virtio function most of the time. */
	if (!(config[0xff] & 0x80)) {
		config[0] = 0xf4, config[1] = 0x1a;
		config[2] = 0x42, config[3] = 0x10;
		config[6] |= 0x10;
	}
	struct virtio_pci_bar bars[6];
	for (int b = 0; b < 6; b++) {
		uint16_t sz = pos + 1 < size ? (uint16_t)(data[pos] | data[pos + 1] << 8) : 0;
		pos += 2;
		bar_size[b] = sz % (BAR_BYTES + 1);
		memset(bar_mem[b], 0, BAR_BYTES);
		bars[b] = (struct virtio_pci_bar){ (uintptr_t)bar_mem[b], bar_size[b] };
	}
	for (int b = 0; b < 6 && pos < size; b++) {
		size_t n = size - pos < 512 ? size - pos : 512;
		memcpy(bar_mem[b], data + pos, n); /* the first bytes of each BAR */
		pos += n;
	}

	static struct virtio_pci p;
	if (virtio_pci_probe(&p, &access, bars) != VIRTIO_OK)
		return 0;
	static struct vblk blk;
	static struct vblk_queue q;
	static uint8_t qmem[96 * 1024] __attribute__((aligned(4096)));
	p.vdev.device_id = VIRTIO_ID_BLOCK;
	if (vblk_probe(&blk, &p.vdev, ~0ull) != VIRTIO_OK)
		return 0;
	uint16_t qsize = virtio_queue_size(&p.vdev, 0, 64);
	if (qsize == 0 || vblk_attach_queue(&blk, 0, &q, qsize, qmem, sizeof(qmem)) != VIRTIO_OK)
		return 0;
	if (vblk_start(&blk) != VIRTIO_OK)
		return 0;
	static uint8_t buf[512];
	(void)vblk_read(&blk, 0, buf, 1, 1000000); /* nobody answers: times out */
	(void)vblk_interrupt(&blk);
	(void)virtio_device_recover(blk.vdev);
	return 0;
}
