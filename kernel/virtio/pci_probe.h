/*
 * virtio-pci devices for the kernel: enumerate PCI (kernel/pci/pci.c), hand
 * every virtio function to the library's modern transport
 * (drivers/virtio/transport/pci.c) and attach it like an mmio one (virtio_attach).
 */
#ifndef KERNEL_VIRTIO_PCI_PROBE_H
#define KERNEL_VIRTIO_PCI_PROBE_H

/* Called once, at the end of virtio_probe_all(); prints one line per
 * virtio function it cannot use ("legacy-only virtio-pci device not
 * supported", no INTx route, library errors). */
void virtio_pci_probe_all(void);

#endif
