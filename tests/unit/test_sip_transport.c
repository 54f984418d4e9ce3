// SPDX-License-Identifier: GPL-2.0-only
/*
 * SIP over TLS (daemon/sip/transport.c) and the transactions on it
 * (daemon/sip/transaction.c) against a TLS server in a thread on 127.0.0.1
 * with a certificate made here: messages split across TLS records are
 * framed, a server ping gets its pong, an untrusted or misnamed
 * certificate ends in SIP_CONN_ERR_CERT with its exact text and no byte of
 * SIP, a stream that cannot be framed ends the connection; a client
 * request is matched with its answer by branch, a NOTIFY goes to its
 * package's handler and is answered 200, an unknown request gets 501.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "kselftest_harness.h"
#include "lib/pki/ca_bundle.h"
#include "net/dns.h"
#include "sip/transaction.h"
#include "sip/transport.h"

/* The transport only resolves names; these tests connect to an IP. */
int resolver_lookup_a(struct resolver *r, const char *name, resolver_a_cb cb,
		      void *ctx)
{
	(void)r; (void)name; (void)cb; (void)ctx;
	return -ENOENT;
}

void resolver_forget(struct resolver *r, void *ctx)
{
	(void)r; (void)ctx;
}

enum server_mode { SERVE_MESSAGES, SERVE_GARBAGE, SERVE_HANDSHAKE_ONLY,
		   SERVE_TRANSACTIONS };

struct server {
	int lfd;
	uint16_t port;
	enum server_mode mode;
	X509 *cert;
	EVP_PKEY *key;
	pthread_t thread;
	int handshake_ok;
	char got[4096];		/* what the client wrote after the handshake */
	int got_len;
};

struct client {
	struct ucphoned d;
	struct sip_tls_transport *t;
	int ups, downs, messages;
	enum sip_conn_error err;
	char last_call_id[32];
};

/* A self-signed certificate for ip, its own CA. */
static void make_cert(const char *ip, X509 **cert, EVP_PKEY **key)
{
	X509_EXTENSION *ext;
	X509V3_CTX v3;
	char san[64];
	X509 *x;

	*key = EVP_EC_gen("P-256");
	x = X509_new();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)"sip test", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_set_pubkey(x, *key);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	snprintf(san, sizeof(san), "IP:%s", ip);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints, "critical,CA:TRUE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	X509_sign(x, *key, EVP_sha256());
	*cert = x;
}

static const char message[] =
	"OPTIONS sip:alice@127.0.0.1 SIP/2.0\r\n"
	"Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK1\r\n"
	"From: <sip:corp.test>;tag=1\r\n"
	"To: <sip:alice@corp.test>\r\n"
	"Call-ID: split-call\r\n"
	"CSeq: 1 OPTIONS\r\n"
	"Content-Length: 4\r\n"
	"\r\n"
	"body";

static const char notify[] =
	"NOTIFY sip:alice@127.0.0.1 SIP/2.0\r\n"
	"Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKn1\r\n"
	"From: <sip:alice@corp.test>;tag=s1\r\n"
	"To: <sip:alice@corp.test>;tag=c1\r\n"
	"Call-ID: notify-1\r\n"
	"CSeq: 2 NOTIFY\r\n"
	"Event: vnd-microsoft-provisioning-v2\r\n"
	"Content-Type: application/vnd-microsoft-roaming-provisioning-v2+xml\r\n"
	"Content-Length: 3\r\n"
	"\r\n"
	"<x>"
	"INFO sip:alice@127.0.0.1 SIP/2.0\r\n"
	"v: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKi1\r\n"
	"f: <sip:corp.test>;tag=s2\r\n"
	"t: <sip:alice@corp.test>\r\n"
	"i: info-1\r\n"
	"CSeq: 3 INFO\r\n"
	"l: 0\r\n"
	"\r\n";

