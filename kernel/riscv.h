/*
 * RISC-V supervisor-mode CSR access and interrupt masking.
 *
 * Only the bits this kernel uses are named.  The interrupt helpers follow
 * one rule that the whole kernel relies on to avoid lost wake-ups: check a
 * condition with sstatus.SIE clear, then wfi (a pending interrupt that is
 * enabled in `sie` still wakes the hart with SIE clear), then set SIE to
 * let the handler run.  See wait_for_interrupt_until() in timer.h.
 */
#ifndef KERNEL_RISCV_H
#define KERNEL_RISCV_H

#include <stdbool.h>
#include <stdint.h>

#define SSTATUS_SIE  (1UL << 1)
#define SSTATUS_SPIE (1UL << 5)
#define SSTATUS_SPP  (1UL << 8)
#define SSTATUS_FS_INITIAL (1UL << 13)

/* bit numbers shared by sie, sip and scause (interrupt causes) */
#define IRQ_S_SOFT  1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT   9
#define SIE_SSIE (1UL << IRQ_S_SOFT)
#define SIE_STIE (1UL << IRQ_S_TIMER)
#define SIE_SEIE (1UL << IRQ_S_EXT)

#define SCAUSE_INTERRUPT (1UL << 63)

#define csr_read(csr) ({                                            \
	unsigned long v_;                                           \
	__asm__ __volatile__("csrr %0, " #csr : "=r"(v_) :: "memory"); \
	v_; })
#define csr_write(csr, val) \
	__asm__ __volatile__("csrw " #csr ", %0" :: "rK"(val) : "memory")
#define csr_set(csr, bits) \
	__asm__ __volatile__("csrs " #csr ", %0" :: "rK"(bits) : "memory")
#define csr_clear(csr, bits) \
	__asm__ __volatile__("csrc " #csr ", %0" :: "rK"(bits) : "memory")

static inline bool intr_enabled(void)
{
	return (csr_read(sstatus) & SSTATUS_SIE) != 0;
}

static inline void intr_on(void)
{
	csr_set(sstatus, SSTATUS_SIE);
}

static inline void intr_off(void)
{
	csr_clear(sstatus, SSTATUS_SIE);
}

/* Masks interrupts and returns the previous state for intr_restore(). */
static inline unsigned long intr_save(void)
{
	unsigned long old;

	/* Already masked (e.g. in an interrupt handler): no CSR write, which
	 * under emulation also ends the translated block. */
	if (!(csr_read(sstatus) & SSTATUS_SIE))
		return 0;
	__asm__ __volatile__("csrrc %0, sstatus, %1"
			     : "=r"(old) : "r"(SSTATUS_SIE) : "memory");
	return old & SSTATUS_SIE;
}

static inline void intr_restore(unsigned long saved)
{
	if (saved & SSTATUS_SIE)
		intr_on();
}

static inline void wfi(void)
{
	__asm__ __volatile__("wfi" ::: "memory");
}

static inline uint64_t rdtime(void)
{
	uint64_t t;

	__asm__ __volatile__("rdtime %0" : "=r"(t));
	return t;
}

#endif
