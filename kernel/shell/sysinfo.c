/*
 * `sysinfo`: the machine as the kernel found it at boot (memory, image,
 * device tree, harts, timer, UART, interrupt controller, device windows,
 * page tables, DMA pool, bootargs, PCI functions).
 *
 * The boot itself prints only the first line and the interrupt
 * controller and DMA pool lines (the tests match those): under QEMU each
 * byte on the UART is an exit and a write(2) to the host's terminal, 3-5
 * us apiece, and the whole summary before the prompt was a fifth of the
 * boot time (issue 14).
 */
#include "kernel/boot.h"
#include "kernel/dma.h"
#include "kernel/dt/devtree.h"
#include "kernel/irq/irq.h"
#include "kernel/paging.h"
#include "kernel/pci/pci.h"
#include "kernel/shell/shell.h"
#include "kernel/shell/shell_priv.h"

#define STR_(x) #x
#define STR(x) STR_(x)
#ifdef __clang__
#define COMPILER "clang " STR(__clang_major__) "." STR(__clang_minor__) "." STR(__clang_patchlevel__)
#else
#define COMPILER "gcc " __VERSION__
#endif

void sysinfo_print_kernel(const void *dtb)
{
	kprintf("vdisk kernel (%s), boot hart %lu, device tree at %p\n", COMPILER, boot_hartid,
		dtb);
}

void sysinfo_print_boot(void)
{
	size_t total;

	dma_usage(NULL, &total);
	kprintf("  irq       %s\n", irq_controller_name());
	kprintf("  dma pool  0x%lx..0x%lx (%lu MiB), virtual 0x%lx\n",
		(unsigned long)dma_pool_start(), (unsigned long)dma_pool_end(),
		(unsigned long)(total >> 20), (unsigned long)dma_pool_virt());
}

static void print_devices(const struct dt_info *dt)
{
	kprintf("  uart      0x%lx irq %u\n", (unsigned long)dt->uart_base, dt->uart_irq);
	if (dt->has_plic)
		kprintf("  plic      0x%lx, %u sources\n", (unsigned long)dt->plic_base,
			dt->plic_ndev);
	if (dt->has_aia)
		kprintf("  aia       imsic 0x%lx (%u ids), aplic 0x%lx (%u sources)\n",
			(unsigned long)dt->imsic_base, dt->imsic_num_ids,
			(unsigned long)dt->aplic_base, dt->aplic_nsources);
	kprintf("  virtio    %u mmio slots", dt->n_virtio_mmio);
	if (dt->n_virtio_mmio)
		kprintf(" at 0x%lx..0x%lx", (unsigned long)dt->virtio_mmio[0].base,
			(unsigned long)dt->virtio_mmio[dt->n_virtio_mmio - 1].base);
	kprintf("\n");
	if (dt->pci.present)
		kprintf("  pci       ecam 0x%lx (%lu MiB), buses %u..%u, %u ranges, %u irq map entries\n",
			(unsigned long)dt->pci.ecam_base, (unsigned long)(dt->pci.ecam_size >> 20),
			dt->pci.bus_start, dt->pci.bus_end, dt->pci.n_ranges, dt->pci.n_irq_map);
}

void shell_cmd_sysinfo(int argc, const struct shell_arg *argv)
{
	const struct dt_info *dt = dt_info();

	(void)argc;
	(void)argv;
	sysinfo_print_kernel((const void *)(uintptr_t)dt->dtb_base);
	kprintf("  memory    0x%lx..0x%lx (%lu MiB)\n", (unsigned long)dt->mem_base,
		(unsigned long)(dt->mem_base + dt->mem_size),
		(unsigned long)(dt->mem_size >> 20));
	kprintf("  kernel    0x%lx..0x%lx (%lu KiB)\n", (unsigned long)_start,
		(unsigned long)_end, (unsigned long)(((uintptr_t)_end - (uintptr_t)_start) >> 10));
	kprintf("  dtb       0x%lx (%lu bytes)\n", (unsigned long)dt->dtb_base,
		(unsigned long)dt->dtb_size);
	kprintf("  harts     %u (the kernel runs on hart %lu; the others park)\n", dt->n_harts,
		boot_hartid);
	kprintf("  timebase  %lu Hz\n", (unsigned long)dt->timebase_hz);
	print_devices(dt);
	kprintf("  paging    sv39, %u page-table pages\n", paging_tables_used());
	sysinfo_print_boot();
	kprintf("  bootargs  \"%s\"%s\n", dt->bootargs, dt->bootargs_truncated ? " (truncated)" : "");
	pci_print_all();
}
