/*
 * What a board gives the example program (read_sector.c): where its
 * virtio-mmio slots are, a console, and a way to stop with a verdict.
 * Each examples/<board>/ directory implements it next to its start code.
 */
#ifndef EXAMPLE_BOARD_H
#define EXAMPLE_BOARD_H
#include <stdint.h>

struct board {
	const char *name;      /* prefix of every console line */
	uintptr_t mmio_base;   /* virtio-mmio slot 0 */
	uintptr_t mmio_stride; /* bytes between slots */
	int mmio_slots;
};
extern const struct board board;

void board_putc(char c);
/* Ends the run; the host sees `failed` as QEMU's exit status. */
_Noreturn void board_exit(int failed);

/* The hooks' VIRTIO_LOG: prints the format with its arguments left out. */
void example_log(const char *fmt, ...);
#endif
