#!/bin/bash
# A call from the phone image to the bed's baresip bob, and bob calling the
# phone, with the media on the kernel's SRTP offload (ucphone-srtp.ko) and the
# audio on the virtual dev board's ES8311 card (the test I2S controller):
# the I2S bus feeds the card's capture a 1 kHz tone, bob's recording must
# hold it; bob sends his 1 kHz tone, and what the card played (read back from
# the test I2S) must hold it. Both by measurement (Goertzel: >= 90% of the
# energy at 1 kHz for 10 s; no gap over 40 ms in bob's recording, over
# 200 ms and 8 s in the card's under TCG). `ucphonectl calls --json` in the guest
# must say srtp_in_kernel, and the module's counters must carry the call.
# Then the same call with the module unloaded: srtp_flow falls back to
# libsrtp2, and the daemon's counters are printed beside the kernel call's.
# Between them, an MKI-carrying offer (|2^31|1:1) from a scripted far end, its
# audio both ways through the module.
# TAP; ~2.5 min (boot and sign-in take most of it).
#   image-call.sh BUILD_DIR
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$repo/build}
TB_DIR=$repo/tests/testbed
TB_RUN=${UCPHONE_TESTBED_RUN:-$TB_DIR/run}
# shellcheck source=/dev/null
. "$TB_RUN/env"
# shellcheck source=../image/lib.sh
. "$repo/tests/image/lib.sh"
# shellcheck source=../../scripts/phone-keys.sh
. "$repo/scripts/phone-keys.sh"
# shellcheck source=lib/calls.sh
. "$repo/tests/integration/lib/calls.sh"
W=$(mktemp -d "${TMPDIR:-/tmp}/ucphone-image-call.XXXXXX")
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
# The phone's own CLI, in the guest (calls.sh's call_is, cjs use it).
ctl() { guest "ucphonectl $*" 20 2>/dev/null; }
quiet() { "$@" >/dev/null; }
# The card's playback under TCG on a shared host: the guest's period timer
# and media thread lose the CPU now and then (xruns, counted in the test
# I2S stats; a late period timer also drops periods, so the bus carries
# less than the wall clock's worth), so 8 s of tone with gaps up to 200 ms
# are let through there and printed; bob's recording keeps 10 s and 40 ms.
card_tone_ok() { tone_ok "$1" --max-gap-ms 200 --seconds 8; }
# card_played_s SECONDS [TIMEOUT]: until the card has played SECONDS of
# audio at its rate, 16-bit mono (the bus runs slower than the wall clock
# when the guest's timer is late)
CARD_RATE=8000
card_played_s() {
	guest_wait "[ \$(wc -c </sys/kernel/debug/ucphone-test-i2s/playback) -ge $(($1 * CARD_RATE * 2)) ]" "${2:-30}"
}
wait_status() {
	local deadline=$((SECONDS + $2))
	while [ "$SECONDS" -lt "$deadline" ]; do
		guest 'ucphonectl --json status' 20 2>/dev/null | jq -e "$1" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	return 1
}
cleanup() {
	bob hangup 2>/dev/null
	if [ "$fails" -gt 0 ] && [ -n "$IMAGE_DIR" ]; then
		guest 'tail -n 40 /var/log/ucphoned.log; dmesg | grep -i srtp | tail -n 10' 10 2>/dev/null |
			sed 's/^/# guest: /'
		tail -n 20 "$IMAGE_CONSOLE" 2>/dev/null | sed 's/^/# console: /'
	fi
	image_stop
	[ -z "$IMAGE_DIR" ] || rm -rf "$IMAGE_DIR"
	rm -rf "$W"
}
trap cleanup EXIT
echo "TAP version 13"

env_out=$("$repo/scripts/build-image.sh" --print-env 2>"$W/image-build.log") || {
	sed 's/^/# /' "$W/image-build.log" | tail -n 20
	not_ok "the phone image builds"
	echo "1..$n"
	exit 1
}
eval "$env_out"
t0=$SECONDS
image_boot --disk "$DISK" --net "$TB_NS_SW:br0" --timeout 600
check "the phone boots from its disk image" image_wait_ready 300
check "the ucphone sound card is up" guest_wait 'grep -q ucphone /proc/asound/cards' 60
check "ucphoned answers" guest_wait 'ucphonectl info >/dev/null' 30
check "DHCP lease" wait_status '.dhcp.state == "bound"' 60
pass=$(cat "$TB_USER_PASS_FILE")
guest "ucphonectl signin --address '$TB_USER_ADDRESS' --user '${TB_USER_DOMAIN_USER//\'/}' --password-stdin <<'EOF'
$pass
EOF" 30 >/dev/null
unset pass
check "signed in: Registered ($((SECONDS - t0)) s after QEMU started)" \
	wait_status '.sip.state == "registered"' 120

# The microphone hears 1 kHz, made at the rate ucphoned runs the card at
# (the image gives --audio-rate; the test I2S feeds capture raw samples).
CARD_RATE=$(board_card_rate)
echo "# ucphoned runs the card at ${CARD_RATE:-?} Hz"
check "the board's microphone hears a 1 kHz tone made at ${CARD_RATE:-?} Hz" board_feed_tone
guest 'echo >/sys/kernel/debug/ucphone-test-i2s/stats' 10 >/dev/null

