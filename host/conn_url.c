/*
 * conn_url: conn_parse_url() (see conn.h), kept apart from the socket code.
 *
 * Grammar accepted:
 *   [SCHEME "://"] HOST ":" PORT ["/"]
 *   SCHEME  stratum+tcp | stratum+ssl | stratum+tls | stratum+tcps (any case);
 *           absent means stratum+tcp, as cgminer does
 *   HOST    a name or IPv4 address ([A-Za-z0-9._-]), or "[" IPv6 "]"
 *           (hex digits, ':' and '.', and a "%zone" suffix)
 *   PORT    1..65535 in decimal, required
 */
#include "conn.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct url_scheme {
	const char *name;
	bool tls;
};

static const struct url_scheme url_schemes[] = {
	{ "stratum+tcp", false },
	{ "stratum+ssl", true },
	{ "stratum+tls", true },
	{ "stratum+tcps", true },
};

/*
 * Sets u->tls from the scheme in front of "://" (if any) and returns the
 * text after it, or NULL with err for a scheme not in url_schemes.
 */
static const char *url_scheme(const char *url, struct conn_url *u, char *err,
			      size_t errlen)
{
	const char *sep = strstr(url, "://");
	size_t n;

	u->tls = false;
	if (!sep)
		return url;
	n = (size_t)(sep - url);
	for (size_t i = 0; i < sizeof(url_schemes) / sizeof(url_schemes[0]); i++) {
		if (strlen(url_schemes[i].name) == n &&
		    !strncasecmp(url, url_schemes[i].name, n)) {
			u->tls = url_schemes[i].tls;
			return sep + 3;
		}
	}
	errf(err, errlen, "unknown scheme \"%.*s\" (use stratum+tcp:// or stratum+ssl://)",
	     (int)(n > 32 ? 32 : n), url);
	return NULL;
}

/* True when c may appear in a host name or IPv4 address. */
static bool url_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_';
}

/* True when c may appear inside brackets: an IPv6 address and its zone. */
static bool url_ipv6_char(char c)
{
	return isalnum((unsigned char)c) || c == ':' || c == '.' || c == '%' ||
	       c == '_' || c == '-';
}

/*
 * Copies the host at s into u->host and returns the text after it (at the
 * ':' before the port, or wherever the host ended), or NULL with err.
 */
static const char *url_host(const char *s, const char *url, struct conn_url *u,
			    char *err, size_t errlen)
{
	const char *end;
	bool bracket = *s == '[';

	if (bracket) {
		end = strchr(s, ']');
		if (!end) {
			errf(err, errlen, "missing \"]\" after the IPv6 address in \"%s\"", url);
			return NULL;
		}
		s++;
	} else {
		end = s + strcspn(s, ":/");
	}
	for (const char *p = s; p < end; p++) {
		if (!(bracket ? url_ipv6_char(*p) : url_name_char(*p))) {
			errf(err, errlen, "bad character '%c' in the host of \"%s\"", *p, url);
			return NULL;
		}
	}
	if (!bracket && end[0] == ':' && strchr(end + 1, ':')) {
		errf(err, errlen, "IPv6 address without brackets in \"%s\" (write [::1]:3333)",
		     url);
		return NULL;
	}
	if (end == s || (size_t)(end - s) >= sizeof(u->host)) {
		errf(err, errlen, end == s ? "no host in \"%s\"" : "host name too long in \"%s\"",
		     url);
		return NULL;
	}
	memcpy(u->host, s, (size_t)(end - s));
	u->host[end - s] = '\0';
	return bracket ? end + 1 : end;
}

/* Parses ":PORT" with an optional trailing "/" into u->port; 0 or -1 with err. */
static int url_port(const char *s, const char *url, struct conn_url *u, char *err,
		    size_t errlen)
{
	size_t digits;
	unsigned long port;

	if (*s != ':' || !s[1] || s[1] == '/')
		return errf(err, errlen, "no port in \"%s\"", url);
	s++;
	digits = strspn(s, "0123456789");
	if (!digits || digits > 5 || (s[digits] && strcmp(s + digits, "/")))
		return errf(err, errlen, "bad port \"%s\"", s);
	port = strtoul(s, NULL, 10);
	if (port < 1 || port > 65535)
		return errf(err, errlen, "bad port \"%.*s\"", (int)digits, s);
	u->port = (unsigned)port;
	return 0;
}

int conn_parse_url(const char *url, struct conn_url *u, char *err, size_t errlen)
{
	struct conn_url out;
	const char *s;

	memset(&out, 0, sizeof(out));
	s = url_scheme(url, &out, err, errlen);
	if (!s)
		return -1;
	s = url_host(s, url, &out, err, errlen);
	if (!s || url_port(s, url, &out, err, errlen) < 0)
		return -1;
	*u = out;
	return 0;
}
