/*
 * kmain: brings the machine up in dependency order, then hands over to
 * the self-test (bootargs contain the word "selftest") or the shell.
 *
 *   console (early UART) -> trap vector -> device tree -> real UART ->
 *   DMA pool -> paging -> PLIC, timer -> interrupts on -> park the
 *   other harts -> drivers (virtio) -> selftest or shell (on the console
 *   port that console=hvcN names, once it is up)
 *
 * The trap vector goes in before the device tree is parsed so that even a
 * fault while reading a bad blob prints something useful.  Paging comes as
 * soon as the device tree and the pool say what to map; everything before
 * it runs on physical addresses, as OpenSBI left the hart.
 */
#include "drivers/uart/ns16550.h"
#include "kernel/boot.h"
#include "kernel/boottime.h"
#include "kernel/conin.h"
#include "kernel/console/terminal.h"
#include "kernel/dt/devtree.h"
#include "kernel/dma.h"
#include "kernel/exit.h"
#include "kernel/harts.h"
#include "kernel/input/input.h"
#include "kernel/paging.h"
#include "kernel/panic.h"
#include "kernel/irq/irq.h"
#include "kernel/net/iface.h"
#include "kernel/riscv.h"
#include "kernel/selftest/selftest.h"
#include "kernel/shell/shell.h"
#include "kernel/selftest/soak.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/virtio/virtio.h"
#include "lib/printf.h"

/* console=hvcN: how long the shell waits at boot for that port to appear */
#define CONSOLE_WAIT_MS 2000

__attribute__((noreturn)) void kmain(unsigned long hartid, const void *dtb);

/* A UART without a receive interrupt is polled by the console reader. */
static void uart_poll(void)
{
	uart_irq_handler(NULL);
}

/* The RAM after the kernel image; with the boot argument dma=high only
 * what lies at or above 4 GiB, so that every ring and buffer needs a
 * 64-bit DMA address (QEMU -m 5G or more). */
static void init_dma_pool(const struct dt_info *dt)
{
	uint64_t ram_end = dt->mem_base + dt->mem_size;
	uint64_t lowest = 0;

	if (dt_bootargs_has("dma=high")) {
		if (ram_end > DMA_HIGH_FLOOR)
			lowest = DMA_HIGH_FLOOR;
		else
			kprintf("dma=high: no RAM at or above 4 GiB (it ends at 0x%lx); "
				"the pool stays below\n", (unsigned long)ram_end);
	}
	dma_init((uintptr_t)_end, ram_end, dt->reserved, dt->n_reserved, lowest);
}

void kmain(unsigned long hartid, const void *dtb)
{
	char err[160];

	/* until the device tree says otherwise, QEMU virt's UART, unprogrammed;
	 * what it receives is one source of console input (the terminal
	 * detaches it while the shell is on a console port) */
	term_init();
	trap_init();
	/* The rest of the machine summary is the `sysinfo` command: every byte
	 * on the UART costs the boot 3-5 us under QEMU (kernel/shell/sysinfo.c). */
	kprintf("\n");
	sysinfo_print_kernel(dtb);

	if (devtree_init(dtb, err, sizeof(err)) < 0)
		panic("cannot use the device tree at %p: %s", dtb, err);
	const struct dt_info *dt = dt_info();
	term_configure(dt->bootargs);
	boottime_mark("device tree");

	/* set up the exit path first: a selftest boot must never hang */
	qemu_exit_init(dt->has_test_dev ? dt->test_dev_base : 0);
	bool selftest = dt_bootargs_has("selftest");
	panic_set_exit_qemu(selftest);

	if (dt->has_uart)
		uart_init((uintptr_t)dt->uart_base, dt->uart_reg_shift,
			  dt->uart_reg_io_width, dt->uart_clock_hz);
	init_dma_pool(dt);
	paging_init();
	boottime_mark("uart, dma pool, paging");
	if (irq_init((uint32_t)hartid) < 0)
		panic("no interrupt controller (a PLIC, or an S-level IMSIC) in the device tree");
	timer_init(dt->timebase_hz);
	boottime_mark("irq, timer");
	sysinfo_print_boot();
	boottime_mark("banner");

	if (dt->has_uart && dt->uart_irq &&
	    irq_register(dt->uart_irq, uart_irq_handler, NULL) == 0) {
		uart_enable_rx_interrupt();
	} else {
		kprintf("uart: no receive interrupt; the shell will poll\n");
		conin_add_poller(uart_poll);
	}

	csr_set(sie, SIE_SEIE); /* SIE_STIE: the timer's, while armed */
	intr_on();
	if (dt->n_harts > 1) /* one hart: nothing to park, nothing to wait for */
		harts_park_others();
	boottime_mark("other harts parked");

	input_keyboard_attach(); /* keyboards type into the shell, next to the UART */
	virtio_probe_all();
	boottime_mark("pci");
	net_init(); /* the network stack on every interface found */
	boottime_mark("network");
	/* The panic path, on demand: its output reaches the UART and every
	 * console device's emergency write (tests/qemu/console.py). */
	if (dt_bootargs_has("panic"))
		panic("the boot argument 'panic' asked for it");

	if (dt_bootargs_has("soak-write") || dt_bootargs_has("soak-verify")) {
		bool write = dt_bootargs_has("soak-write");
		int failed = soak_run(write);
		/* After the flush the host pulls the plug (kills QEMU); if it
		 * never does, say so rather than wait forever. */
		for (int i = 0; write && !failed && i < 60; i++)
			sleep_ms(1000);
		qemu_exit(failed ? 1 : write ? 3 : 0);
	}
	if (selftest) {
		int failed = selftest_run_all();
		kprintf("selftest: exiting QEMU with status %d\n", failed ? 1 : 0);
		qemu_exit(failed ? 1 : 0);
	}
	term_wait_console(CONSOLE_WAIT_MS);
	boottime_mark("console");
	boottime_report();
	shell_run();
}
