/*
 * EDID base block decoding for the summary line (edid.h).  Offsets are
 * those of the VESA E-EDID 1.3/1.4 base block; nothing past its 128 bytes
 * is read, and nothing is believed before the header and the checksum
 * are right.
 */
#include "kernel/display/edid.h"

#include <stdbool.h>

#include "lib/printf.h"

#define BASE_BYTES       128
#define MANUFACTURER     8   /* big-endian, three 5-bit letters */
#define VERSION          18
#define REVISION         19
#define DESCRIPTORS      54  /* four 18-byte descriptors */
#define DESCRIPTOR_BYTES 18
#define TAG_MONITOR_NAME 0xfc

static const uint8_t header[8] = { 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00 };

/* The monitor name descriptor's text (up to 13 characters, ended by a
 * line feed), or "" when there is none. */
static void monitor_name(const uint8_t *e, char name[14])
{
	name[0] = '\0';
	for (unsigned i = 0; i < 4; i++) {
		const uint8_t *d = e + DESCRIPTORS + i * DESCRIPTOR_BYTES;
		if (d[0] || d[1] || d[3] != TAG_MONITOR_NAME)
			continue;
		unsigned k = 0;
		for (; k < 13 && d[5 + k] != 0x0a && d[5 + k] >= 0x20 && d[5 + k] < 0x7f; k++)
			name[k] = (char)d[5 + k];
		name[k] = '\0';
		return;
	}
}

/* The first detailed timing's active size: false when there is none. */
static bool preferred(const uint8_t *e, unsigned *w, unsigned *h)
{
	const uint8_t *d = e + DESCRIPTORS;
	if (d[0] == 0 && d[1] == 0)
		return false; /* a display descriptor, not a timing */
	*w = d[2] | (unsigned)(d[4] & 0xf0) << 4;
	*h = d[5] | (unsigned)(d[7] & 0xf0) << 4;
	return true;
}

void edid_summary(const uint8_t *e, uint32_t len, char *out, size_t n)
{
	if (len < BASE_BYTES) {
		ksnprintf(out, n, "EDID of %u bytes: shorter than a base block", (unsigned)len);
		return;
	}
	uint8_t sum = 0;
	bool head_ok = true;
	for (unsigned i = 0; i < BASE_BYTES; i++) {
		sum = (uint8_t)(sum + e[i]);
		if (i < sizeof(header) && e[i] != header[i])
			head_ok = false;
	}
	if (!head_ok || sum != 0) {
		ksnprintf(out, n, "EDID of %u bytes with a bad %s", (unsigned)len,
			  head_ok ? "checksum" : "header");
		return;
	}
	unsigned id = (unsigned)e[MANUFACTURER] << 8 | e[MANUFACTURER + 1];
	char maker[4] = { (char)('@' + (id >> 10 & 31)), (char)('@' + (id >> 5 & 31)),
			  (char)('@' + (id & 31)), '\0' };
	char name[14];
	monitor_name(e, name);
	unsigned w = 0, h = 0;
	char size[32] = "no preferred timing";
	if (preferred(e, &w, &h))
		ksnprintf(size, sizeof(size), "preferred %ux%u", w, h);
	ksnprintf(out, n, "%s%s%s, EDID %u.%u, %s, %u bytes", maker, name[0] ? " " : "", name,
		  e[VERSION], e[REVISION], size, (unsigned)len);
}
