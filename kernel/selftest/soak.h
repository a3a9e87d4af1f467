/* Write-then-verify soak across two boots; see soak.c. */
#ifndef KERNEL_SOAK_H
#define KERNEL_SOAK_H

#include <stdbool.h>

/* Number of disks that failed (0: all good). */
int soak_run(bool write);

#endif
