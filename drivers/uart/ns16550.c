/*
 * NS16550A driver (see ns16550.h).  Register numbers are the classic
 * 16550 ones; their byte offsets are scaled by reg-shift.
 *
 * Received bytes are not buffered here: each goes straight to the
 * receiver the kernel named (its console input queue).
 */
#include "drivers/uart/ns16550.h"
#include "kernel/mmio.h"
#include "kernel/riscv.h"

#define RBR 0 /* receive buffer (read) */
#define THR 0 /* transmit holding (write) */
#define DLL 0 /* divisor low (DLAB=1) */
#define IER 1 /* interrupt enable */
#define DLM 1 /* divisor high (DLAB=1) */
#define FCR 2 /* FIFO control (write) */
#define IIR 2 /* interrupt identification (read) */
#define LCR 3 /* line control */
#define MCR 4 /* modem control */
#define LSR 5 /* line status */

#define IER_RDA   0x01 /* received data available */
#define FCR_ENABLE 0x01 /* FIFOs on; not cleared, to keep typed-ahead input */
#define LCR_8N1   0x03
#define LCR_DLAB  0x80
#define MCR_DTR_RTS_OUT2 0x0b /* OUT2 gates the IRQ line on PC-style boards */
#define LSR_DR    0x01 /* data ready */
#define LSR_THRE  0x20 /* transmit holding register empty */
#define IIR_FIFOS 0xc0 /* both set: the FIFOs are on (a 16550A) */
#define TX_FIFO   16   /* a 16550A's transmit FIFO */

#define BAUD 115200
/* A real UART empties THR in ~90 us at 115200; far more polls than that
 * means the device is gone, and the console must never hang the kernel. */
#define TX_SPIN_LIMIT 1000000

static uintptr_t base = UART_EARLY_BASE;
static uint32_t shift;
static uint32_t width = 1;

static void (*receiver)(char c);

/* Bytes THR takes each time LSR says THRE: with the FIFOs on, THRE means
 * the whole transmit FIFO is empty.  Under QEMU each LSR read is an exit
 * that costs about as much as a third of the byte's own write, so one
 * read per FIFO-full rather than per byte. */
static unsigned tx_burst; /* 0: not yet known (the early UART, as the firmware left it) */
static unsigned tx_room;  /* bytes that may still go before LSR is read again */

static void rx_pull(void);

static uint8_t reg_read(unsigned reg)
{
	uintptr_t a = base + ((uintptr_t)reg << shift);

	return width == 4 ? (uint8_t)mmio_read32(a) : mmio_read8(a);
}

/* An 8250/16450 has no FIFO: IIR's top bits stay clear. */
static unsigned fifo_depth(void)
{
	return (reg_read(IIR) & IIR_FIFOS) == IIR_FIFOS ? TX_FIFO : 1;
}

static void reg_write(unsigned reg, uint8_t v)
{
	uintptr_t a = base + ((uintptr_t)reg << shift);

	if (width == 4)
		mmio_write32(a, v);
	else
		mmio_write8(a, v);
}

void uart_init(uintptr_t b, uint32_t reg_shift, uint32_t io_width, uint32_t clock_hz)
{
	base = b;
	shift = reg_shift;
	width = io_width == 4 ? 4 : 1;

	reg_write(IER, 0);
	/* turning the FIFO on empties it: save what was typed ahead first */
	rx_pull();
	if (clock_hz) {
		uint32_t div = clock_hz / (16 * BAUD);
		if (div == 0)
			div = 1;
		reg_write(LCR, LCR_DLAB);
		reg_write(DLL, div & 0xff);
		reg_write(DLM, (div >> 8) & 0xff);
	}
	reg_write(LCR, LCR_8N1);
	reg_write(FCR, FCR_ENABLE);
	tx_burst = fifo_depth();
	tx_room = 0;
	reg_write(MCR, MCR_DTR_RTS_OUT2);
}

void uart_enable_rx_interrupt(void)
{
	/* bytes typed ahead stay in the FIFO and raise the interrupt at once */
	reg_write(IER, IER_RDA);
}

void uart_set_receiver(void (*fn)(char c))
{
	receiver = fn;
}

/* Hands received bytes to the receiver (dropped while there is none). */
static void rx_pull(void)
{
	/* reading RBR until the FIFO is empty also clears the interrupt */
	while (reg_read(LSR) & LSR_DR) {
		char c = (char)reg_read(RBR);
		if (receiver)
			receiver(c);
	}
}

void uart_irq_handler(void *ctx)
{
	(void)ctx;
	rx_pull();
}

/*
 * Reading THRE, counting the room it promises and using it happen with
 * interrupts masked, so that a handler printing in between (its bytes go
 * into the same FIFO) keeps the count right; between polls they are let in.
 */
void uart_putc_raw(char c)
{
	unsigned long s = intr_save();

	for (int i = 0; tx_room == 0; i++) {
		if ((reg_read(LSR) & LSR_THRE) || i == TX_SPIN_LIMIT) {
			if (!tx_burst)
				tx_burst = fifo_depth();
			tx_room = i == TX_SPIN_LIMIT ? 1 : tx_burst;
			break;
		}
		intr_restore(s);
		s = intr_save();
	}
	tx_room--;
	reg_write(THR, (uint8_t)c);
	intr_restore(s);
}

void uart_putc(char c)
{
	if (c == '\n')
		uart_putc_raw('\r');
	uart_putc_raw(c);
}
