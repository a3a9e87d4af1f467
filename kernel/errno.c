/* Messages of the kernel's error family (errno.h). */
#include "kernel/errno.h"

#include "lib/printf.h"

const char *kstrerror(int err)
{
	static char unknown[24];

	switch (err) {
	case KERR_OK: return "success";
	case KERR_EINVAL: return "invalid argument";
	case KERR_ERANGE: return "request reaches past the end of the device";
	case KERR_EROFS: return "device is read-only";
	case KERR_EALIGN: return "not aligned to the device's logical block size";
	case KERR_EUNSUPP: return "request not supported by the device";
	case KERR_ENOMEM: return "memory too small or misaligned";
	case KERR_EFULL: return "no room for another device";
	case KERR_ENOSPC: return "queue full";
	case KERR_ENODEV: return "no such device";
	case KERR_ENOTSUP: return "device or transport version not supported";
	case KERR_EFEATURES: return "device refused the negotiated features";
	case KERR_ENOQUEUE: return "device has no such queue";
	case KERR_EIO: return "device reported an I/O error";
	case KERR_ETIMEDOUT: return "timed out waiting for the device";
	case KERR_ESILENT: return "device did not answer in time";
	case KERR_EBROKEN: return "device broke the protocol; queue disabled";
	case KERR_ENOSTATUS: return "device completed without writing a status";
	case KERR_ERESET: return "device needs reset; request aborted";
	case KERR_EDEAD: return "device did not complete its reset; it keeps its buffers";
	}
	ksnprintf(unknown, sizeof(unknown), "error %d", err);
	return unknown;
}
