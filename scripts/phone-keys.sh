# shellcheck shell=bash
# The virtual dev board's keypad, hook switch and reset button, pressed from
# the host: each key is a line of the board's gpio-sim bank "kpd-sim"
# (tests/kmod/ucphone-test-board.c wires it like the phone's key matrix), so
# a press takes the same path as a finger on a real phone: the line's level,
# the matrix scan in ucphone-keypad, the key event, ucphoned. Sourced by
# scripts/phone.sh after tests/image/lib.sh (it uses `guest`).
#   board_press KEY        press and release KEY (0-9 * # or a name below)
#   board_hook up|down     lift the handset / put it back
#   phone_keys             the terminal phone: a status line and the keys
#   phone_tour             the scripted tour when there is no terminal

# kpd-sim line of each key: row * 6 + column, the board's keymap.
declare -A BOARD_LINE=(
	[1]=0 [2]=1 [3]=2 [4]=6 [5]=7 [6]=8 [7]=12 [8]=13 [9]=14
	['*']=18 [0]=19 ['#']=20
	[volup]=3 [voldown]=9 [hold]=15 [menu]=21
	[mute]=4 [speaker]=10 [headset]=16 [ok]=22
	[message]=5 [redial]=11 [transfer]=17 [directory]=23
	[reset]=25
)
BOARD_HOOK_LINE=24
BOARD_HOOK=down

# The sysfs "pull" file of kpd-sim line $1, in the guest's shell.
board_pull() {
	printf 'b=/sys/kernel/config/gpio-sim/ucphone-kpd; echo %s >/sys/devices/platform/$(cat $b/dev_name)/$(cat $b/bank0/chip_name)/sim_gpio%s/pull' "$2" "$1"
}

board_press() {
	local line=${BOARD_LINE[$1]:-}
	[ -n "$line" ] || return 2
	guest "$(board_pull "$line" pull-up); sleep 0.15; $(board_pull "$line" pull-down)" 10 >/dev/null
}

board_hook() {
	local pull='pull-down'
	[ "$1" = up ] && pull='pull-up'
	guest "$(board_pull "$BOARD_HOOK_LINE" "$pull")" 10 >/dev/null && BOARD_HOOK=$1
}