/* Reads one request of the client's, answers it 200 with its own Via. */
static void answer_one(SSL *ssl, struct server *s)
{
	char *via, *end, reply[512];
	int n;

	while (!strstr(s->got, "\r\n\r\n") &&
	       (n = SSL_read(ssl, s->got + s->got_len,
			     (int)sizeof(s->got) - 1 - s->got_len)) > 0)
		s->got_len += n;
	via = strstr(s->got, "Via: ");
	end = via ? strstr(via, "\r\n") : NULL;
	if (!end)
		return;
	/* a stray answer first (another branch): it must match nothing */
	n = snprintf(reply, sizeof(reply),
		     "SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS 1.2.3.4;branch=z9hG4bKother\r\n"
		     "From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>\r\nCall-ID: x\r\n"
		     "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
		     "SIP/2.0 200 OK\r\n%.*s\r\nFrom: <sip:a@b>;tag=1\r\n"
		     "To: <sip:a@b>;tag=9\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n"
		     "Content-Length: 0\r\n\r\n", (int)(end - via), via);
	SSL_write(ssl, reply, n);
	s->got_len = 0;
	memset(s->got, 0, sizeof(s->got));
}

static void *serve(void *arg)
{
	struct server *s = arg;
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	int fd = accept(s->lfd, NULL, NULL);
	SSL *ssl;
	int n;

	SSL_CTX_use_certificate(ctx, s->cert);
	SSL_CTX_use_PrivateKey(ctx, s->key);
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	s->handshake_ok = SSL_accept(ssl) == 1;
	if (s->handshake_ok && s->mode == SERVE_MESSAGES) {
		/* one message in three records, then a ping */
		SSL_write(ssl, message, 40);
		usleep(20000);
		SSL_write(ssl, message + 40, (int)sizeof(message) - 1 - 40 - 2);
		usleep(20000);
		SSL_write(ssl, message + sizeof(message) - 3, 2);
		SSL_write(ssl, "\r\n\r\n", 4);
	} else if (s->handshake_ok && s->mode == SERVE_TRANSACTIONS) {
		answer_one(ssl, s);
		SSL_write(ssl, notify, (int)sizeof(notify) - 1);
	} else if (s->handshake_ok && s->mode == SERVE_GARBAGE) {
		SSL_write(ssl, "HELLO\r\nX: y\r\n\r\n", 15);
	}
	/* whatever the client writes until it closes */
	while (s->handshake_ok && s->got_len < (int)sizeof(s->got) - 1 &&
	       (n = SSL_read(ssl, s->got + s->got_len,
			     (int)sizeof(s->got) - 1 - s->got_len)) > 0)
		s->got_len += n;
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	close(fd);
	return NULL;
}

static void server_start(struct server *s, enum server_mode mode,
			 const char *cert_ip)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);

	memset(s, 0, sizeof(*s));
	s->mode = mode;
	make_cert(cert_ip, &s->cert, &s->key);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa));
	listen(s->lfd, 1);
	getsockname(s->lfd, (struct sockaddr *)&sa, &len);
	s->port = ntohs(sa.sin_port);
	pthread_create(&s->thread, NULL, serve, s);
}

static void server_stop(struct server *s)
{
	pthread_join(s->thread, NULL);
	close(s->lfd);
	X509_free(s->cert);
	EVP_PKEY_free(s->key);
}

static void on_up(void *ctx, struct sip_conn *c)
{
	struct client *cl = ctx;

	(void)c;
	cl->ups++;
}

static void on_down(void *ctx, struct sip_conn *c, enum sip_conn_error err)
{
	struct client *cl = ctx;

	(void)c;
	cl->downs++;
	cl->err = err;
	sd_event_exit(cl->d.event, 0);
}

static void on_message(void *ctx, struct sip_conn *c, const struct sip_msg *m)
{
	struct client *cl = ctx;

	(void)c;
	cl->messages++;
	sip_str_copy(m->call_id, cl->last_call_id, sizeof(cl->last_call_id));
	if (!sip_str_eq(m->body, "body"))
		cl->messages += 100;
}

static int on_deadline(sd_event_source *s, uint64_t usec, void *ud)
{
	(void)s;
	(void)usec;
	return sd_event_exit(ud, 0);
}

/* The time certificates are checked at, as sign-in sets it from NTP. */
static void (*verify_time_hook)(struct ucphoned *d, X509_VERIFY_PARAM *param);

/* Connects to the server, runs the loop until the connection ends (3 s),
 * or for 1.5 s when it is to stay up. */
