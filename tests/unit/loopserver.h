/*
 * loopserver: test support for tests that need a peer on the loopback: a
 * server thread in the test process on 127.0.0.1 or ::1 (port 0: any free
 * port) that accepts one connection and runs a script on it, over plain
 * TCP or TLS (an mbedTLS server with the given certificate). The thread
 * never asserts: it records what it received, and the test checks after
 * server_stop(). Servers live on the heap, so a failed assertion leaves a
 * thread that ends on its own 5 s socket timeouts.
 */
#ifndef PIPEMINER_LOOPSERVER_H
#define PIPEMINER_LOOPSERVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mbedtls/ssl.h>

struct server;
typedef void server_script(struct server *s);

struct server {
	int lfd;                    /* listening socket */
	unsigned port;
	pthread_t thread;
	server_script *script;      /* what to do with the accepted connection */
	char cert[128], key[128];   /* serve TLS with these files when cert[0] */
	const char *payload;        /* text some scripts send */
	size_t payload_len;
	int fd;                     /* the accepted connection (thread only) */
	mbedtls_ssl_context *ssl;   /* its TLS context, NULL for plain (thread only) */
	/* Results, for the main thread after server_stop(). */
	bool accepted;
	int tls_ret;                /* the server's handshake result, 0 when done */
	char got[4096];             /* the first bytes received, NUL-terminated */
	size_t got_total;           /* all bytes received */
	uint64_t got_hash;          /* FNV-1a of all bytes received */
};


#define FNV_START 0xcbf29ce484222325ull

uint64_t fnv(uint64_t h, const void *p, size_t n);
bool srv_send(struct server *s, const char *p, size_t len);
long srv_recv(struct server *s, char *buf, size_t len);
bool srv_recv_line(struct server *s, char *line, size_t cap);
void srv_wait_close(struct server *s);
void script_echo(struct server *s);
void script_send(struct server *s);
void script_trickle(struct server *s);
void script_send_close(struct server *s);
void script_send_two(struct server *s);
void script_drain(struct server *s);
int listen_loopback(int family, unsigned *port);
struct server *server_start(int family, server_script *script, const char *cert, const char *key, const char *payload, size_t payload_len);
void server_stop(struct server *s);

#endif
