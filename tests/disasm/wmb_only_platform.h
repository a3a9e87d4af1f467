/* A platform header that replaces exactly one macro hook: virtio_wmb,
 * with a stronger fence than the default's `fence w,w`.  scripts/
 * cross_build.sh builds the library and tests/disasm/hooks.c with it and
 * checks the objects: this fence where virtio_wmb is used, the default
 * single `lw` for an MMIO read. */
#ifndef WMB_ONLY_PLATFORM_H
#define WMB_ONLY_PLATFORM_H
#define virtio_wmb() __asm__ __volatile__("fence rw,w" ::: "memory")
#endif
