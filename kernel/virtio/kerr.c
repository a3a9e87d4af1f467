/*
 * VIRTIO_E* -> KERR_* (kerr.h).  One row per library code; the kernel
 * code keeps the library's message (the "virtio" self-test suite checks
 * every row) but for VIRTIO_ENODEV ("no virtio device": the kernel's
 * KERR_ENODEV is about any device).  VIRTIO_ETIMEDOUT becomes
 * KERR_ESILENT: the library's timeout resets the device and takes the
 * buffers back, unlike the kernel's own KERR_ETIMEDOUT wait.
 */
#include "kernel/virtio/kerr.h"

#include "kernel/errno.h"
#include "virtio/errors.h"

static const struct {
	int virtio, kernel;
} table[] = {
	{ VIRTIO_EINVAL, KERR_EINVAL },
	{ VIRTIO_ENODEV, KERR_ENODEV },
	{ VIRTIO_ENOTSUP, KERR_ENOTSUP },
	{ VIRTIO_EFEATURES, KERR_EFEATURES },
	{ VIRTIO_ENOSPC, KERR_ENOSPC },
	{ VIRTIO_ENOMEM, KERR_ENOMEM },
	{ VIRTIO_ETIMEDOUT, KERR_ESILENT },
	{ VIRTIO_EBROKEN, KERR_EBROKEN },
	{ VIRTIO_EIO, KERR_EIO },
	{ VIRTIO_EUNSUPP, KERR_EUNSUPP },
	{ VIRTIO_ERANGE, KERR_ERANGE },
	{ VIRTIO_EROFS, KERR_EROFS },
	{ VIRTIO_ERESET, KERR_ERESET },
	{ VIRTIO_ENOQUEUE, KERR_ENOQUEUE },
	{ VIRTIO_ENOSTATUS, KERR_ENOSTATUS },
	{ VIRTIO_EALIGN, KERR_EALIGN },
	{ VIRTIO_EDEAD, KERR_EDEAD },
};

int kerr_from_virtio(int rc)
{
	if (rc >= 0)
		return rc;
	for (unsigned i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].virtio == rc)
			return table[i].kernel;
	return KERR_EINVAL;
}
