/*
 * Boot time (see boottime.h).  The figures are guest time: the `time` CSR
 * counts at the device tree's timebase-frequency from machine reset, so
 * its value at kernel entry is also what the firmware took.
 */
#include <stdbool.h>

#include "kernel/boot.h"
#include "kernel/boottime.h"
#include "kernel/dt/devtree.h"
#include "kernel/riscv.h"
#include "kernel/timer.h"
#include "lib/printf.h"

#define MAX_PHASES 48

struct phase {
	const char *name;
	uint64_t end; /* `time` CSR value */
};

static struct phase phases[MAX_PHASES];
static unsigned n_phases;
static bool reported; /* later marks (a device attached at run time) are not boot */

void boottime_mark(const char *name)
{
	if (!reported && n_phases < MAX_PHASES)
		phases[n_phases++] = (struct phase){ .name = name, .end = rdtime() };
}

/* Hundredths of a millisecond in a span of ticks. */
static unsigned long centi_ms(uint64_t ticks)
{
	return (unsigned long)(timer_ticks_to_ns(ticks) / 10000);
}

static void print_phase(const char *name, uint64_t ticks)
{
	unsigned long c = centi_ms(ticks);

	kprintf("  %-32s %3lu.%02lu ms\n", name, c / 100, c % 100);
}

void boottime_report(void)
{
	uint64_t now = rdtime();
	unsigned long total = centi_ms(now - boot_entry_time);

	reported = true;
	kprintf("boot time: %lu.%02lu ms from kernel entry to the shell prompt\n", total / 100,
		total % 100);
	if (!dt_bootargs_has("boottime"))
		return;
	print_phase("(firmware, before kernel entry)", boot_entry_time);
	uint64_t start = boot_entry_time;
	for (unsigned i = 0; i < n_phases; i++) {
		print_phase(phases[i].name, phases[i].end - start);
		start = phases[i].end;
	}
	print_phase("(the rest)", now - start);
}
