/*
 * What the two transports, mmio.c and pci.c, share: an access to the
 * device-specific configuration at the field's natural width (§2.5), and
 * a legacy field's byte order.
 * Not a public header.
 */
#ifndef VIRTIO_TRANSPORT_INTERNAL_H
#define VIRTIO_TRANSPORT_INTERNAL_H

#include <stdbool.h>

#include "virtio/platform.h"
#include "virtio/wire/common.h"

/* One MMIO load of `width` bytes at `a`: 1, 2, or otherwise 4. */
static inline uint32_t virtio_mmio_read_width(uintptr_t a, unsigned width)
{
	switch (width) {
	case 1: return virtio_mmio_read8(a);
	case 2: return virtio_mmio_read16(a);
	default: return virtio_mmio_read32(a);
	}
}

/* One MMIO store of the low `width` bytes of `v` at `a`: 1, 2, or
 * otherwise 4. */
static inline void virtio_mmio_write_width(uintptr_t a, unsigned width, uint32_t v)
{
	switch (width) {
	case 1: virtio_mmio_write8(a, (uint8_t)v); break;
	case 2: virtio_mmio_write16(a, (uint16_t)v); break;
	default: virtio_mmio_write32(a, v); break;
	}
}

/* A config field as the little-endian accessors see it, converted to or
 * from the order the device keeps it in: a legacy device's fields are in
 * the guest's own order (§2.5.3), so a big-endian guest swaps them back;
 * otherwise (and for bytes) nothing changes.  Its own inverse. */
static inline uint32_t virtio_config_order(uint32_t v, unsigned width, bool legacy)
{
	if (!legacy || !VIRTIO_CPU_BIG_ENDIAN || width == 1)
		return v;
	return width == 2 ? __builtin_bswap16((uint16_t)v) : __builtin_bswap32(v);
}

#endif
