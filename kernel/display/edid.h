/*
 * One line about a display's EDID blob (VESA E-EDID, base block): the
 * maker's three-letter ID, the monitor name, the version and the
 * preferred detailed timing's size; or what is wrong with it.
 */
#ifndef KERNEL_DISPLAY_EDID_H
#define KERNEL_DISPLAY_EDID_H

#include <stddef.h>
#include <stdint.h>

/* "RHT QEMU Monitor, EDID 1.4, preferred 1280x800, 256 bytes". */
void edid_summary(const uint8_t *edid, uint32_t len, char *out, size_t n);

#endif
