# The VirtIO library for an embedder's Makefile:
#   VIRTIO_DIR := path/to/drivers/virtio
#   include $(VIRTIO_DIR)/virtio.mk
#   CFLAGS += $(VIRTIO_INCLUDES)      # and -DVIRTIO_PLATFORM_HEADER=... if needed
#   OBJS   += $(VIRTIO_SRCS:.c=.o)
VIRTIO_DIR ?= drivers/virtio
# The one list of sources (CMakeLists.txt reads this line too).
VIRTIO_SRC_NAMES := errors.c device.c mmio.c pci.c virtq.c virtq_split.c virtq_packed.c blk.c blk_sync.c rng.c
VIRTIO_SRCS := $(addprefix $(VIRTIO_DIR)/,$(VIRTIO_SRC_NAMES))
VIRTIO_INCLUDES := -I$(VIRTIO_DIR)/include
