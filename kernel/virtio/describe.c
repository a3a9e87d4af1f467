/*
 * Every virtio device found, described in kernel types (virtio.h) from
 * the probe's records and the library's device and queue state: what
 * `virtio list` prints and the self-test checks.
 */
#include "kernel/virtio/virtio.h"

#include "kernel/virtio/probe.h"
#include "virtio/driver.h"
#include "virtio/virtq.h"
#include "virtio/wire/common.h"

static const char *const type_names[] = {
	[VIRTIO_ID_NET] = "network",
	[VIRTIO_ID_BLOCK] = "block",
	[VIRTIO_ID_CONSOLE] = "console",
	[VIRTIO_ID_RNG] = "entropy",
	[VIRTIO_ID_BALLOON] = "balloon",
	[VIRTIO_ID_SCSI] = "scsi",
	[VIRTIO_ID_9P] = "9p",
	[VIRTIO_ID_GPU] = "gpu",
	[VIRTIO_ID_INPUT] = "input",
	[VIRTIO_ID_VSOCK] = "vsock",
	[VIRTIO_ID_CRYPTO] = "crypto",
	[VIRTIO_ID_IOMMU] = "iommu",
	[VIRTIO_ID_MEM] = "mem",
	[VIRTIO_ID_SOUND] = "sound",
	[VIRTIO_ID_FS] = "fs",
	[VIRTIO_ID_PMEM] = "pmem",
};

static const char *const feature_names[] = {
	[VIRTIO_F_NOTIFY_ON_EMPTY] = "NOTIFY_ON_EMPTY",
	[VIRTIO_F_ANY_LAYOUT] = "ANY_LAYOUT",
	[VIRTIO_F_INDIRECT_DESC] = "INDIRECT_DESC",
	[VIRTIO_F_EVENT_IDX] = "EVENT_IDX",
	[VIRTIO_F_VERSION_1] = "VERSION_1",
	[VIRTIO_F_ACCESS_PLATFORM] = "ACCESS_PLATFORM",
	[VIRTIO_F_RING_PACKED] = "RING_PACKED",
	[VIRTIO_F_IN_ORDER] = "IN_ORDER",
	[VIRTIO_F_ORDER_PLATFORM] = "ORDER_PLATFORM",
	[VIRTIO_F_SR_IOV] = "SR_IOV",
	[VIRTIO_F_NOTIFICATION_DATA] = "NOTIFICATION_DATA",
	[VIRTIO_F_NOTIF_CONFIG_DATA] = "NOTIF_CONFIG_DATA",
	[VIRTIO_F_RING_RESET] = "RING_RESET",
	[VIRTIO_F_ADMIN_VQ] = "ADMIN_VQ",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *virtio_feature_name(unsigned bit)
{
	return bit < COUNT(feature_names) ? feature_names[bit] : NULL;
}

static const char *state_name(uint8_t state)
{
	switch (state) {
	case VIRTIO_DEV_SETUP: return "setup";
	case VIRTIO_DEV_LIVE: return "live";
	case VIRTIO_DEV_RESET_DUE: return "reset due";
	case VIRTIO_DEV_DOWN: return "down";
	case VIRTIO_DEV_DEAD: return "dead";
	}
	return "?";
}

/* The attached queues of a bound device only: a failed bring-up's queue
 * structs belong to the next device of its type by now. */
static struct virtq *queue_at(const struct virtio_found *f, unsigned q)
{
	if (!f->vdev || !f->driver || f->status)
		return NULL;
	struct virtq *vq = f->vdev->queues;
	while (vq && q--)
		vq = vq->owner.next;
	return vq;
}

unsigned virtio_dev_count(void)
{
	return virtio_found_count();
}

bool virtio_dev_describe(unsigned i, struct virtio_dev_info *out)
{
	const struct virtio_found *f = virtio_found_get(i);
	if (!f)
		return false;
	*out = (struct virtio_dev_info){
		.where = f->where,
		.device_id = f->device_id,
		.type = f->device_id < COUNT(type_names) ? type_names[f->device_id] : NULL,
		.driver = f->driver ? f->driver->name : NULL,
		.status = f->status,
		.dma_bytes = f->dma_bytes,
		.handlers = f->handlers,
	};
	const struct virtio_device *d = f->vdev;
	if (!d || !f->driver || f->status)
		return true; /* nothing negotiated, or a bring-up that was undone */
	out->negotiated = true;
	out->state = state_name(d->state);
	out->features = d->features;
	out->offered = d->offered;
	out->packed = virtio_has_feature(d, VIRTIO_F_RING_PACKED);
	out->interrupts = d->events.interrupts;
	out->spurious = d->events.spurious;
	out->config_changes = d->events.config_changes;
	out->recoveries = d->events.recoveries;
	while (queue_at(f, out->queues))
		out->queues++;
	return true;
}

bool virtio_queue_describe(unsigned i, unsigned q, struct virtio_queue_info *out)
{
	const struct virtio_found *f = virtio_found_get(i);
	const struct virtq *vq = f ? queue_at(f, q) : NULL;
	if (!vq)
		return false;
	struct virtq_stats s;
	bool has_stats = virtq_get_stats(vq, &s) == VIRTIO_OK;
	*out = (struct virtio_queue_info){
		.index = vq->index,
		.size = vq->size,
		.in_flight = virtq_in_flight(vq),
		.broken = virtq_is_broken(vq),
		.has_stats = has_stats,
		.chains_added = s.chains_added,
		.bytes_posted = s.bytes_posted,
		.used_popped = s.used_popped,
		.bytes_used = s.bytes_used,
		.notifies = s.notifies,
		.notifies_suppressed = s.notifies_suppressed,
		.interrupts = s.interrupts,
		.spurious = s.spurious,
		.faults = s.faults,
	};
	return true;
}
