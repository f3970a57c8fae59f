/*
 * log: the daemon's log sink. One line per event on stderr, prefixed with
 * the local time ("[2026-11-24 08:01:02] "); the status line and summary are
 * printed by their owners. The sink's level is the one mutable global the
 * house style allows besides the stop flag.
 */
#ifndef PIPEMINER_LOG_H
#define PIPEMINER_LOG_H

enum log_level {
	LOG_ERROR,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,    /* every Stratum line in and out (--debug) */
};

/* Lines above this level are dropped (default LOG_INFO). */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* printf-style; the newline is added. Thread-safe (one write per line). */
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
