/* device: the driver table and open/close by name; see device.h. */
#include "device.h"

#include <string.h>

#include "err.h"

static const struct device_ops *const drivers[] = {
	&device_cpu_ops,
	&device_sim_ops,
	&device_serial_ops,
	&device_ftdi_ops,
	NULL,
};

int device_open(struct device *dev, const char *spec,
		const struct device_config *cfg, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);

	memset(dev, 0, sizeof(*dev));
	for (int i = 0; drivers[i]; i++) {
		if (strlen(drivers[i]->name) != len || strncmp(drivers[i]->name, spec, len))
			continue;
		dev->ops = drivers[i];
		if (dev->ops->open(dev, colon ? colon + 1 : "", cfg, err, errlen)) {
			dev->ops = NULL;
			return -1;
		}
		return 0;
	}
	return errf(err, errlen, "unknown device \"%.*s\" (known: cpu, sim[:SHAPE], serial:PATH[@BAUD], "
		    "ftdi[:SELECTOR])", (int)len, spec);
}

void device_close(struct device *dev)
{
	if (dev->ops)
		dev->ops->close(dev);
	dev->ops = NULL;
}
