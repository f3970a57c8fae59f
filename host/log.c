/* log: see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

/* The sink's level: written at start-up, read by every thread. */
static volatile enum log_level sink_level = LOG_INFO;

void log_set_level(enum log_level level)
{
	sink_level = level;
}

enum log_level log_get_level(void)
{
	return sink_level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const tags[] = {
		[LOG_ERROR] = "error: ", [LOG_WARN] = "warning: ",
		[LOG_INFO] = "", [LOG_DEBUG] = "debug: ",
	};
	char line[2048];
	struct tm tm;
	time_t now;
	va_list ap;
	int n;

	if (level > sink_level)
		return;
	now = time(NULL);
	localtime_r(&now, &tm);
	n = (int)strftime(line, sizeof(line), "[%Y-%m-%d %H:%M:%S] ", &tm);
	n += snprintf(line + n, sizeof(line) - (size_t)n, "%s", tags[level]);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* One write(2) per line, so lines from threads never interleave. */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}
