#!/bin/bash
# The phone image on the virtual dev board, in a call with the bed's bob, its
# audio moved between the acoustic paths by the board's hook switch and keys
# the way a user does it: the call dialled hands-free (speaker key, 2001#),
# the handset lifted (handset), the speaker key (speakerphone), the headset
# key (headset), the headset key again (back to the lifted handset). After
# each step the new path is the daemon's (status), the card's DAPM outputs
# follow it, and the codec's DAC volume register is that path's own. The
# glitch, by measurement: what the card played (bob's 1 kHz, read back from the test I2S) around each
# switch (0.5 s before to 1.5 s after the key) has no gap longer than 100 ms
# (bob's recording of the phone's microphone is printed).
# Then the saved volumes: changed with the volume keys on each path in that
# call, and on the ringer while bob rings the phone, they are what the phone
# keeps across a restart of ucphoned and a reboot of the board (the disk kept
# between the boots), and the card gets the path's volume again.
# TAP; ~6 min under TCG (two boots take most of it).
#   image-audio-switch.sh BUILD_DIR
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
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
W=$(mktemp -d "${TMPDIR:-/tmp}/ucphone-audio-switch.XXXXXX")
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
ctl() { guest "ucphonectl $*" 20 2>/dev/null; }
quiet() { "$@" >/dev/null; }
GAP_MS=100
audio_js() { guest 'ucphonectl --json status' 20 2>/dev/null | jq -c "$1" 2>/dev/null; }
# route_is NAME: the daemon's audio path (status .audio.route)
route_is() {
	local i
	for i in $(seq 10); do
		[ "$(audio_js .audio.route)" = "\"$1\"" ] && return 0
		sleep 0.5
	done
	return 1
}
# volume_is V [SECONDS]: the ES8311's DAC volume register (0x32, as the
# codec driver's regmap holds it; the image has no amixer) reads V
volume_is() {
	guest_wait "grep -q '^32: $(printf %02x "$1")\$' /sys/kernel/debug/regmap/*0018*/registers" "${2:-5}"
}
dac() { guest "sed -n 's/^32: //p' /sys/kernel/debug/regmap/*0018*/registers" 10 2>/dev/null; }
# dapm_on WIDGET: the card's DAPM widget is powered (debugfs asoc/<card>/dapm)
dapm_on() { guest "grep -q ': On' /sys/kernel/debug/asoc/*/dapm/'$1'" 10 >/dev/null 2>&1; }
dapm_off() { guest "grep -q ': Off' /sys/kernel/debug/asoc/*/dapm/'$1'" 10 >/dev/null 2>&1; }
# The microphone hears 500 Hz (bob sends 1 kHz: the two apart, and the
# speakerphone's echo canceller has nothing of the far end's to take out).
board_feed_500() {
	guest 'd=/sys/kernel/debug/ucphone-test-i2s
printf "\000\000\176\030\101\055\041\073\000\100\041\073\101\055\176\030\000\000\202\347\277\322\337\304\000\300\337\304\277\322\202\347" >/tmp/tone
for i in $(seq 15); do cat /tmp/tone /tmp/tone >/tmp/tone2 && mv /tmp/tone2 /tmp/tone; done
cat /tmp/tone >$d/capture && rm /tmp/tone' 30 >/dev/null
}
# switch WHAT ACTION...: the card's played byte count just before the
# action, in the same guest command, into SWITCH_AT[]
SWITCH_AT=() SWITCH_WHAT=()
played_bytes() { guest 'wc -c </sys/kernel/debug/ucphone-test-i2s/playback' 10 2>/dev/null | tr -d ' '; }
switch() {
	local what=$1 b
	shift
	b=$(played_bytes)
	"$@"
	SWITCH_AT+=("${b:-0}") SWITCH_WHAT+=("$what")
}
booted() {
	check "$1: the phone boots from its disk" image_wait_ready 400
	check "$1: the ucphone sound card is up" guest_wait 'grep -q ucphone /proc/asound/cards' 60
	check "$1: ucphoned answers" guest_wait 'ucphonectl info >/dev/null' 60
}
cleanup() {
	bob hangup 2>/dev/null
	if [ "$fails" -gt 0 ] && [ -n "$IMAGE_DIR" ]; then
		guest 'grep -E "audio|call state" /var/log/ucphoned.log | tail -n 40' 10 2>/dev/null |
			sed 's/^/# guest: /'
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
# the board's own disk, kept from one boot to the next
cp --sparse=always "$DISK" "$W/disk.img"
t0=$SECONDS
image_boot --disk "$W/disk.img" --persist --net "$TB_NS_SW:br0" --timeout 900
booted "first boot"
check "DHCP lease" guest_wait 'ucphonectl --json status | grep -q "\"state\": *\"bound\""' 90
pass=$(cat "$TB_USER_PASS_FILE")
guest "ucphonectl signin --address '$TB_USER_ADDRESS' --user '${TB_USER_DOMAIN_USER//\'/}' --password-stdin <<'EOF'
$pass
EOF" 30 >/dev/null
unset pass
check "signed in: Registered" guest_wait 'ucphonectl --json status | grep -q "\"state\": *\"registered\""' 120
board_feed_500

# The call, dialled hands-free from the keypad.
bob_mark
board_press speaker
for k in 2 0 0 1 '#'; do board_press "$k"; done
check "speaker key, 2001#: connected to bob" call_is connected 30
check "the call is on the speakerphone" route_is Speakerphone
sleep 2
board_played_clear
sleep 2
# the rate the card plays at, for byte offsets into its recording
hw=$(guest 'cat /proc/asound/ucphone/pcm0p/sub0/hw_params' 10 2>/dev/null)
rate=$(awk '$1 == "rate:" { print $2 }' <<<"$hw") ch=$(awk '$1 == "channels:" { print $2 }' <<<"$hw")
echo "# the card plays at ${rate:-?} Hz, ${ch:-?} channel(s)"
guest 'ls /sys/kernel/debug/asoc/*/dapm/ /sys/kernel/debug/regmap/ 2>&1 | tr "\n" " "' 10 | sed 's/^/# debugfs: /'
echo "# DAC register: $(dac)"

switch "handset lifted" board_hook up
check "lifting the handset: the handset path" route_is Handset
check "the earpiece is powered, the speaker is not" eval 'dapm_on Earpiece && dapm_off Speaker'
check "the call goes on" call_is connected 2
board_press voldown
board_press voldown
check "two volume-down on the handset: DAC 179" volume_is 179
sleep 1.5

switch "speaker key" board_press speaker
check "the speaker key: the speakerphone path" route_is Speakerphone
check "the speaker is powered, the earpiece is not" eval 'dapm_on Speaker && dapm_off Earpiece'
check "the speakerphone's own volume (DAC 191)" volume_is 191
check "the call goes on (the handset still lifted)" call_is connected 2
board_press volup
check "volume-up on the speakerphone: DAC 197" volume_is 197
sleep 1.5

switch "headset key" board_press headset
check "the headset key: the headset path" route_is Headset
check "the headset earphone is powered, the speaker is not" \
	eval 'dapm_on "Headset Earphone" && dapm_off Speaker'
check "the call goes on" call_is connected 2
for i in 1 2 3; do board_press voldown; done
check "three volume-down on the headset: DAC 173" volume_is 173
sleep 1.5

switch "headset key again" board_press headset
check "the headset key again: back to the lifted handset" route_is Handset
check "the handset's volume comes back with it (DAC 179)" volume_is 179
check "the call goes on" call_is connected 2
sleep 2
end_bytes=$(played_bytes)
board_played "$W/card.wav"
check "putting the handset down hangs up" eval 'board_hook down && call_is idle 15'
sleep 1

# The glitch at each switch: what the card played from 0.5 s before the key
# to 1.5 s after it (the key's path through the guest takes up to ~0.3 s).
bps=$(( ${rate:-8000} * ${ch:-1} * 2 ))
echo "# the card played $(( ${end_bytes:-0} / bps )) s of the call; switches at bytes ${SWITCH_AT[*]}"
for i in "${!SWITCH_AT[@]}"; do
	at=$(awk -v b="${SWITCH_AT[$i]}" -v r="$bps" 'BEGIN { printf "%.3f", b / r - 0.5 }')
	sox -q "$W/card.wav" "$W/sw$i.wav" trim "$at" 2.0 2>/dev/null
	res=$(tone_ok "$W/sw$i.wav" --freq 1000 --seconds 1.9 --max-gap-ms "$GAP_MS" 2>&1)
	echo "# ${SWITCH_WHAT[$i]} at ${at} s + 0.5 s: the card played: $res"
	check "${SWITCH_WHAT[$i]}: the card's 1 kHz from bob has no gap over $GAP_MS ms across the switch" \
		tone_ok "$W/sw$i.wav" --freq 1000 --seconds 1.9 --max-gap-ms "$GAP_MS"
done
# the same measure away from any switch, for the guest's own noise (TCG)
sox -q "$W/card.wav" "$W/calm.wav" trim 0.2 1.5 2>/dev/null
echo "# no switch (the first 1.5 s): $(tone_ok "$W/calm.wav" --freq 1000 --seconds 1.4 --max-gap-ms "$GAP_MS" 2>&1)"
# What bob heard of the phone's microphone over the whole call, printed, not
# asserted: bob's recording has a stretch of ~10 s far below the rest after
# a switch. Each path's microphone has its own gain; the likely cause (not
# confirmed) is the voice detector taking a steady tone under -30 dBov for
# background and sending comfort noise instead. A check of the capture side
# across switches wants speech, not a steady tone.
dec=$(bob_dec)
len=$(soxi -D "$dec" 2>/dev/null | cut -d. -f1)
secs=$(( ${len:-3} - 2 ))
echo "# bob heard over $secs s of the call, across the four switches: $(tone_ok "$dec" --freq 500 --seconds "$secs" --max-gap-ms "$GAP_MS" --within-db 30 2>&1)"

# The ringer: bob calls, the volume keys while it rings set the ringer's.
bob dial "sip:$TB_USER_ADDRESS"
check "bob calls: the phone rings" call_is ringing-in 20
check "status: ringing" test "$(audio_js .audio.ringing)" = true
check "the ringer's volume on the card while it rings (DAC 191)" volume_is 191
for i in 1 2 3; do board_press volup; done
check "three volume-up while ringing: the ringer's DAC 209" volume_is 209
check "ucphonectl answer" quiet ctl answer
check "connected" call_is connected 10
check "answered: the route's volume again (handset, DAC 179)" volume_is 179
check "ucphonectl hangup" quiet ctl hangup
check "idle" call_is idle 10
want='{"Handset":70,"Headset":68,"Speakerphone":77,"Ringer":82}'
got=$(audio_js .audio.volumes)
check "status keeps every volume ($got)" test "$got" = "$want"
guest 'cat /data/ucphone/state/volume 2>/dev/null || find / -xdev -name volume -path "*ucphone*" 2>/dev/null' 10 |
	sed 's/^/# volume file: /'

# A restart of ucphoned (init respawns it).
guest 'kill $(pidof ucphoned)' 10 >/dev/null
sleep 2
check "restart: ucphoned answers again" guest_wait 'ucphonectl info >/dev/null' 60
got=$(audio_js .audio.volumes)
check "restart: the volumes kept ($got)" test "$got" = "$want"
check "restart: the card gets the handset's volume (DAC 179)" volume_is 179 10

# A reboot: the board comes back from the same disk.
guest 'reboot' 5 >/dev/null
check "reboot: the board goes down" image_wait_exit 120
rm -rf "$IMAGE_DIR"
image_boot --disk "$W/disk.img" --persist --net "$TB_NS_SW:br0" --timeout 600
booted "after the reboot"
got=$(audio_js .audio.volumes)
check "reboot: the volumes kept ($got)" test "$got" = "$want"
check "reboot: the card gets the handset's volume (DAC 179)" volume_is 179 20
echo "# $((SECONDS - t0)) s from QEMU's first start"
echo "1..$n"
[ "$fails" -eq 0 ]
