#!/bin/bash
# The phone's sound card with userspace's standard tools, inside the test
# VM: upstream's alsa/mixer-test (built from linux-source) on every control
# of the card, the repo's ALSA UCM (userspace/ucm) loaded by alsaucm,
# switching the card's route per device, and ucphoned switching the route
# on hook and keys (events from ucphone-test-source) through that UCM; the
# microphone path (the test I2S's capture feed through the ES8311 card and
# alsa-lib's default PCM) at 8, 16 and 48 kHz, measured by Goertzel. TAP.
set -u
build=${1:-build}
repo=$(pwd)
work=$(mktemp -d)
n=0 failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
wait_for() { local i; for i in $(seq 1 50); do eval "$1" && return 0; sleep 0.1; done; return 1; }
volume() { amixer -c ucphone cget name='DAC Playback Volume' | sed -n "s/.*: values=\([0-9]*\).*/\1/p"; }
emit() { echo "$1" >/sys/kernel/debug/ucphone-test-source/emit; }
route() { amixer -c ucphone cget name='Audio Route' | sed -n "s/.*: values=\([0-9]\).*/\1/p"; }

cleanup() {
	[ -n "${events_pid:-}" ] && kill "$events_pid" 2>/dev/null
	[ -n "${daemon_pid:-}" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid"
	rmmod ucphone-test-source 2>/dev/null
	rmmod ucphone-audio-board ucphone-card ucphone-es8311 ucphone-test-i2s \
		i2c-stub 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..18"
modprobe i2c-stub chip_addr=0x18
modprobe -a ucphone-es8311 ucphone-test-i2s ucphone-card ucphone-audio-board
check "the ucphone card appears" wait_for '[ -e /proc/asound/ucphone ]'

# mixer-test walks every card; in the VM ours is the only one.
"$build/tests/kselftest/alsa_mixer_test_upstream" >"$work/mixer.log" 2>&1
rc=$?
sed 's/^/# mixer-test: /' "$work/mixer.log" | grep -E 'not ok|Totals|skip' | head -40
check "upstream alsa/mixer-test passes on the card" \
	test "$rc" = 0 -a -z "$(grep '^not ok' "$work/mixer.log")"

# The microphone at each card rate: the test I2S feeds capture raw samples
# at the rate the stream runs at, so a 1 kHz tone is made at that rate
# (16-bit mono, half scale) and arecord through "default" (plug over hw,
# as ucphoned opens it) must hear 1 kHz for 1.5 s without a gap.
feed_tone() {	# feed_tone RATE: 1 kHz made at RATE, 16 s of it
	python3 -c 'import math, struct, sys
r = int(sys.argv[1]) // 1000
period = b"".join(struct.pack("<h", round(16384 * math.sin(2 * math.pi * i / r))) for i in range(r))
sys.stdout.buffer.write(period * 16000)' "$1" \
		>/sys/kernel/debug/ucphone-test-i2s/capture
}
heard() {	# heard RATE FREQ: arecord 2 s at RATE; the tone check's verdict
	arecord -q -D default -r "$1" -f S16_LE -c 1 -d 2 "$work/cap-$1.wav" &&
		python3 "$repo/tests/integration/lib/tone_check.py" "$work/cap-$1.wav" \
			--freq "$2" --seconds 1.5 --max-gap-ms 20 | sed "s/^/# capture at $1 Hz: /"
	test "${PIPESTATUS[0]}" = 0
}
for rate in 8000 16000 48000; do
	feed_tone "$rate"
	check "the microphone's 1 kHz reaches capture at $rate Hz" heard "$rate" 1000
done
# Made at 8 kHz but captured at 16: the bus carries the samples as they
# are, so the tone is heard an octave up, at 2 kHz, and 1 kHz is silent.
feed_tone 8000
check "a tone made at 8 kHz and captured at 16 kHz is heard at 2 kHz, not 1 kHz" \
	eval 'heard 16000 2000 && ! heard 16000 1000 >/dev/null'

# alsa-lib reads UCM from ALSA_CONFIG_UCM2: Debian's top file and library,
# the repo's files laid out as `meson install` lays them out.
ucm=$work/ucm2
mkdir -p "$ucm/conf.d/ucphone"
ln -s /usr/share/alsa/ucm2/ucm.conf /usr/share/alsa/ucm2/lib "$ucm/"
ln -s "$repo/userspace/ucm/ucphone" "$ucm/ucphone"
ln -s ../../ucphone/ucphone.conf "$ucm/conf.d/ucphone/ucphone.conf"
export ALSA_CONFIG_UCM2=$ucm
verbs=$(alsaucm -c ucphone list _verbs 2>&1)
echo "$verbs" | sed 's/^/# alsaucm: /'
check "alsaucm lists the Voice Call and HiFi verbs" \
	eval 'echo "$verbs" | grep -q "Voice Call" && echo "$verbs" | grep -q HiFi'
devices=$(alsaucm -c ucphone set _verb "Voice Call" list _devices 2>&1)
echo "$devices" | sed 's/^/# alsaucm: /'
check "Voice Call has the Handset, Headset and Speakerphone devices" \
	eval 'for d in Handset Headset Speakerphone; do echo "$devices" | grep -q "$d" || exit 1; done'

got=
for dev in Headset Speakerphone Handset; do
	alsaucm -c ucphone set _verb "Voice Call" set _enadev "$dev" >/dev/null 2>&1
	got="$got$(route)"
done
check "enabling Headset, Speakerphone, Handset sets Audio Route 1, 2, 0 (got $got)" \
	test "$got" = 120

# The daemon, with the same UCM in its environment.
"$build/userspace/daemon/ucphoned" -v -c "$work/control" -S "$work/state" \
	>"$work/daemon.log" 2>&1 &
daemon_pid=$!
modprobe ucphone-test-source
wait_for 'grep -q "audio mode" "$work/daemon.log"'
"$build/userspace/ctl/ucphonectl" --control "$work/control" --json events \
	>"$work/events" 2>&1 &
events_pid=$!
sleep 0.5
emit "key 213 1"	# KEY_SOUND: speakerphone
check "the speaker key puts the call on the speakerphone" wait_for '[ "$(route)" = 2 ]'
emit "key 115 1"	# KEY_VOLUMEUP: +3 dB on this route
check "volume up raises DAC Playback Volume by 6 steps" wait_for '[ "$(volume)" = 197 ]'
emit "hook off"
check "lifting the handset takes the call to it, at its own volume" \
	wait_for '[ "$(route)$(volume)" = 0191 ]'
emit "key 169 1"	# KEY_PHONE: headset
check "the headset key moves the call to the headset" wait_for '[ "$(route)" = 1 ]'
check "the card reports the switch as an audio-route event (ucphonectl events)" \
	wait_for 'grep -q "\"event\": *\"audio-route\".*\"route\": *\"headset\"" "$work/events"'

# A card that goes away and comes back gets the daemon's mode again.
echo ucphone-sound-card >/sys/bus/platform/drivers/ucphone-sound-card/unbind
echo ucphone-sound-card >/sys/bus/platform/drivers/ucphone-sound-card/bind
check "after the card rebinds the daemon restores the headset route" \
	wait_for '[ -e /proc/asound/ucphone ] && [ "$(route)" = 1 ]'

# The volumes the keys set are the daemon's across a restart: the state
# directory's file, status, and the card (the handset's own after a start).
kill "$events_pid" 2>/dev/null; events_pid=
kill "$daemon_pid" && wait "$daemon_pid"
sed 's/^/# volume file: /' "$work/state/volume"
check "the volume file keeps the speakerphone's +3 dB (Speakerphone=77.3)" \
	grep -qx "Speakerphone=77.3" "$work/state/volume"
"$build/userspace/daemon/ucphoned" -v -c "$work/control" -S "$work/state" \
	>>"$work/daemon.log" 2>&1 &
daemon_pid=$!
vols() { "$build/userspace/ctl/ucphonectl" --control "$work/control" --json status 2>/dev/null |
	jq -c '.audio.volumes'; }
check "after a restart status has the kept volumes" \
	wait_for '[ "$(vols)" = "{\"Handset\":75,\"Headset\":75,\"Speakerphone\":77,\"Ringer\":75}" ]'
emit "key 213 1"	# KEY_SOUND: speakerphone
check "after a restart the speakerphone gets its kept volume (DAC 197)" \
	wait_for '[ "$(route)$(volume)" = 2197 ]'
if [ "$failed" -gt 0 ]; then
	sed 's/^/# daemon: /' "$work/daemon.log"
fi
exit $((failed > 0))