# The board's audio bus (the test I2S controller's debugfs files): the
# microphone hears a 1 kHz tone, and what the card played is cleared and
# read back. The bus carries raw samples at the rate the card runs at, so
# the tone is made at the rate ucphoned runs the card at (its
# --audio-rate, else audio-rate in its configuration file, else its
# default): 16-bit mono, one period of rate / 1000 samples at half scale,
# doubled to about a minute (at most the 4 MiB feed).
#   board_card_rate       the rate ucphoned runs the card at
#   board_feed_tone       feed the tone at that rate
board_card_rate() {
	guest 'p=$(pidof ucphoned); r=
set -- $(tr "\0" " " <"/proc/${p%% *}/cmdline" 2>/dev/null)
while [ $# -gt 0 ]; do case $1 in --audio-rate) r=${2:-};; --audio-rate=*) r=${1#*=};; esac; shift; done
[ -n "$r" ] || r=$(sed -n "s/^[ \t]*audio-rate[ \t]*=[ \t]*\([0-9]*\).*/\1/p" /etc/ucphone/ucphoned.conf 2>/dev/null)
[ -n "$r" ] || r=$(ucphoned --help 2>&1 | grep -A1 -e --audio-rate | sed -n "s/.*[ ,]\([0-9][0-9]*\) (default).*/\1/p")
echo "$r"' 20 2>/dev/null | grep -E '^[0-9]+$'
}
board_feed_tone() {
	local rate period
	rate=$(board_card_rate) || { echo "board: no ucphoned card rate" >&2; return 1; }
	period=$(python3 -c 'import math, struct, sys
r = int(sys.argv[1]) // 1000
b = b"".join(struct.pack("<h", round(16384 * math.sin(2 * math.pi * i / r))) for i in range(r))
print("".join("\\%03o" % c for c in b))' "$rate")
	guest "d=/sys/kernel/debug/ucphone-test-i2s
printf '$period' >/tmp/tone
while [ \$(wc -c </tmp/tone) -lt $((rate * 2 * 64)) ] && [ \$(wc -c </tmp/tone) -le 2097152 ]; do cat /tmp/tone /tmp/tone >/tmp/tone2 && mv /tmp/tone2 /tmp/tone; done
cat /tmp/tone >\$d/capture && rm /tmp/tone" 30 >/dev/null
}
board_played_clear() { guest 'echo >/sys/kernel/debug/ucphone-test-i2s/playback' 10 >/dev/null; }
# board_played WAV: what the card played since the clear, as a mono wav at
# the rate and channels the playback stream ran at (read before it closes)
board_played() {
	local hw rate ch raw=${1%.wav}.raw
	hw=$(guest 'cat /proc/asound/ucphone/pcm0p/sub0/hw_params' 10 2>/dev/null)
	rate=$(awk '$1 == "rate:" { print $2 }' <<<"$hw")
	ch=$(awk '$1 == "channels:" { print $2 }' <<<"$hw")
	# gzip'd on the way (a tone packs small): the console is slow
	guest 'p=/sys/kernel/debug/ucphone-test-i2s/playback
if command -v gzip >/dev/null; then gzip -c $p; else cat $p; fi | base64' 120 |
		base64 -d | gzip -dcf >"$raw" || return 1
	sox -q -t raw -r "${rate:-8000}" -e signed -b 16 -c "${ch:-1}" "$raw" -c 1 "$1" 2>/dev/null
}

# One line: registration, the phone's clock, the call.
phone_status_line() {
	local st calls reg clock call
	st=$(guest 'ucphonectl --json status' 10 2>/dev/null)
	calls=$(guest 'ucphonectl --json calls' 10 2>/dev/null)
	reg=$(jq -r '.sip.status_text // .sip.state // "?"' <<<"$st" 2>/dev/null)
	clock=$(guest 'date +%H:%M:%S' 5 2>/dev/null)
	call=$(jq -r 'if (.calls | length) == 0 then "\(.state)" +
			(if (.digits // "") != "" then " \(.digits)" else "" end)
		else .calls[0] | "\(.state) \(.far_end // "")" +
			(if .codec then " \(.codec)" else "" end) +
			(if .srtp then " SRTP" + (if .srtp_in_kernel then " in kernel" else " libsrtp2" end)
			 else "" end) end' <<<"$calls" 2>/dev/null)
	printf '%s | %s | %s | handset %s' "${reg:-?}" "${clock:-?}" "${call:-?}" \
		"$([ "$BOARD_HOOK" = up ] && echo lifted || echo down)"
}

phone_keys_help() {
	cat <<'EOF'
The phone's keys (each presses the simulated keypad's line through gpio-sim):
  0-9 * #     dial pad            h   hook: lift / put back the handset
  s  speaker   o  hold   t  transfer   m  mute   e  headset   r  redial
  v  message   d  directory   n  menu   Enter  ok   +/-  volume
  :  a command on the phone's shell (e.g. ":ucphonectl dial bob",
     ":ucphonectl calls", ":ucphonectl hangup"); ":press transfer" presses a key
     by name (hook speaker hold transfer mute headset redial message
     directory menu ok volup voldown reset)
  ?  this help     q  power the phone off and quit
Lift the hook (h), dial 2001 (bob's extension on the bed) and #; h hangs up.
d opens contacts, call log and voice mail on the screen; - and + move, Enter dials.
EOF
}

# The phone's screen (ucphone-ui on the board's screen console, hvc1,
# scripts/boot-image.sh's DIR/screen.sock) in the top 12 rows of this
# terminal; everything else scrolls below it. 0 when it is shown.
PHONE_SCREEN_PID=''
phone_screen_start() {
	local sock=$IMAGE_DIR/screen.sock rows
	rows=$(tput lines 2>/dev/null || echo 0)
	[ -S "$sock" ] && [ "$rows" -ge 24 ] || return 1
	printf '\033[2J'
	python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
for _ in range(100):
    try:
        s.connect(sys.argv[1])
        break
    except OSError:
        time.sleep(0.2)
# Ctrl-L: ucphone-ui redraws its whole screen for the terminal just attached
s.sendall(b"\x0c")
out = sys.stdout.buffer
while True:
    data = s.recv(4096)
    if not data:
        break
    out.write(data)
    out.flush()
' "$sock" &
	PHONE_SCREEN_PID=$!
	# the screen redrawn for us (Ctrl-L) comes first
	sleep 2
	printf '\033[14;%sr\033[14;1H' "$rows"
}

phone_screen_stop() {
	[ -n "$PHONE_SCREEN_PID" ] || return 0
	kill "$PHONE_SCREEN_PID" 2>/dev/null
	wait "$PHONE_SCREEN_PID" 2>/dev/null
	PHONE_SCREEN_PID=''
	printf '\033[r\033[2J\033[H'
}

phone_command() {
	local line=$1 key
	case $line in
	'') return ;;
	press\ *|key\ *)
		key=${line#* }
		if [ "$key" = hook ]; then
			board_hook "$([ "$BOARD_HOOK" = up ] && echo down || echo up)"
		else
			board_press "$key" || echo "no key '$key'"
		fi
		;;
	*) guest "$line" 120 ;;
	esac
}

# The terminal phone. Keys are read one at a time; the status line is
# redrawn every second.
phone_keys() {
	local k line last=0 saved
	saved=$(stty -g)
	phone_screen_start && say "the phone's screen (ucphone-ui) is at the top"
	phone_keys_help
	while :; do
		if [ $((SECONDS - last)) -ge 1 ]; then
			printf '\r\033[K%s' "$(phone_status_line)"
			last=$SECONDS
		fi
		IFS= read -rsn1 -t 1 k || continue
		case $k in
		[0-9] | '*' | '#') board_press "$k" ;;
		h) board_hook "$([ "$BOARD_HOOK" = up ] && echo down || echo up)" ;;
		s) board_press speaker ;;
		o) board_press hold ;;
		t) board_press transfer ;;
		m) board_press mute ;;
		e) board_press headset ;;
		r) board_press redial ;;
		v) board_press message ;;
		d) board_press directory ;;
		n) board_press menu ;;
		'') board_press ok ;;
		+) board_press volup ;;
		-) board_press voldown ;;
		:)
			printf '\r\033[Kphone# '
			stty "$saved"
			IFS= read -r line || line=''
			phone_command "$line"
			;;
		'?') printf '\r\033[K'; phone_keys_help ;;
		q) printf '\r\033[K'; break ;;
		*) ;;
		esac
		last=0
	done
	phone_screen_stop
	stty "$saved"
}

