/*
 * A simulated virtio-gpu (§5.7, 2D) for the host tests: host resources
 * with guest backing, TRANSFER_TO_HOST_2D copying out of the backing the
 * way QEMU does (offset = the rectangle's first pixel in the backing, then
 * one stride per row), scanouts, flushes, a cursor, EDID, and the
 * events_read / events_clear pair.
 *
 * It is written from the spec, not from the driver's headers: requests are
 * decoded at their byte offsets.  A malformed request from the driver is a
 * violation; a well-formed one the device cannot honour gets the ERR_*
 * answer QEMU would give.  Knobs make it answer with errors, the wrong
 * kind of success, short answers, a wrong fence, and raise display events.
 */
#ifndef SIM_GPU_H
#define SIM_GPU_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim_device.h"

#define SIM_GPU_MAX_RES     8
#define SIM_GPU_MAX_PIXELS  (160 * 120)
#define SIM_GPU_MAX_ENTRIES 32

struct sim_gpu_rect {
	uint32_t x, y, w, h;
};

struct sim_gpu_resource {
	bool used;
	uint32_t id, format, width, height;
	bool attached;
	unsigned nentries;
	struct { uint8_t *p; uint32_t len; } entry[SIM_GPU_MAX_ENTRIES];
	uint32_t pixels[SIM_GPU_MAX_PIXELS]; /* the host copy, width * height */
};

struct sim_gpu {
	struct sim_gpu_resource res[SIM_GPU_MAX_RES];
	/* what GET_DISPLAY_INFO answers (enabled + preferred rect) */
	struct { bool enabled; struct sim_gpu_rect r; } mode[16];
	struct { uint32_t resource_id; struct sim_gpu_rect r; } scanout[16];
	uint8_t edid[1024];
	uint32_t edid_len;

	/* knobs (each counts down one control command per use) */
	unsigned error_next;        /* answer with error_type */
	uint32_t error_type;
	unsigned wrong_ok_next;     /* answer with the wrong OK type */
	unsigned short_next;        /* write only 16 bytes of answer */
	unsigned bad_fence_next;    /* echo fence_id + 1 */
	unsigned no_fence_flag_next; /* drop the FENCE flag from the answer */
	unsigned truncate_info_next; /* a display info answer of 200 bytes */
	unsigned edid_lie_next;     /* EDID size field larger than the blob written */
	/* The resource duties gpu.h leaves to its caller (§5.7.6: a backing
	 * attached once and as big as its resource, a transfer inside it, a
	 * 64x64 cursor) unchecked: for a caller that breaks them on purpose
	 * (a fuzz target); the device answers as before. */
	bool caller_rules_unchecked;

	/* records */
	unsigned display_infos, edids, creates, attaches, detaches, unrefs, set_scanouts,
		transfers, flushes, cursor_updates, cursor_moves, errors;
	unsigned max_entries;       /* most memory entries in one ATTACH_BACKING */
	unsigned events_cleared;    /* events_clear writes */
	uint64_t last_fence;        /* of the last fenced command */
	unsigned fenced;
	struct sim_gpu_rect last_flush;
	uint32_t last_flush_res;
	struct { uint32_t scanout, x, y, resource_id, hot_x, hot_y; } cursor;
	uint32_t last_type;         /* of the last control command */
};

struct sim_gpu_opts {
	uint32_t version;      /* 2 (default when 0) or 1 */
	uint64_t features;     /* 0: VERSION_1 | EDID | EVENT_IDX | RING_PACKED */
	uint64_t remove;       /* taken out of the offer */
	uint32_t num_scanouts; /* config value (0: 1; a case may poke d->config after) */
	uint16_t qmax;         /* both queues; default 64 */
	uint32_t width, height; /* scanout 0's preferred mode; default 64x48 */
};

struct sim_dev *sim_gpu_new(const struct sim_gpu_opts *o);
static inline struct sim_gpu *sim_gpu_of(struct sim_dev *d)
{
	return (struct sim_gpu *)d->ctx;
}

/* The display changes: scanout `s` gets a new mode, events_read gets
 * DISPLAY, and a config interrupt is raised. */
void sim_gpu_display_event(struct sim_dev *d, unsigned s, uint32_t w, uint32_t h);
static inline uint32_t sim_gpu_events_read(struct sim_dev *d)
{
	return (uint32_t)d->config[0] | (uint32_t)d->config[1] << 8 |
	       (uint32_t)d->config[2] << 16 | (uint32_t)d->config[3] << 24;
}

/* The resource with this id, or NULL. */
struct sim_gpu_resource *sim_gpu_res(struct sim_dev *d, uint32_t id);

#endif
