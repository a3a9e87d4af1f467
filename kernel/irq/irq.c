/*
 * The active interrupt controller (see irq.h): the AIA when the device
 * tree has an S-level IMSIC, else the PLIC.
 */
#include "kernel/irq/irq.h"

#include "kernel/irq/aia.h"
#include "kernel/dt/devtree.h"
#include "kernel/irq/plic.h"

static enum { CTRL_NONE, CTRL_PLIC, CTRL_AIA } ctrl;

int irq_init(uint32_t hart)
{
	const struct dt_info *dt = dt_info();

	if (dt->has_aia && aia_init(dt, hart) == 0) {
		ctrl = CTRL_AIA;
		return 0;
	}
	if (dt->has_plic) {
		plic_init(dt->plic_base, dt->plic_ndev, hart);
		ctrl = CTRL_PLIC;
		return 0;
	}
	return -1;
}

const char *irq_controller_name(void)
{
	return ctrl == CTRL_AIA ? "aia" : ctrl == CTRL_PLIC ? "plic" : "none";
}

int irq_register(uint32_t irq, void (*handler)(void *ctx), void *ctx)
{
	switch (ctrl) {
	case CTRL_AIA:
		return aia_register(irq, handler, ctx);
	case CTRL_PLIC:
		if (IRQ_IS_MSI(irq))
			return IRQ_EINVAL;
		return plic_register(irq, handler, ctx);
	default:
		return IRQ_ENODEV;
	}
}

void irq_unregister(uint32_t irq)
{
	if (ctrl == CTRL_AIA)
		aia_unregister(irq);
	else if (ctrl == CTRL_PLIC && !IRQ_IS_MSI(irq))
		plic_unregister(irq);
}

void irq_handle_external(void)
{
	if (ctrl == CTRL_AIA)
		aia_handle_interrupt();
	else if (ctrl == CTRL_PLIC)
		plic_handle_interrupt();
}

uint64_t irq_count(uint32_t irq)
{
	if (ctrl == CTRL_AIA)
		return aia_irq_count(irq);
	if (ctrl == CTRL_PLIC && !IRQ_IS_MSI(irq))
		return plic_irq_count(irq);
	return 0;
}

bool irq_has_msi(void)
{
	return ctrl == CTRL_AIA;
}

int irq_msi_alloc(uint32_t *irq, uint64_t *addr, uint32_t *data)
{
	return ctrl == CTRL_AIA ? aia_msi_alloc(irq, addr, data) : IRQ_ENODEV;
}
