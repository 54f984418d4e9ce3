// SPDX-License-Identifier: GPL-2.0
/*
 * SRTP benchmark (not a test): the cost per packet of protect+send and of
 * recv+unprotect over loopback UDP, with ucphone-srtp.ko in the kernel
 * against libsrtp2 plus sendmsg/recvmsg in userspace, at 172 bytes (G.711,
 * 20 ms) and 1200 bytes; plus plain send/recv (no SRTP) and the bare crypto
 * of the same bytes (OpenSSL AES-128-CTR + HMAC-SHA1) as the floors. One
 * table, ratios side by side, all from the same run. Needs root and the
 * module (tests/bench/srtp/run-vm.sh runs it in the test VM).
 *
 * Every timed loop sends one datagram and receives it, so both columns pay
 * the same loopback and syscall costs and differ by where SRTP runs.
 */
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/ucphone.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <srtp2/srtp.h>

#include "nltest.h"

#define PACKETS 400
/* Best of ROUNDS per cell: the VM shares its CPUs, noise only adds. */
#define ROUNDS 25
#define TAG 10

static const uint8_t keysalt[30] = {
	0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0, 0xd6, 0x4f, 0xa3, 0x2c,
	0x06, 0xde, 0x41, 0x39, 0x0e, 0xc6, 0x75, 0xad, 0x49, 0x8a, 0xfe, 0xeb,
	0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6,
};