static struct sip_conn *run(struct client *cl, struct server *s,
			    X509_STORE *store, bool close_when_up)
{
	static const struct sip_transport_handler h = {
		.up = on_up, .down = on_down, .message = on_message,
	};
	struct sip_transport_options opt = {
		.connect_timeout_usec = 3000000,
		.keepalive_usec = 60000000,
		.pong_timeout_usec = 10000000,
		.verify_time = verify_time_hook,
	};
	struct sip_conn *c = NULL;
	sd_event_source *deadline = NULL;

	memset(cl, 0, sizeof(*cl));
	log_init(&cl->d.log, "test", LOG_LEVEL_ERROR, false);
	sd_event_new(&cl->d.event);
	sip_transport_new(&cl->d, &opt, &h, cl, &cl->t);
	if (sip_conn_open(cl->t, "127.0.0.1", s->port, store, &c) < 0)
		return NULL;
	sd_event_add_time_relative(cl->d.event, &deadline, CLOCK_MONOTONIC,
				   close_when_up ? 1500000 : 3000000, 1000,
				   on_deadline, cl->d.event);
	sd_event_loop(cl->d.event);
	sd_event_source_disable_unref(deadline);
	return c;
}

static void finish(struct client *cl, struct sip_conn *c)
{
	sip_conn_unref(c);
	sip_transport_free(cl->t);
	sd_event_unref(cl->d.event);
}

/* The chain the newest handshake saw, as the bundle shows it. */
static void expect_peer_chain(struct __test_metadata *_metadata,
			      struct client *cl, X509 *cert, bool verified)
{
	struct json_object *arr = sip_transport_peer_chains(cl->t), *o, *v, *chain;
	char fp[CA_FINGERPRINT_LEN];

	ASSERT_NE(NULL, arr);
	ASSERT_EQ(1u, json_object_array_length(arr));
	o = json_object_array_get_idx(arr, 0);
	ca_fingerprint(cert, fp);
	ASSERT_TRUE(json_object_object_get_ex(o, "verified", &v));
	EXPECT_EQ(verified, json_object_get_boolean(v));
	/* A refused chain says why. */
	EXPECT_EQ(!verified, json_object_object_get_ex(o, "error", &v));
	ASSERT_TRUE(json_object_object_get_ex(o, "host", &v));
	EXPECT_STREQ("127.0.0.1", json_object_get_string(v));
	ASSERT_TRUE(json_object_object_get_ex(o, "chain", &chain));
	ASSERT_GE(json_object_array_length(chain), 1u);
	v = json_object_array_get_idx(chain, 0);
	ASSERT_TRUE(json_object_object_get_ex(v, "sha256", &v));
	EXPECT_STREQ(fp, json_object_get_string(v));
	json_object_put(arr);
}

TEST(split_message_framed_and_ping_answered)
{
	struct server s;
	struct client cl;
	struct sip_conn *c;
	X509_STORE *store = X509_STORE_new();

	server_start(&s, SERVE_MESSAGES, "127.0.0.1");
	X509_STORE_add_cert(store, s.cert);
	c = run(&cl, &s, store, true);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(1, cl.ups);
	EXPECT_EQ(SIP_CONN_UP, sip_conn_state(c));
	EXPECT_EQ(1, cl.messages);
	EXPECT_STREQ("split-call", cl.last_call_id);
	EXPECT_EQ(0, strncmp(sip_conn_local(c), "127.0.0.1:", 10));
	expect_peer_chain(_metadata, &cl, s.cert, true);
	finish(&cl, c);	/* closes: the server's read ends */
	server_stop(&s);
	/* the pong, and nothing else */
	EXPECT_EQ(2, s.got_len);
	EXPECT_EQ(0, memcmp(s.got, "\r\n", 2));
	X509_STORE_free(store);
}

