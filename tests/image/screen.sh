#!/bin/bash
# The phone's screen on the image (busybox init): init starts ucphone-ui
# through /usr/libexec/ucphone/ucphone-ui-run; the virtual dev board has no
# display, so it draws on the board's screen console (hvc1), which
# scripts/boot-image.sh connects to DIR/screen.sock and scripts/phone.sh
# shows in the developer's terminal. Checked: ucphone-ui runs, the screen's
# text arrives on the socket (a terminal attaching late gets the whole
# screen: it is redrawn every 2 s), it follows ucphoned (a new phone has no
# sign-in: the sign-in screen), a terminal attaching 20 s after the screen
# changed, sending Ctrl-L as scripts/phone-keys.sh does, sees the current
# screen within 2 s and nothing of the boot screen (the screen never waits
# for a console nobody reads), and init starts it again after a kill. No
# testbed: eth0 sits on a bridge of this test's own, with no DHCP. TAP.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib.sh
. "$repo/tests/image/lib.sh"
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n - $1"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else not_ok "$d"; fi; }
echo "TAP version 13"
ns=ucpscr$$
scratch=$(mktemp -d "${TMPDIR:-/tmp}/ucphone-screen.XXXXXX")
cleanup() {
	if [ "$fails" -gt 0 ] && [ -n "${IMAGE_DIR:-}" ]; then
		guest 'cat /var/log/ucphone-ui.log; ps' 20 2>/dev/null | sed 's/^/# guest: /'
		tail -n 20 "$IMAGE_CONSOLE" 2>/dev/null | sed 's/^/# console: /'
	fi
	image_stop
	ip netns del "$ns" 2>/dev/null
	rm -rf "$scratch" "${IMAGE_DIR:-}"
}
trap cleanup EXIT

env_out=$("$repo/scripts/build-image.sh" --print-env 2>"$scratch/build.log") || {
	sed 's/^/# /' "$scratch/build.log" | tail -n 20
	not_ok "the image builds"
	echo "1..$n"
	exit 1
}
eval "$env_out"
ok "the image builds ($((ROOT_SIZE / 1048576)) MiB root)"
ip netns add "$ns" && ip -n "$ns" link add br0 type bridge && ip -n "$ns" link set br0 up

image_boot --disk "$DISK" --net "$ns:br0" --timeout 400
check "boots to the service console" image_wait_ready 180
check "init runs ucphone-ui" guest_wait 'pidof ucphone-ui >/dev/null' 60

# What a terminal attached to the screen console sees in SECONDS seconds
# (ctrl-l: it asks for the screen as it attaches; UNTIL: stop once that
# text came, a frame later).
#   screen_text SECONDS [ctrl-l|-] [UNTIL]
screen_text() {
	python3 - "$IMAGE_DIR/screen.sock" "$1" "${2:-}" "${3:-}" <<'PY'
import re, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
if sys.argv[3] == 'ctrl-l':
    s.sendall(b'\x0c')
s.settimeout(0.5)
end = time.monotonic() + float(sys.argv[2])
data = b''
until = sys.argv[4].encode()
while time.monotonic() < end:
    try:
        data += s.recv(65536)
    except socket.timeout:
        pass
    if until and until in data and data.endswith(b'\x1b8'):
        break
# the rows' text without the escapes
print(re.sub(rb'\x1b(\[[0-9;?]*[A-Za-z]|[78])', b'\n', data).decode(errors='replace'))
PY
}
# (ucphoned may still be starting on a loaded host: up to 90 s)
check "ucphoned answers on its control socket" guest_wait 'ucphonectl status >/dev/null' 120
t0=$SECONDS
text=$(screen_text 90 - "Password")
took=$((SECONDS - t0))
echo "$text" | grep -v '^ *$' | sort -u | head -n 8 | sed 's/^/# screen: /'
check "the screen console shows the phone's screen: ucphoned's new phone asks for its sign-in" \
	eval 'grep -q "ucphone" <<<"$text" && grep -q "Sign in" <<<"$text" &&
		grep -q "Password" <<<"$text"'
check "within 10 s of ucphoned answering (${took} s; it asks for the status each second)" \
	[ "$took" -le 10 ]
# Nobody attached for 20 s after the sign-in screen came (the run command's
# terminal attaches when the phone is up): then a terminal attaches.
sleep 20
text=$(screen_text 2 ctrl-l)
echo "$text" | grep -v '^ *$' | sort -u | head -n 8 | sed 's/^/# late: /'
check "a terminal attaching late sees the current screen (sign-in) within 2 s" \
	grep -q "Sign in" <<<"$text"
check "and nothing of the boot screen it could not show then" \
	eval '! grep -q "Starting" <<<"$text"'
check "and its Ctrl-L is not echoed into the screen" eval '! grep -q "\^L" <<<"$text"'
# Ctrl-L itself: sent just after a periodic redraw (every 2 s), the whole
# screen comes back well before the next one is due.
ctrl_l=$(python3 - "$IMAGE_DIR/screen.sock" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.settimeout(5)
data = b''
while not data.endswith(b'\x1b8'):     # the end of a frame: a redraw just went out
    data += s.recv(65536)
t0 = time.monotonic()
s.sendall(b'\x0c')
data = b''
while b'Sign in' not in data or not data.endswith(b'\x1b8'):
    data += s.recv(65536)
print(f'{time.monotonic() - t0:.2f}')
PY
) || ctrl_l=99
check "Ctrl-L on the screen console redraws it whole in ${ctrl_l} s (< 1.2 s)" \
	eval 'python3 -c "import sys; sys.exit(not float(sys.argv[1]) < 1.2)" "$ctrl_l"'
pid=$(guest 'pidof ucphone-ui' 20)
guest "kill -KILL $pid" 20 >/dev/null
check "init starts ucphone-ui again after a kill" \
	guest_wait "p=\$(pidof ucphone-ui) && [ \"\$p\" != '$pid' ]" 60
text=$(screen_text 60 - "Password")
check "and the screen comes back" grep -q "Sign in" <<<"$text"
echo "1..$n"
[ "$fails" -eq 0 ]
