/*
 * The kernel's address space: Sv39 page tables built once at boot, never
 * changed afterwards (see paging.c for what is mapped where).
 *
 * Everything the kernel touches by address is identity-mapped (its image,
 * the device tree blob, every device register window), except the DMA pool,
 * which the CPU sees only at its virtual window (dma.h): so a device must
 * always be given dma_addr(p), never p.
 */
#ifndef KERNEL_PAGING_H
#define KERNEL_PAGING_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Builds the tables from the device tree (dt_info()), the linker's image
 * symbols and the pool (dma_init() has run) and turns translation on.
 * Panics when a range cannot be mapped (beyond Sv39's reach, overlapping,
 * more tables than reserved) or the hart has no Sv39.
 */
void paging_init(void);

/* Page-table pages in use (for the banner). */
unsigned paging_tables_used(void);

/* PTE permission bits, as paging_lookup() reports them. */
#define PAGING_R (1u << 1)
#define PAGING_W (1u << 2)
#define PAGING_X (1u << 3)

/*
 * Walks the tables in software: the physical address va translates to and
 * its PAGING_* permissions.  False when va is not mapped.  For the
 * self-test, which checks that the CPU's view of the pool and dma_addr()
 * agree.
 */
bool paging_lookup(uintptr_t va, uint64_t *pa, unsigned *perm);

#endif
