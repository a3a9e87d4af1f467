/*
 * The interactive shell on the console (prompt "vdisk> ").  Type `help`
 * for the commands.
 */
#ifndef KERNEL_SHELL_H
#define KERNEL_SHELL_H

struct blkdev;

/* Reads and runs commands forever. */
__attribute__((noreturn)) void shell_run(void);

/*
 * Extra lines for `blk info DISK`: fn(dev) is called after the generic
 * fields and may print more (e.g. the virtio features a driver
 * negotiated).  NULL removes it.  One hook; a second call replaces it.
 */
void shell_set_blk_info_extra(void (*fn)(struct blkdev *dev));

#endif
