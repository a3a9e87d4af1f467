/*
 * Self-test suite "bringup", run when a virtio bring-up failed (suites.c;
 * the matrix makes some fail on purpose with virtio-fail= boot arguments):
 * a failed bring-up leaves nothing behind.  The probe measures what each
 * driver's attach() kept, around the call (kernel/virtio/virtio.h): no
 * DMA pool memory (given back after a checked reset) and no interrupt
 * handler.  Then the devices that came up still work, which the other
 * suites show.
 */
#include "kernel/errno.h"
#include "kernel/selftest/suites.h"
#include "kernel/virtio/virtio.h"

static bool failed_bringup(const struct virtio_dev_info *d)
{
	return d->driver && d->status;
}

bool selftest_bringup_wanted(void)
{
	struct virtio_dev_info d;
	for (unsigned i = 0; virtio_dev_describe(i, &d); i++)
		if (failed_bringup(&d))
			return true;
	return false;
}

void selftest_bringup_suite(struct selftest_ctx *t)
{
	struct virtio_dev_info d;
	for (unsigned i = 0; virtio_dev_describe(i, &d); i++) {
		char name[96];
		if (!failed_bringup(&d))
			continue;
		ksnprintf(name, sizeof(name), "virtio%u: the failed %s bring-up kept no memory and no "
			  "interrupt handler", i, d.driver);
		selftest_check(t, d.dma_bytes == 0 && d.handlers == 0, name,
			       "%lu bytes of DMA memory kept, %d handlers left (%s; %s)",
			       (unsigned long)d.dma_bytes, d.handlers, kstrerror(d.status), d.where);
	}
}
