/*
 * The kernel's one error family.  Every kernel interface that can fail
 * returns 0 (KERR_OK) or one of these negative codes, and kstrerror()
 * gives the text the shell and the self-test print.  The block registry,
 * the entropy and input registries and the shell speak only these; a
 * driver's own codes (the VirtIO library's VIRTIO_E*) are translated where
 * the driver is glued in (kernel/virtio/kerr.c), never passed through.
 *
 * Most device conditions keep the text the library gives them, so a
 * message reads the same whichever layer reports it.
 */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

enum kerr {
	KERR_OK = 0,
	/* The request itself. */
	KERR_EINVAL = -1,    /* a bad argument (zero count, unknown operation, ...) */
	KERR_ERANGE = -2,    /* past the end of the device */
	KERR_EROFS = -3,     /* a write to a read-only device */
	KERR_EALIGN = -4,    /* not whole logical blocks of the device */
	KERR_EUNSUPP = -5,   /* the device cannot do this operation */
	/* Resources. */
	KERR_ENOMEM = -6,    /* not enough memory (the DMA pool, a buffer too small) */
	KERR_EFULL = -7,     /* a registry's table is full */
	KERR_ENOSPC = -8,    /* queue full: transient, retry after completions */
	/* Finding and starting a device. */
	KERR_ENODEV = -9,    /* no such device */
	KERR_ENOTSUP = -10,  /* device or transport version not supported */
	KERR_EFEATURES = -11, /* the device refused the features the driver needs */
	KERR_ENOQUEUE = -12, /* the device has no such queue */
	/* The device at work. */
	KERR_EIO = -13,      /* the device reported an I/O error */
	KERR_ETIMEDOUT = -14, /* a kernel wait ran past its deadline; what it waited
			       * for may still hold its buffers */
	KERR_ESILENT = -15,  /* the device did not answer in time and was reset:
			      * its buffers are back */
	KERR_EBROKEN = -16,  /* the device broke the protocol; it is down until recovered */
	KERR_ENOSTATUS = -17, /* the device completed without writing a status */
	KERR_ERESET = -18,   /* the device needed a reset; the request was aborted */
	KERR_EDEAD = -19,    /* the device's reset never completed: it keeps its
			      * buffers (never reuse them) */
};

/* The text for a KERR_* code; "error N" for anything else (a code that
 * was not translated shows as such). */
const char *kstrerror(int err);

#endif
