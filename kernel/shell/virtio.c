/*
 * `virtio list`: every virtio device the transports found, bound or not
 * (kernel/virtio/virtio.h: the describe API, kernel types only):
 *
 *   virtio1  virtio-mmio v2 @0x10008000 irq 8
 *     type      block (2)
 *     driver    virtio-blk, live
 *     ring      split
 *     features  0x0000000130000e54 INDIRECT_DESC EVENT_IDX VERSION_1
 *     events    12 interrupts (0 spurious), 0 config changes, 0 re-initialisations
 *     memory    1232 KiB of DMA pool
 *     queue  size flight   chains      posted        used   popped  notifies suppressed  irqs spurious faults
 *         0   256      0       42       21504       21504       42        40          2    38        0      0
 *
 * A device without a driver says "driver    none"; one whose bring-up
 * failed names the driver and the error, and what the failed bring-up
 * kept (nothing, unless the device never completed its reset).
 */
#include "kernel/errno.h"
#include "kernel/shell/shell_priv.h"
#include "kernel/virtio/virtio.h"

static void print_features(uint64_t f)
{
	kprintf("  features  0x%016llx", (unsigned long long)f);
	for (unsigned bit = 0; bit < 64; bit++) {
		const char *name = virtio_feature_name(bit);
		if (name && ((f >> bit) & 1u))
			kprintf(" %s", name);
	}
	kprintf("\n");
}

static void print_queues(unsigned dev, unsigned n)
{
	struct virtio_queue_info q;
	if (n == 0)
		return;
	kprintf("  %5s %5s %6s %8s %11s %11s %8s %9s %10s %5s %8s %6s\n", "queue", "size",
		"flight", "chains", "posted", "used", "popped", "notifies", "suppressed", "irqs",
		"spurious", "faults");
	for (unsigned i = 0; i < n && virtio_queue_describe(dev, i, &q); i++) {
		kprintf("  %5u %5u %6u", q.index, q.size, (unsigned)q.in_flight);
		if (q.has_stats)
			kprintf(" %8llu %11llu %11llu %8llu %9llu %10llu %5llu %8llu %6llu",
				(unsigned long long)q.chains_added, (unsigned long long)q.bytes_posted,
				(unsigned long long)q.bytes_used, (unsigned long long)q.used_popped,
				(unsigned long long)q.notifies,
				(unsigned long long)q.notifies_suppressed,
				(unsigned long long)q.interrupts, (unsigned long long)q.spurious,
				(unsigned long long)q.faults);
		else
			kprintf("  (statistics compiled out: VIRTIO_STATS 0)");
		kprintf("%s\n", q.broken ? "  BROKEN" : "");
	}
}

static void list_one(unsigned i, const struct virtio_dev_info *d)
{
	kprintf("virtio%u  %s\n", i, d->where);
	if (d->device_id)
		kprintf("  type      %s (%u)\n", d->type ? d->type : "unnamed", (unsigned)d->device_id);
	else
		kprintf("  type      unknown\n");
	if (!d->driver)
		kprintf("  driver    none%s%s%s\n", d->status ? " (" : "",
			d->status ? kstrerror(d->status) : "", d->status ? ")" : "");
	else if (d->status)
		kprintf("  driver    %s: failed: %s\n", d->driver, kstrerror(d->status));
	else
		kprintf("  driver    %s, %s\n", d->driver, d->state);
	if (d->driver && d->status)
		kprintf("  undone    %lu KiB of DMA memory kept, %d interrupt handlers left\n",
			(unsigned long)(d->dma_bytes / 1024), d->handlers);
	else if (d->driver)
		kprintf("  memory    %lu KiB of DMA pool\n", (unsigned long)(d->dma_bytes / 1024));
	if (!d->negotiated)
		return;
	kprintf("  ring      %s\n", d->packed ? "packed" : "split");
	print_features(d->features);
	kprintf("  events    %llu interrupts (%llu spurious), %u config changes, %u "
		"re-initialisations\n",
		(unsigned long long)d->interrupts, (unsigned long long)d->spurious,
		(unsigned)d->config_changes, (unsigned)d->recoveries);
	print_queues(i, d->queues);
}

static void virtio_list(int argc, const struct shell_arg *argv)
{
	struct virtio_dev_info d;

	(void)argc;
	(void)argv;
	if (virtio_dev_count() == 0) {
		kprintf("no virtio devices (none in the device tree's mmio slots or on PCI)\n");
		return;
	}
	for (unsigned i = 0; virtio_dev_describe(i, &d); i++)
		list_one(i, &d);
}

const struct shell_command shell_virtio_commands[] = {
	{ "list", "", "every virtio device: transport, type, driver, ring, features, queues",
	  virtio_list, NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};
