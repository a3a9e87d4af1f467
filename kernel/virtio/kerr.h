/*
 * The VirtIO library's errors as kernel errors (kernel/errno.h).  Every
 * VIRTIO_E* that leaves kernel/virtio/ goes through kerr_from_virtio():
 * the rest of the kernel never sees a library code.
 */
#ifndef KERNEL_VIRTIO_KERR_H
#define KERNEL_VIRTIO_KERR_H

/* 0 stays 0, a positive count stays itself; each VIRTIO_E* becomes the
 * KERR_* with the same meaning (and the same message); an unknown
 * negative value becomes KERR_EINVAL. */
int kerr_from_virtio(int rc);

#endif