# Without a terminal: what a newcomer would do on the phone, with the
# outcome printed. The board's microphone hears 1 kHz; bob sends his 1 kHz.
# 0 when bob answered, SRTP ran in the kernel, the card played bob's tone
# and bob's recording holds the phone's (tone_check.py: Goertzel), and the
# call ended on the hook.
#   phone_tour TONE_CHECK BOB_RECORDINGS_DIR WORK_DIR
phone_tour() {
	local check=$1 rec=$2 w=$3 js rc=0 state before dec out
	board_feed_tone
	board_played_clear
	before=$(ls "$rec" 2>/dev/null | wc -l)
	say "tour: lift the handset, dial 2001 (bob's extension) and # on the keypad"
	board_hook up
	for k in 2 0 0 1 '#'; do board_press "$k"; done
	state=''
	for _ in $(seq 40); do
		state=$(guest 'ucphonectl --json calls' 10 | jq -r '.calls[0].state // "none"' 2>/dev/null)
		[ "$state" = connected ] && break
		sleep 0.5
	done
	if [ "$state" != connected ]; then
		say "tour: the call did not connect (state: ${state:-none})"
		board_hook down
		return 1
	fi
	sleep 7
	js=$(guest 'ucphonectl --json calls' 10)
	say "tour: $(jq -r '.calls[0] | "connected to \(.far_end), \(.codec), \(.srtp_suite) " +
		(if .srtp_in_kernel then "in the kernel (ucphone-srtp)" else "in libsrtp2" end) +
		", set up in \(.setup_ms) ms, \(.rtp_sent) RTP packets sent, \(.rtp_received) received"' <<<"$js")"
	jq -e '.calls[0].srtp_in_kernel == true' <<<"$js" >/dev/null || rc=1
	say "tour: the module's counters:"
	guest 'ucphonectl srtp' 10 | sed 's/^/    /'
	board_played "$w/played.wav"
	if out=$(python3 "$check" "$w/played.wav" --seconds 5); then
		say "tour: the ES8311 card played bob's 1 kHz tone: $out"
	else
		say "tour: the ES8311 card did not play bob's tone: $out"
		rc=1
	fi
	say "tour: put the handset down"
	board_hook down
	for _ in $(seq 20); do
		state=$(guest 'ucphonectl --json calls' 10 | jq -r '.calls[0].state // "idle"' 2>/dev/null)
		[ "$state" = idle ] && break
		sleep 0.5
	done
	say "tour: after hanging up: ${state:-?}"
	[ "$state" = idle ] || rc=1
	sleep 1
	dec=$(ls -t "$rec"/dump-*-dec.wav 2>/dev/null | head -n 1)
	if [ "$(ls "$rec" 2>/dev/null | wc -l)" -gt "$before" ] && [ -n "$dec" ] &&
		out=$(python3 "$check" "$dec" --seconds 5); then
		say "tour: bob heard the phone's microphone (1 kHz): $out"
	else
		say "tour: bob's recording lacks the phone's tone: ${out:-no recording}"
		rc=1
	fi
	return "$rc"
}