# guest_net WHAT: where the guest dropped packets so far (UDP receive-buffer
# overflows, the NIC's drops) and what the daemon said about the card
guest_net() {
	guest "grep '^Udp:' /proc/net/snmp | tr '\\n' ' '; echo eth0 rx_dropped \$(cat /sys/class/net/eth0/statistics/rx_dropped)" 10 2>/dev/null |
		sed "s/^/# $1: guest UDP: /"
	guest "grep -E 'stalled|stream error' /var/log/ucphoned.log | tail -n 5" 10 2>/dev/null | sed "s/^/# $1: guest log: /"
}

# one call: 12 s of tone each way
call_checks() {
	local what=$1 js heard dec hw
	js=$(ctl '--json calls')
	echo "# $what: $(jq -c '.calls[0] | {codec, srtp_suite, srtp_in_kernel, srtp_path, setup_ms, first_audio_ms}' <<<"$js" 2>/dev/null)"
	check "$what: ucphone-srtp is loaded (on demand, by ucphone.ko)" \
		guest 'grep -q "^ucphone_srtp " /proc/modules'
	check "$what: SRTP runs in the kernel (calls says srtp_in_kernel)" \
		test "$(jq -r '.calls[0].srtp_in_kernel' <<<"$js")" = true
	guest 'cat /proc/asound/ucphone/pcm0p/sub0/hw_params' 10 | tr '\n' ' ' | sed 's/^/# playback /; s/$/\n/'
	hw=$(guest 'cat /proc/asound/ucphone/pcm0c/sub0/hw_params' 10)
	echo "# capture $(tr '\n' ' ' <<<"$hw")"
	check "$what: the card captures at ucphoned's rate ($CARD_RATE Hz)" \
		test "$(awk '$1 == "rate:" { print $2 }' <<<"$hw")" = "$CARD_RATE"
	sleep 8
	card_played_s 12 30 || echo "# $what: the card played under 12 s of audio in 38 s"
	js=$(ctl '--json calls')
	echo "# $what: $(jq -c '.calls[0] | {rtp_sent, rtp_received, lost, late, jitter_ms, jitter_buffer_ms, srtp_failures, media_thread_allocs}' <<<"$js" 2>/dev/null)"
	LAST_CALL=$js
	guest 'ucphonectl srtp 2>/dev/null || true' 10 | sed 's/^/# /'
	guest 'cat /sys/kernel/debug/ucphone-test-i2s/stats' 10 | tr '\n' ' ' | sed 's/^/# test I2S: /; s/$/\n/'
	guest_net "$what"
	board_played "$W/played-${what// /-}.wav"
	check "$what: hang up" quiet ctl hangup
	check "$what: idle again" call_is idle 10
	sleep 0.5
	heard=$W/played-${what// /-}.wav
	echo "# $what: the ES8311 card played: $(tone_ok "$heard" 2>&1)"
	check "$what: the card played bob's 1 kHz tone for 8 s (gaps under 200 ms)" card_tone_ok "$heard"
	dec=$(bob_dec)
	echo "# $what: bob heard: $(tone_ok "$dec" 2>&1)"
	check "$what: bob heard the phone's 1 kHz tone (the card's capture), no gap over 40 ms" \
		tone_ok "$dec"
}

bob_mark
board_played_clear
check "ucphonectl dial bob" quiet ctl dial bob
check "connected to bob" call_is connected 15
check "bob runs SRTP" bob_saw "SRTP is Enabled" 5
call_checks "phone calls bob"
KERNEL_CALL=$LAST_CALL

bob_mark
board_played_clear
bob dial "sip:$TB_USER_ADDRESS"
check "bob calls: the phone rings" call_is ringing-in 15
check "ucphonectl answer" quiet ctl answer
check "connected to bob" call_is connected 10
call_checks "bob calls the phone"
# An OCS-style offer: a=crypto with a lifetime and a 1-byte MKI (|2^31|1:1)
# from a scripted far end in bob's place (tests/integration/lib/mki_peer.py,
# its media from tests/media/srtp_tone_peer on libsrtp2 with the MKI in every
# packet: 770 Hz to the phone, what the phone sends decrypted and kept). The
# module carries the MKI both ways: no SRTP failure on either side, the far end
# hears the card's 1 kHz and the card plays the far end's 770 Hz.
PEER_PROG=${BUILD:-$repo/build}/tests/media/srtp_tone_peer
if [ -x "$PEER_PROG" ]; then
	"$TB_DIR/kamailio.sh" stop bob >/dev/null 2>&1
	board_played_clear
	ip netns exec "$TB_NS_PEER" python3 "$repo/tests/integration/lib/mki_peer.py" \
		"$TB_SRV_IP" "$TB_CA_PEM" "$TB_PEER_USER" "$(cat "$TB_PEER_PASS_FILE")" "$TB_DOMAIN" \
		"sip:$TB_USER_ADDRESS" 14 "$PEER_PROG" "$W/mki-far.raw" 770 >"$W/mki.out" 2>&1 &
	mki=$!
	check "MKI call: the phone rings" call_is ringing-in 20
	check "MKI call: ucphonectl answer" quiet ctl answer
	check "MKI call: connected" call_is connected 10
	sleep 6
	js=$(ctl '--json calls')
	echo "# MKI call: $(jq -c '.calls[0] | {codec, srtp_suite, srtp_in_kernel, srtp_path, rtp_sent, rtp_received, srtp_failures, lost}' <<<"$js" 2>/dev/null)"
	check "MKI call: SRTP runs in the kernel (srtp_in_kernel)" \
		test "$(jq -r '.calls[0].srtp_in_kernel' <<<"$js")" = true
	check "MKI call: the module decrypts the far end's MKI packets (no SRTP failures)" \
		test "$(jq -r '.calls[0].srtp_failures' <<<"$js")" = 0
	check "MKI call: packets came in" test "$(jq -r '.calls[0].rtp_received' <<<"$js")" -gt 100
	guest 'ucphonectl srtp 2>/dev/null || true' 10 | sed 's/^/# MKI call: /'
	wait "$mki"; rc=$?
	sed 's/^/# mki peer: /' "$W/mki.out"
	check "MKI call: the far end's media ran (sent all, decrypted the phone's)" test "$rc" -eq 0
	check "MKI call: the far end decrypted every packet of the module's (no SRTP failures)" \
		grep -q 'srtp_failures 0 ' "$W/mki.out"
	sox -q -t raw -r 8000 -e signed -b 16 -c 1 "$W/mki-far.raw" "$W/mki-far.wav" 2>/dev/null
	echo "# MKI call: the far end heard: $(tone_ok "$W/mki-far.wav" --freq 1000 --seconds 6 2>&1)"
	check "MKI call: the far end heard the card's 1 kHz" tone_ok "$W/mki-far.wav" --freq 1000 --seconds 6 --max-gap-ms 200
	board_played "$W/mki-card.wav"
	echo "# MKI call: the ES8311 card played: $(tone_ok "$W/mki-card.wav" --freq 770 --seconds 6 2>&1)"
	check "MKI call: the card played the far end's 770 Hz" \
		tone_ok "$W/mki-card.wav" --freq 770 --seconds 6 --max-gap-ms 200
	check "MKI call: idle after the far end's BYE" call_is idle 15
	"$TB_DIR/kamailio.sh" start bob >/dev/null 2>&1
	sleep 2
else
	echo "# no $PEER_PROG: the MKI call is not run"
fi

# The same call on libsrtp2: ucphone-srtp unloaded and kept from loading
# again, so srtp_flow falls back; the counters must read the same way.
guest 'echo /bin/false >/proc/sys/kernel/modprobe' 10 >/dev/null
check "ucphone-srtp unloads once its calls are gone" guest 'rmmod ucphone-srtp'
bob_mark
board_played_clear
check "libsrtp2: ucphonectl dial bob" quiet ctl dial bob
check "libsrtp2: connected to bob" call_is connected 15
js=$(ctl '--json calls')
check "libsrtp2: calls says SRTP runs in libsrtp2 (srtp_in_kernel false, $(jq -r '.calls[0].srtp_path' <<<"$js"))" \
	test "$(jq -r '.calls[0].srtp_in_kernel' <<<"$js")" = false
sleep 8
card_played_s 12 30 || echo "# libsrtp2: the card played under 12 s of audio in 38 s"
js=$(ctl '--json calls')
guest 'cat /sys/kernel/debug/ucphone-test-i2s/stats' 10 | tr '\n' ' ' | sed 's/^/# libsrtp2: test I2S: /; s/$/\n/'
guest_net libsrtp2
board_played "$W/played-libsrtp2.wav"
check "libsrtp2: hang up" quiet ctl hangup
check "libsrtp2: idle again" call_is idle 10
echo "# the same counters, kernel call | libsrtp2 call:"
for f in srtp_path setup_ms rtp_sent rtp_received lost late srtp_failures jitter_ms media_thread_allocs xruns; do
	printf '#   %-20s %10s | %s\n' "$f" "$(jq -r ".calls[0].$f" <<<"$KERNEL_CALL")" "$(jq -r ".calls[0].$f" <<<"$js")"
done
echo "# libsrtp2: the ES8311 card played: $(tone_ok "$W/played-libsrtp2.wav" 2>&1)"
check "libsrtp2: the card played bob's 1 kHz tone for 8 s (gaps under 200 ms)" card_tone_ok "$W/played-libsrtp2.wav"
sleep 0.5
dec=$(bob_dec)
echo "# libsrtp2: bob heard: $(tone_ok "$dec" 2>&1)"
check "libsrtp2: bob heard the phone's 1 kHz tone" tone_ok "$dec"
echo "# $((SECONDS - t0)) s from QEMU's start"
echo "1..$n"
[ "$fails" -eq 0 ]