TEST(untrusted_certificate_sends_nothing)
{
	struct server s;
	struct client cl;
	struct sip_conn *c;
	X509_STORE *store = X509_STORE_new();	/* trusts nobody */

	server_start(&s, SERVE_HANDSHAKE_ONLY, "127.0.0.1");
	c = run(&cl, &s, store, false);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(0, cl.ups);
	EXPECT_EQ(1, cl.downs);
	EXPECT_EQ(SIP_CONN_ERR_CERT, cl.err);
	EXPECT_STREQ("Cannot validate server certificate",
		     sip_conn_error_text(sip_conn_error(c)));
	EXPECT_EQ(-ENOTCONN, sip_conn_send(c, "REGISTER", 8));
	/* The refused chain is the one to look at when troubleshooting. */
	expect_peer_chain(_metadata, &cl, s.cert, false);
	finish(&cl, c);
	server_stop(&s);
	EXPECT_FALSE(s.handshake_ok);
	EXPECT_EQ(0, s.got_len);
	X509_STORE_free(store);
}

static void in_2040(struct ucphoned *d, X509_VERIFY_PARAM *param)
{
	(void)d;
	X509_VERIFY_PARAM_set_time(param, 2208988800);	/* 2040-01-01 */
}

/* A certificate valid by the system clock but expired at NTP time. */
TEST(certificate_checked_at_the_time_it_is_given)
{
	struct server s;
	struct client cl;
	struct sip_conn *c;
	X509_STORE *store = X509_STORE_new();
	struct json_object *st, *why;

	server_start(&s, SERVE_HANDSHAKE_ONLY, "127.0.0.1");
	X509_STORE_add_cert(store, s.cert);
	verify_time_hook = in_2040;
	c = run(&cl, &s, store, false);
	verify_time_hook = NULL;
	ASSERT_NE(NULL, c);
	EXPECT_EQ(0, cl.ups);
	EXPECT_EQ(SIP_CONN_ERR_CERT, cl.err);
	st = sip_transport_status(cl.t);
	ASSERT_TRUE(json_object_object_get_ex(st, "last_certificate_error", &why));
	EXPECT_STREQ("127.0.0.1: certificate has expired: not valid at the phone's time 2040-01-01T00:00:00Z (NTP time)",
		     json_object_get_string(why));
	json_object_put(st);
	finish(&cl, c);
	server_stop(&s);
	EXPECT_FALSE(s.handshake_ok);
	X509_STORE_free(store);
}

TEST(certificate_for_another_address_is_refused)
{
	struct server s;
	struct client cl;
	struct sip_conn *c;
	X509_STORE *store = X509_STORE_new();

	/* trusted, but issued to 10.9.9.9: RFC 5922 wants the name looked up */
	server_start(&s, SERVE_HANDSHAKE_ONLY, "10.9.9.9");
	X509_STORE_add_cert(store, s.cert);
	c = run(&cl, &s, store, false);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(SIP_CONN_ERR_CERT, cl.err);
	finish(&cl, c);
	server_stop(&s);
	EXPECT_EQ(0, s.got_len);
	X509_STORE_free(store);
}

TEST(unframeable_stream_ends_the_connection)
{
	struct server s;
	struct client cl;
	struct sip_conn *c;
	X509_STORE *store = X509_STORE_new();

	server_start(&s, SERVE_GARBAGE, "127.0.0.1");
	X509_STORE_add_cert(store, s.cert);
	c = run(&cl, &s, store, false);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(1, cl.ups);
	EXPECT_EQ(SIP_CONN_ERR_PROTOCOL, cl.err);
	EXPECT_EQ(0, cl.messages);
	EXPECT_EQ(SIP_CONN_DOWN, sip_conn_state(c));
	finish(&cl, c);
	server_stop(&s);
	X509_STORE_free(store);
}

TEST(refused_connection)
{
	struct server s = { 0 };
	struct client cl;
	struct sip_conn *c;
	X509_STORE *store = X509_STORE_new();
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	/* a port that was free a moment ago and has no listener */
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(fd, (struct sockaddr *)&sa, &len);
	close(fd);
	s.port = ntohs(sa.sin_port);
	c = run(&cl, &s, store, false);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(SIP_CONN_ERR_CONNECT, cl.err);
	finish(&cl, c);
	X509_STORE_free(store);
}

struct txn_test {
	struct ucphoned d;
	struct sip_txn_layer *l;
	struct sip_conn *c;
	unsigned int answer_status, notifies;
	int answer_err;
	char notify_body[8];
};

static void on_answer(void *ctx, const struct sip_msg *resp, int err)
{
	struct txn_test *tt = ctx;

	tt->answer_err = err;
	tt->answer_status = resp ? resp->status : 0;
}

