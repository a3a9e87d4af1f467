/*
 * The network-device registry (see netdev.h).
 */
#include "kernel/net/netdev.h"

#include "lib/kstring.h"
#include "lib/printf.h"

static struct netdev *devs[NETDEV_MAX];
static unsigned ndevs;

int netdev_register(struct netdev *dev)
{
	if (ndevs == NETDEV_MAX)
		return -1;
	ksnprintf(dev->name, sizeof(dev->name), "net%u", ndevs);
	devs[ndevs++] = dev;
	return 0;
}

unsigned netdev_count(void)
{
	return ndevs;
}

struct netdev *netdev_get(unsigned i)
{
	return i < ndevs ? devs[i] : NULL;
}

struct netdev *netdev_find(const char *name)
{
	for (unsigned i = 0; i < ndevs; i++)
		if (strcmp(devs[i]->name, name) == 0)
			return devs[i];
	return NULL;
}
