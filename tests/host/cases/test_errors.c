/* Every error code has its own message, and unknown values say so. */
#include <string.h>

#include "harness/unit.h"
#include "virtio/errors.h"

TEST(errors_each_code_has_a_distinct_message)
{
	const char *seen[32] = { 0 };
	for (int e = VIRTIO_OK; e >= VIRTIO_EDEAD; e--) {
		const char *m = virtio_strerror(e);
		CHECK_MSG(m && strcmp(m, "unknown error") != 0, "code %d has no message", e);
		for (int j = 0; j < -e; j++)
			CHECK_MSG(strcmp(seen[j], m) != 0, "codes %d and %d share \"%s\"", -j, e, m);
		seen[-e] = m;
	}
	CHECK(strcmp(virtio_strerror(VIRTIO_EDEAD - 1), "unknown error") == 0);
	CHECK(strcmp(virtio_strerror(1), "unknown error") == 0);
}