static void txn_up(void *ctx, struct sip_conn *c)
{
	struct txn_test *tt = ctx;
	char buf[512], branch[SIP_BRANCH_MAX];
	struct sip_out o;
	size_t len;

	sip_txn_new_branch(branch);
	sip_out_init(&o, buf, sizeof(buf));
	sip_out_request_line(&o, "OPTIONS", "sip:127.0.0.1");
	sip_out_header(&o, "Via", "SIP/2.0/TLS %s;branch=%s", sip_conn_local(c), branch);
	sip_out_header(&o, "From", "<sip:a@b>;tag=1");
	sip_out_header(&o, "To", "<sip:a@b>");
	sip_out_header(&o, "Call-ID", "x");
	sip_out_header(&o, "CSeq", "1 OPTIONS");
	sip_out_body(&o, NULL, NULL, 0);
	if (sip_out_finish(&o, &len) == 0)
		sip_txn_request(tt->l, c, buf, len, branch, "OPTIONS", on_answer, tt, NULL);
}

static void txn_down(void *ctx, struct sip_conn *c, enum sip_conn_error err)
{
	(void)ctx; (void)c; (void)err;
}

static unsigned int on_notify(void *ctx, const struct sip_msg *req)
{
	struct txn_test *tt = ctx;

	tt->notifies++;
	sip_str_copy(req->body, tt->notify_body, sizeof(tt->notify_body));
	return 200;
}

TEST(transactions_match_by_branch_and_requests_are_answered)
{
	static const struct sip_conn_watch w = { .up = txn_up, .down = txn_down };
	struct sip_transport_options opt = {
		.connect_timeout_usec = 3000000,
		.keepalive_usec = 60000000,
		.pong_timeout_usec = 10000000,
	};
	X509_STORE *store = X509_STORE_new();
	sd_event_source *deadline = NULL;
	struct txn_test tt = { 0 };
	static const char notify_ok[] =
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKn1\r\n";
	struct server s;
	char *info;

	server_start(&s, SERVE_TRANSACTIONS, "127.0.0.1");
	X509_STORE_add_cert(store, s.cert);
	log_init(&tt.d.log, "test", LOG_LEVEL_ERROR, false);
	sd_event_new(&tt.d.event);
	ASSERT_EQ(0, sip_txn_layer_new(&tt.d, &opt, &tt.l));
	ASSERT_EQ(0, sip_txn_watch(tt.l, &w, &tt));
	ASSERT_EQ(0, sip_txn_on_notify(tt.l, "vnd-microsoft-provisioning-v2", on_notify, &tt));
	ASSERT_EQ(0, sip_conn_open(sip_txn_transport(tt.l), "127.0.0.1", s.port,
				   store, &tt.c));
	sd_event_add_time_relative(tt.d.event, &deadline, CLOCK_MONOTONIC,
				   1500000, 1000, on_deadline, tt.d.event);
	sd_event_loop(tt.d.event);
	sd_event_source_disable_unref(deadline);

	EXPECT_EQ(200, tt.answer_status);
	EXPECT_EQ(0, tt.answer_err);
	EXPECT_EQ(1, tt.notifies);
	EXPECT_STREQ("<x>", tt.notify_body);
	sip_conn_unref(tt.c);
	sip_txn_layer_free(tt.l);
	sd_event_unref(tt.d.event);
	server_stop(&s);
	X509_STORE_free(store);

	/* the NOTIFY's 200 echoes its Via and CSeq; the INFO gets 501 */
	EXPECT_EQ(0, strncmp(s.got, notify_ok, strlen(notify_ok)));
	EXPECT_NE(NULL, strstr(s.got, "CSeq: 2 NOTIFY\r\n"));
	info = strstr(s.got, "SIP/2.0 501 Not Implemented\r\n");
	ASSERT_NE(NULL, info);
	EXPECT_NE(NULL, strstr(info, "CSeq: 3 INFO\r\n"));
	/* a To tag added where the request had none */
	EXPECT_NE(NULL, strstr(info, "To: <sip:alice@corp.test>;tag="));
}

TEST_HARNESS_MAIN
