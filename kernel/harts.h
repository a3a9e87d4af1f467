/*
 * The harts other than the boot hart.  The kernel runs on one hart only;
 * the others are started at boot just so that they park in the kernel's
 * own wfi loop (see harts.c for why).
 */
#ifndef KERNEL_HARTS_H
#define KERNEL_HARTS_H

/*
 * Starts every hart of the device tree except the boot hart at _start via
 * SBI HSM; each loses the boot lottery and parks.  Waits up to 100 ms for
 * them to arrive.  Prints a line for a hart that could not be started.
 */
void harts_park_others(void);

/* Harts harts_park_others() started (they should all be in parked_harts). */
unsigned harts_started(void);

#endif
