// SPDX-License-Identifier: GPL-2.0-only
/*
 * srtp_tone_peer: the media half of a scripted far end standing in for an
 * OCS 2007 R2 / Lync endpoint (no Debian package sends SRTP with an MKI:
 * baresip 1.0.0 accepts the MKI line, then fails to decrypt every packet).
 *
 * Sends a PCMU tone to the phone as SRTP (AES_CM_128_HMAC_SHA1_80 or _32,
 * with the MKI its key line named in every packet) and records what the
 * phone sends, decrypted with the phone's own key, as 8 kHz s16 raw audio
 * (a lost packet is written as 20 ms of silence, so gaps show). Written on
 * libsrtp2 directly, not on the phone's srtp_flow, so the two ends do not
 * share code.
 *
 *   srtp_tone_peer LOCAL_IP LOCAL_PORT REMOTE_IP REMOTE_PORT FREQ SECONDS OUT.raw
 *
 * The keys come on stdin (never on the command line), one line each, sent
 * then received: "SUITE KEY_SALT_HEX MKI MKI_LEN" (SUITE 80 or 32; MKI_LEN
 * 0: no MKI). Prints one line of counters; exit 0 when every frame went
 * out and at least one packet from the phone was decrypted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <srtp2/srtp.h>

#define FRAME 160
#define PT_PCMU 0
#define PKT_MAX (12 + FRAME + SRTP_MAX_TRAILER_LEN + 16)

struct key_line {
	int suite;
	uint8_t key_salt[30];
	uint8_t mki[4];
	unsigned int mki_len;
};

/* G.711 mu-law (ITU-T G.711), both ways. */
static uint8_t ulaw_encode(int16_t pcm)
{
	int sign = pcm < 0 ? 0x80 : 0, v = pcm < 0 ? -pcm : pcm, exp = 7;

	if (v > 32635)
		v = 32635;
	v += 0x84;
	while (exp > 0 && !(v & (0x4000 >> (7 - exp))))
		exp--;
	return (uint8_t)~(sign | (exp << 4) | ((v >> (exp + 3)) & 0x0f));
}

static int16_t ulaw_decode(uint8_t u)
{
	int t;

	u = (uint8_t)~u;
	t = (((u & 0x0f) << 3) + 0x84) << ((u & 0x70) >> 4);
	return (int16_t)((u & 0x80) ? 0x84 - t : t - 0x84);
}

static int read_key(struct key_line *k)
{
	char hex[128];
	unsigned int mki;

	if (scanf("%d %127s %u %u", &k->suite, hex, &mki, &k->mki_len) != 4 ||
	    (k->suite != 80 && k->suite != 32) || strlen(hex) != 60 ||
	    k->mki_len > 4)
		return -1;
	for (int i = 0; i < 30; i++) {
		unsigned int b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -1;
		k->key_salt[i] = (uint8_t)b;
	}
	for (unsigned int i = 0; i < k->mki_len; i++)
		k->mki[i] = (uint8_t)(mki >> (8 * (k->mki_len - 1 - i)));
	memset(hex, 0, sizeof(hex));
	return 0;
}

