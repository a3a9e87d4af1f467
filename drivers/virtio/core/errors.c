/* Messages for the library's error codes (errors.h). */
#include "virtio/errors.h"

const char *virtio_strerror(int err)
{
	switch (err) {
	case VIRTIO_OK: return "success";
	case VIRTIO_EINVAL: return "invalid argument";
	case VIRTIO_ENODEV: return "no virtio device";
	case VIRTIO_ENOTSUP: return "device or transport version not supported";
	case VIRTIO_EFEATURES: return "device refused the negotiated features";
	case VIRTIO_ENOSPC: return "queue full";
	case VIRTIO_ENOMEM: return "memory too small or misaligned";
	case VIRTIO_ETIMEDOUT: return "device did not answer in time";
	case VIRTIO_EBROKEN: return "device broke the protocol; queue disabled";
	case VIRTIO_EIO: return "device reported an I/O error";
	case VIRTIO_EUNSUPP: return "request not supported by the device";
	case VIRTIO_ERANGE: return "request reaches past the end of the device";
	case VIRTIO_EROFS: return "device is read-only";
	case VIRTIO_ERESET: return "device needs reset; request aborted";
	case VIRTIO_ENOQUEUE: return "device has no such queue";
	case VIRTIO_ENOSTATUS: return "device completed without writing a status";
	case VIRTIO_EALIGN: return "not aligned to the device's logical block size";
	case VIRTIO_EDEAD: return "device did not complete its reset; it keeps its buffers";
	}
	return "unknown error";
}
