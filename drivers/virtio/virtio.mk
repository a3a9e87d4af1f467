# The VirtIO library for an embedder's Makefile:
#   VIRTIO_DIR := path/to/drivers/virtio
#   include $(VIRTIO_DIR)/virtio.mk
#   CFLAGS += $(VIRTIO_INCLUDES)      # and -DVIRTIO_PLATFORM_HEADER=... if needed
#   OBJS   += $(VIRTIO_SRCS:.c=.o)
VIRTIO_DIR ?= drivers/virtio
# The one list of sources (CMakeLists.txt reads this line too).
VIRTIO_SRC_NAMES := core/errors.c core/device.c core/virtq.c core/virtq_split.c core/virtq_packed.c transport/mmio.c transport/pci.c devices/blk.c devices/blk_sync.c devices/rng.c devices/console.c
VIRTIO_SRCS := $(addprefix $(VIRTIO_DIR)/,$(VIRTIO_SRC_NAMES))
VIRTIO_INCLUDES := -I$(VIRTIO_DIR)/include
