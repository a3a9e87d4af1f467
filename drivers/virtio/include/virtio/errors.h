/*
 * The library's one error enum.  Every function that can fail returns 0
 * (VIRTIO_OK) or one of these negative values; virtio_strerror() gives the
 * text.  Only VIRTIO_ENOSPC is transient: retry after completions.
 */
#ifndef VIRTIO_ERRORS_H
#define VIRTIO_ERRORS_H

enum virtio_error {
	VIRTIO_OK = 0,
	VIRTIO_EINVAL = -1,     /* the caller passed a bad argument */
	VIRTIO_ENODEV = -2,     /* no virtio device here (bad magic, ID 0) */
	VIRTIO_ENOTSUP = -3,    /* device or transport version not supported */
	VIRTIO_EFEATURES = -4,  /* the device refused our feature subset */
	VIRTIO_ENOSPC = -5,     /* queue full: retry after completions */
	VIRTIO_ENOMEM = -6,     /* the memory handed in is too small or misaligned */
	VIRTIO_ETIMEDOUT = -7,  /* the device did not answer before the deadline */
	VIRTIO_EBROKEN = -8,    /* the device broke the rules; the queue is latched broken */
	VIRTIO_EIO = -9,        /* the device reported an I/O error */
	VIRTIO_EUNSUPP = -10,   /* the device does not support the request */
	VIRTIO_ERANGE = -11,    /* request reaches past the device's capacity */
	VIRTIO_EROFS = -12,     /* write to a read-only device */
	VIRTIO_ERESET = -13,    /* device needs reset; the request was aborted */
	VIRTIO_ENOQUEUE = -14,  /* the device has no such queue */
	VIRTIO_ENOSTATUS = -15, /* device completed without writing a status */
	VIRTIO_EALIGN = -16,    /* not aligned to the device's logical block size */
	VIRTIO_EDEAD = -17,     /* the device's reset never completed: its buffers stay its own */
};

/* Text for a VIRTIO_E* value ("unknown error" for anything else). */
const char *virtio_strerror(int err);

#endif
