/*
 * Parking the non-boot harts (see harts.h).
 *
 * With fw_dynamic, OpenSBI enters the kernel on one hart and keeps the
 * rest in its HSM wait loop in M-mode.  On QEMU 7.2 with OpenSBI 1.1 that
 * loop busy-spins (an IPI stays pending, so its wfi returns at once) and
 * burns a host CPU for as long as the machine runs.  Started here, those
 * harts enter _start, lose the lottery in boot/entry.S and sleep in the
 * kernel's wfi loop with every interrupt off; as a bonus the lottery is
 * exercised on every multi-hart boot.
 */
#include "kernel/boot.h"
#include "kernel/dt/devtree.h"
#include "kernel/harts.h"
#include "kernel/sbi.h"
#include "kernel/timer.h"
#include "lib/printf.h"

#define PARK_TIMEOUT_MS 100

static unsigned started;

unsigned harts_started(void)
{
	return started;
}

void harts_park_others(void)
{
	const struct dt_info *dt = dt_info();

	for (unsigned i = 0; i < dt->n_harts; i++) {
		if (dt->harts[i] == boot_hartid)
			continue;
		/* a hart starts with translation off: it needs _start's
		 * physical address, which is its virtual one (the image is
		 * identity-mapped), and parks without ever setting satp */
		struct sbiret r = sbi_hart_start(dt->harts[i], (uintptr_t)_start, 0);
		if (r.error == 0)
			started++;
		else if (r.error != SBI_ERR_ALREADY_AVAILABLE)
			kprintf("harts: cannot start hart %u (SBI error %ld); it stays in the firmware\n",
				dt->harts[i], r.error);
	}
	uint64_t dl = deadline_in_ms(PARK_TIMEOUT_MS);
	while (parked_harts < started && !deadline_passed(dl))
		wait_for_interrupt_until(deadline_in_us(100));
}