static int make_session(srtp_t *s, struct key_line *k, bool tx)
{
	srtp_master_key_t master = { .key = k->key_salt, .mki_id = k->mki,
				     .mki_size = k->mki_len };
	srtp_master_key_t *list[1] = { &master };
	srtp_policy_t p;

	memset(&p, 0, sizeof(p));
	if (k->suite == 80)
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
	else
		srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p.rtp);
	srtp_crypto_policy_set_rtp_default(&p.rtcp);
	if (k->mki_len) {
		p.keys = list;
		p.num_master_keys = 1;
	} else {
		p.key = k->key_salt;
	}
	p.ssrc.type = tx ? ssrc_any_outbound : ssrc_any_inbound;
	p.window_size = 128;
	return srtp_create(s, &p) == srtp_err_status_ok ? 0 : -1;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct key_line tx_key, rx_key;
	struct sockaddr_in local = { .sin_family = AF_INET };
	struct sockaddr_in remote = { .sin_family = AF_INET };
	unsigned long sent = 0, rcvd = 0, bad = 0, bad_mki = 0, not_rtp = 0;
	uint16_t seq, last_seq = 0;
	uint32_t ts, ssrc;
	bool have_seq = false;
	unsigned int tx_mki, rx_mki;
	double freq, phase = 0;
	uint64_t next, end;
	srtp_t stx, srx;
	FILE *out;
	int fd, frames;

	if (argc != 8) {
		fprintf(stderr, "usage: %s LOCAL_IP LOCAL_PORT REMOTE_IP REMOTE_PORT FREQ SECONDS OUT.raw\n",
			argv[0]);
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &local.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[3], &remote.sin_addr) != 1) {
		fprintf(stderr, "srtp_tone_peer: not IPv4 addresses\n");
		return 2;
	}
	local.sin_port = htons((uint16_t)atoi(argv[2]));
	remote.sin_port = htons((uint16_t)atoi(argv[4]));
	freq = atof(argv[5]);
	frames = atoi(argv[6]) * 50;
	if (read_key(&tx_key) < 0 || read_key(&rx_key) < 0) {
		fprintf(stderr, "srtp_tone_peer: stdin needs two key lines\n");
		return 2;
	}
	if (srtp_init() != srtp_err_status_ok || make_session(&stx, &tx_key, true) < 0 ||
	    make_session(&srx, &rx_key, false) < 0) {
		fprintf(stderr, "srtp_tone_peer: libsrtp2 refused the keys\n");
		return 2;
	}
	tx_mki = tx_key.mki_len > 0;
	rx_mki = rx_key.mki_len > 0;
	memset(&tx_key, 0, sizeof(tx_key));
	memset(&rx_key, 0, sizeof(rx_key));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) {
		perror("srtp_tone_peer: bind");
		return 2;
	}
	out = fopen(argv[7], "wb");
	if (!out) {
		perror(argv[7]);
		return 2;
	}
	srand((unsigned int)now_ns());
	seq = (uint16_t)rand();
	ts = (uint32_t)rand();
	ssrc = (uint32_t)rand();
	next = now_ns();
	end = next + (uint64_t)frames * 20000000ull + 500000000ull;
	for (int f = 0; now_ns() < end;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		uint8_t pkt[PKT_MAX];
		int timeout;

		if (f < frames && now_ns() >= next) {
			int len = 12 + FRAME;

			pkt[0] = 0x80;
			pkt[1] = (uint8_t)(PT_PCMU | (f == 0 ? 0x80 : 0));
			pkt[2] = (uint8_t)(seq >> 8);
			pkt[3] = (uint8_t)seq;
			for (int i = 0; i < 4; i++) {
				pkt[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
				pkt[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
			}
			for (int i = 0; i < FRAME; i++) {
				pkt[12 + i] = ulaw_encode((int16_t)(16000 * sin(phase)));
				phase += 2 * M_PI * freq / 8000;
			}
			phase = fmod(phase, 2 * M_PI);
			if (srtp_protect_mki(stx, pkt, &len, tx_mki, 0) ==
			    srtp_err_status_ok &&
			    sendto(fd, pkt, (size_t)len, 0, (struct sockaddr *)&remote,
				   sizeof(remote)) == len)
				sent++;
			seq++;
			ts += FRAME;
			f++;
			next += 20000000ull;
		}
		{
			uint64_t t = now_ns();

			timeout = (int)((next > t ? next - t : 0) / 1000000);
		}
		if (poll(&pfd, 1, f < frames ? timeout : 50) > 0) {
			int n = (int)recv(fd, pkt, sizeof(pkt), 0);
			srtp_err_status_t err;
			int hdr;

			if (n < 12 || (pkt[0] >> 6) != 2 || (pkt[1] & 0x7f) >= 72) {
				not_rtp++;	/* RTCP or not RTP at all */
				continue;
			}
			err = srtp_unprotect_mki(srx, pkt, &n, rx_mki);
			if (err != srtp_err_status_ok) {
				bad++;
				bad_mki += err == srtp_err_status_bad_mki;
				continue;
			}
			rcvd++;
			hdr = 12 + 4 * (pkt[0] & 0x0f);
			if ((pkt[0] & 0x10) && n >= hdr + 4)
				hdr += 4 + 4 * ((pkt[hdr + 2] << 8) | pkt[hdr + 3]);
			if ((pkt[1] & 0x7f) != PT_PCMU || n <= hdr)
				continue;
			{
				uint16_t s = (uint16_t)((pkt[2] << 8) | pkt[3]);
				int16_t pcm[FRAME];

				/* lost packets: silence in their place (up to 1 s) */
				if (have_seq && (uint16_t)(s - last_seq) > 1 &&
				    (uint16_t)(s - last_seq) < 50) {
					memset(pcm, 0, sizeof(pcm));
					for (int i = 1; i < (uint16_t)(s - last_seq); i++)
						fwrite(pcm, sizeof(pcm), 1, out);
				}
				if (have_seq && (int16_t)(s - last_seq) <= 0)
					continue;	/* late or duplicate */
				for (int i = 0; i < n - hdr && i < FRAME; i++)
					pcm[i] = ulaw_decode(pkt[hdr + i]);
				fwrite(pcm, sizeof(int16_t), (size_t)(n - hdr < FRAME ? n - hdr : FRAME), out);
				last_seq = s;
				have_seq = true;
			}
		}
	}
	fclose(out);
	srtp_dealloc(stx);
	srtp_dealloc(srx);
	printf("srtp_tone_peer: sent %lu/%d received %lu srtp_failures %lu (bad_mki %lu) not_rtp %lu\n",
	       sent, frames, rcvd, bad, bad_mki, not_rtp);
	return sent == (unsigned long)frames && rcvd > 0 ? 0 : 1;
}
