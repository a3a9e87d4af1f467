/*
 * C side of trap handling.  Interrupts go to their device layer: supervisor
 * external -> the interrupt controller (irq.c), supervisor timer -> timer.  This kernel never
 * expects an exception (no user mode, no paging), so every exception is a
 * bug: print what happened with the registers and panic.
 */
#include "kernel/panic.h"
#include "kernel/irq/irq.h"
#include "kernel/riscv.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "lib/printf.h"

extern char trap_vector[];

static volatile unsigned irq_depth;
static volatile uint64_t n_external, n_timer;

static const char *const exception_names[] = {
	[0] = "instruction address misaligned",
	[1] = "instruction access fault",
	[2] = "illegal instruction",
	[3] = "breakpoint",
	[4] = "load address misaligned",
	[5] = "load access fault",
	[6] = "store/AMO address misaligned",
	[7] = "store/AMO access fault",
	[8] = "environment call from U-mode",
	[9] = "environment call from S-mode",
	[12] = "instruction page fault",
	[13] = "load page fault",
	[15] = "store/AMO page fault",
};

static const char *const reg_names[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
	"s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
	"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

void trap_init(void)
{
	/* direct mode: the low two bits of stvec are 0 */
	csr_write(stvec, (uintptr_t)trap_vector);
}

bool in_interrupt(void)
{
	return irq_depth != 0;
}

uint64_t trap_count_external(void)
{
	return n_external;
}

uint64_t trap_count_timer(void)
{
	return n_timer;
}

static void dump_registers(const struct trap_frame *tf)
{
	for (int i = 1; i < 32; i++) {
		kprintf("  %-4s %016lx", reg_names[i], (unsigned long)tf->x[i]);
		if (i % 4 == 0 || i == 31)
			kprintf("\n");
	}
	kprintf("  sstatus %016lx\n", (unsigned long)tf->sstatus);
}

static void handle_exception(struct trap_frame *tf)
{
	uint64_t code = tf->scause;
	const char *name = NULL;

	if (code < sizeof(exception_names) / sizeof(exception_names[0]))
		name = exception_names[code];
	kprintf("\nexception %lu (%s) at sepc %016lx, stval %016lx\n",
		(unsigned long)code, name ? name : "reserved",
		(unsigned long)tf->sepc, (unsigned long)tf->stval);
	dump_registers(tf);
	panic("unexpected exception: %s at 0x%lx",
	      name ? name : "reserved", (unsigned long)tf->sepc);
}

void trap_handler(struct trap_frame *tf)
{
	if (!(tf->scause & SCAUSE_INTERRUPT)) {
		handle_exception(tf);
		return;
	}

	irq_depth++;
	switch (tf->scause & ~SCAUSE_INTERRUPT) {
	case IRQ_S_EXT:
		n_external++;
		irq_handle_external();
		break;
	case IRQ_S_TIMER:
		n_timer++;
		timer_handle_interrupt();
		break;
	case IRQ_S_SOFT:
		/* nobody sends IPIs to this hart; clear it so it cannot storm */
		csr_clear(sip, SIE_SSIE);
		break;
	default:
		kprintf("trap: ignoring unknown interrupt %lu\n",
			(unsigned long)(tf->scause & ~SCAUSE_INTERRUPT));
		break;
	}
	irq_depth--;
}