static uint16_t family;
static int nl;

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "srtp_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void udp_pair(int fds[2])
{
	struct sockaddr_in addr[2];
	socklen_t len = sizeof(addr[0]);
	int i, size = 4 << 20;

	for (i = 0; i < 2; i++) {
		fds[i] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		memset(&addr[i], 0, sizeof(addr[i]));
		addr[i].sin_family = AF_INET;
		addr[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (fds[i] < 0 || bind(fds[i], (void *)&addr[i], sizeof(addr[i])) ||
		    getsockname(fds[i], (void *)&addr[i], &len))
			die("socket");
		setsockopt(fds[i], SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	}
	if (connect(fds[0], (void *)&addr[1], sizeof(addr[1])) ||
	    connect(fds[1], (void *)&addr[0], sizeof(addr[0])))
		die("connect");
}

static void kernel_session(int fd, uint32_t dir)
{
	static struct nlt_msg msg;
	static struct nlt_reply reply;
	size_t nest;

	nlt_init(&msg, family, UCPHONE_CMD_SRTP_NEW, 0);
	nest = nlt_nest_start(&msg, UCPHONE_A_SRTP);
	nlt_put_u32(&msg, UCPHONE_SRTP_A_FD, fd);
	nlt_put_u32(&msg, UCPHONE_SRTP_A_DIRECTION, dir);
	nlt_put_u32(&msg, UCPHONE_SRTP_A_SUITE, UCPHONE_SRTP_AES_CM_128_HMAC_SHA1_80);
	nlt_put(&msg, UCPHONE_SRTP_A_MASTER_KEY, keysalt, 16);
	nlt_put(&msg, UCPHONE_SRTP_A_MASTER_SALT, keysalt + 16, 14);
	nlt_nest_end(&msg, nest);
	if (nlt_request(nl, &msg, &reply)) {
		fprintf(stderr, "srtp_bench: SRTP_NEW: %s\n", reply.extack);
		exit(1);
	}
}

static srtp_t lib_session(bool inbound)
{
	srtp_policy_t policy;
	srtp_t session;

	memset(&policy, 0, sizeof(policy));
	srtp_crypto_policy_set_rtp_default(&policy.rtp);
	srtp_crypto_policy_set_rtp_default(&policy.rtcp);
	policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
	policy.key = (unsigned char *)keysalt;
	policy.window_size = 128;
	if (srtp_create(&session, &policy) != srtp_err_status_ok)
		die("srtp_create");
	return session;
}

static void make_rtp(uint8_t *buf, uint16_t seq, size_t len)
{
	memset(buf, 0x5a, len);
	buf[0] = 0x80;
	buf[1] = 0;
	buf[2] = seq >> 8;
	buf[3] = seq;
	buf[8] = 0x12;
	buf[9] = 0x34;
	buf[10] = 0x56;
	buf[11] = 0x78;
}

enum path { PATH_KERNEL, PATH_LIBSRTP, PATH_PLAIN };

/* ns per packet of one send + one receive, protecting on the way out. */
static double bench_tx(enum path path, size_t len)
{
	uint8_t buf[1500], got[1500];
	srtp_t lib = NULL;
	int fds[2], i, n;
	double t0, t;

	udp_pair(fds);
	if (path == PATH_KERNEL)
		kernel_session(fds[0], UCPHONE_SRTP_DIR_TX);
	if (path == PATH_LIBSRTP)
		lib = lib_session(false);
	t0 = now_ns();
	for (i = 0; i < PACKETS; i++) {
		n = len;
		make_rtp(buf, i, len);
		if (lib && srtp_protect(lib, buf, &n) != srtp_err_status_ok)
			die("srtp_protect");
		if (send(fds[0], buf, n, 0) != n ||
		    recv(fds[1], got, sizeof(got), 0) < 0)
			die("send/recv");
	}
	t = (now_ns() - t0) / PACKETS;
	if (lib)
		srtp_dealloc(lib);
	close(fds[0]);
	close(fds[1]);
	return t;
}

/* ns per packet of one send + one receive, unprotecting on the way in. */
static double bench_rx(enum path path, size_t len)
{
	uint8_t *wire = malloc(PACKETS * (len + TAG));
	int *wire_len = malloc(PACKETS * sizeof(int));
	uint8_t got[1500];
	srtp_t tx = lib_session(false), rx = NULL;
	int fds[2], i, n;
	double t0, t;

	if (!wire || !wire_len)
		die("malloc");
	for (i = 0; i < PACKETS; i++) {
		uint8_t *p = wire + i * (len + TAG);

		wire_len[i] = len;
		make_rtp(p, i, len);
		if (path != PATH_PLAIN &&
		    srtp_protect(tx, p, &wire_len[i]) != srtp_err_status_ok)
			die("srtp_protect");
	}
	udp_pair(fds);
	if (path == PATH_KERNEL)
		kernel_session(fds[0], UCPHONE_SRTP_DIR_RX);
	if (path == PATH_LIBSRTP)
		rx = lib_session(true);
	t0 = now_ns();
	for (i = 0; i < PACKETS; i++) {
		if (send(fds[1], wire + i * (len + TAG), wire_len[i], 0) != wire_len[i])
			die("send");
		n = recv(fds[0], got, sizeof(got), 0);
		if (n < 0)
			die("recv");
		if (rx && srtp_unprotect(rx, got, &n) != srtp_err_status_ok)
			die("srtp_unprotect");
		if (n != (int)len)
			die("short packet");
	}
	t = (now_ns() - t0) / PACKETS;
	srtp_dealloc(tx);
	if (rx)
		srtp_dealloc(rx);
	close(fds[0]);
	close(fds[1]);
	free(wire);
	free(wire_len);
	return t;
}

/* OpenSSL AES-128-CTR over the payload + HMAC-SHA1 over the packet. */
static double bench_floor(size_t len)
{
	EVP_CIPHER_CTX *aes = EVP_CIPHER_CTX_new();
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *hmac = EVP_MAC_CTX_new(mac);
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA1", 0),
		OSSL_PARAM_construct_end(),
	};
	uint8_t buf[1500], tag[EVP_MAX_MD_SIZE], iv[16] = { 0 };
	size_t tag_len;
	int i, out;
	double t0;

	if (!aes || !hmac ||
	    !EVP_EncryptInit_ex(aes, EVP_aes_128_ctr(), NULL, keysalt, iv) ||
	    !EVP_MAC_init(hmac, keysalt, 20, params))
		die("openssl");
	make_rtp(buf, 0, len);
	t0 = now_ns();
	for (i = 0; i < PACKETS; i++) {
		iv[13] = i;
		iv[12] = i >> 8;
		if (!EVP_EncryptInit_ex(aes, NULL, NULL, NULL, iv) ||
		    !EVP_EncryptUpdate(aes, buf + 12, &out, buf + 12, len - 12) ||
		    !EVP_MAC_init(hmac, NULL, 0, NULL) ||
		    !EVP_MAC_update(hmac, buf, len) ||
		    !EVP_MAC_update(hmac, iv, 4) ||
		    !EVP_MAC_final(hmac, tag, &tag_len, sizeof(tag)))
			die("openssl");
	}
	t0 = (now_ns() - t0) / PACKETS;
	EVP_MAC_CTX_free(hmac);
	EVP_MAC_free(mac);
	EVP_CIPHER_CTX_free(aes);
	return t0;
}

static double min2(double a, double b)
{
	return a < b ? a : b;
}

/*
 * One cell: the best of ROUNDS for each path, the paths taking turns round
 * after round, so that a burst of load on the shared host (other VMs)
 * lands on one round of every path rather than on all rounds of one.
 */
struct cell {
	double kernel, lib, plain, floor;
};

static void bench_cell(double (*bench)(enum path, size_t), size_t len,
		       struct cell *c)
{
	int r;

	c->kernel = c->lib = c->plain = c->floor = 1e18;
	for (r = 0; r < ROUNDS; r++) {
		c->kernel = min2(c->kernel, bench(PATH_KERNEL, len));
		c->lib = min2(c->lib, bench(PATH_LIBSRTP, len));
		c->plain = min2(c->plain, bench(PATH_PLAIN, len));
		c->floor = min2(c->floor, bench_floor(len));
	}
}

int main(void)
{
	static const size_t sizes[] = { 172, 1200 };
	unsigned int i, dir;

	if (srtp_init() != srtp_err_status_ok)
		die("srtp_init");
	nl = nlt_open();
	if (nl < 0 || nlt_resolve(nl, UCPHONE_GENL_NAME, &family, NULL, NULL))
		die("ucphone family");

	printf("SRTP AES_CM_128_HMAC_SHA1_80, best of %d rounds of %d packets per cell, one send + one recv per packet over loopback\n",
	       ROUNDS, PACKETS);
	printf("%-6s %-16s %10s %9s %10s %9s %9s %9s %9s %7s %9s\n", "bytes",
	       "direction", "kernel ns", "kpps", "libsrtp ns", "kpps",
	       "plain ns", "floor ns", "k/lib", "k/floor", "k-plain/floor");
	for (i = 0; i < 2; i++) {
		for (dir = 0; dir < 2; dir++) {
			struct cell c;

			bench_cell(dir ? bench_rx : bench_tx, sizes[i], &c);
			printf("%-6zu %-16s %10.0f %9.1f %10.0f %9.1f %9.0f %9.0f %9.2f %7.1f %9.2f\n",
			       sizes[i], dir ? "recv+unprotect" : "protect+send",
			       c.kernel, 1e6 / c.kernel, c.lib, 1e6 / c.lib,
			       c.plain, c.floor, c.kernel / c.lib,
			       c.kernel / c.floor, (c.kernel - c.plain) / c.floor);
			fflush(stdout);
		}
	}
	printf("k/lib: kernel path over libsrtp2 + send/recv (target <= 1.0)\n");
	printf("k-plain/floor: what SRTP adds to a plain send/recv in the kernel, over the bare OpenSSL crypto (target <= 1.5)\n");
	return 0;
}
