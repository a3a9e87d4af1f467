/*
 * What the console driver's two files share: console.c (bring-up, ports,
 * the data queues) and console_ctrl.c (the multiport control protocol).
 * Not a public header.
 */
#ifndef VIRTIO_CONSOLE_INTERNAL_H
#define VIRTIO_CONSOLE_INTERNAL_H

#include "virtio/console.h"

#define CTRL_BYTES sizeof(struct virtio_console_control)

/* console.c */
void vcon_report(struct vcon *c, struct vcon_port *p, enum vcon_event ev);
/* A device-writable buffer into a receive queue (§5.3.6.1); kick later. */
int vcon_post_rx(struct virtq *vq, uint8_t *buf, uint32_t len);
/* The device added port p: fresh state, VCON_EV_ADDED. */
void vcon_port_add(struct vcon *c, struct vcon_port *p);
/* The device removed port p: its used buffers taken first, then
 * VCON_EV_REMOVED; false when the device broke a rule meanwhile. */
bool vcon_port_remove(struct vcon *c, struct vcon_port *p);
void vcon_copy(void *dst, const void *src, size_t n);

/* console_ctrl.c */
/* Queue one driver-to-device message and hand what fits to the device. */
void vcon_send_ctrl(struct vcon *c, uint32_t id, uint16_t event, uint16_t value);
/* Hand backlogged messages to the device while transmit slots are free. */
void vcon_flush_ctrl(struct vcon *c);
/* The control queues' done() callbacks (driver.h). */
void vcon_ctrl_rx_done(void *ctx, void *token, uint32_t len, int status);
void vcon_ctrl_tx_done(void *ctx, void *token, uint32_t len, int status);

#endif
