#!/bin/bash
# Device Update against the stand-in for the OCS 2007 R2 Device Update service
# (testbed/devupdate/devupdate_fixture.py behind nginx, HTTPS with the bed's certificate):
# a phone at 1.0.199.123 offered 3.5.6907.35 and 1.0.522.101 together takes 1.0.522.101
# (never the direct jump), its download cut once and resumed with a Range, the CMS
# signature checked against the test vendor root, then the installer; restarted "into"
# 1.0.522.101 it takes 3.5.6907.35. At sign-in it asks the provisioned URL. Each refused
# case (bad signature, tampered image, truncated image, wrong size, another model,
# oversized, downgrade) leaves no file and says why; a download stopped by a daemon
# restart resumes with a Range. No credentials go to the update server, and the
# password reaches no log or status.
#
# On this host the installer is not RAUC: --update-installer is a small script (below)
# that records the image path it got, compares the file with what the fixture served
# for the version expected, and exits 0 (1 on a mismatch). RAUC's own install is
# tested with the image (tests/image).
#   device-update.sh BUILD_DIR
set -uo pipefail
# shellcheck source=lib/phone-daemon.sh
. "$(dirname "$0")/lib/phone-daemon.sh"
# shellcheck source=lib/signin.sh
. "$(dirname "$0")/lib/signin.sh"
trap cleanup EXIT
echo "TAP version 13"
# a failure shows the update section and the fixture's last requests
check() {
  local d=$1; shift
  if "$@"; then ok "$d"; else
    not_ok "$d" "update: $(js '.update | tojson')" "fixture: $(tail -n 3 "$LOG" 2>/dev/null | cut -c1-300)"
  fi
}

D=$TB_RUN/devupdate
LOG=$D/requests.log
"$TB_DIR/devupdate.sh" start || { not_ok "the Device Update stand-in starts"; exit 1; }

# The installer stand-in: what it got, and whether that is what the server holds.
cat > "$W/install.sh" <<EOS
#!/bin/bash
want=\$(cat "$W/expect")
if cmp -s "\$1" "$D/\$want/CPE.nbt"; then r=same; else r=different; fi
echo "\$1 \$want \$r \$(sha256sum < "\$1" | cut -c1-16)" >> "$W/installed.log"
echo "installing \$1: \$r as the served \$want"
[ \$r = same ]
EOS
chmod +x "$W/install.sh"
: > "$W/installed.log"

# Before sign-in the phone knows only its public roots (the bed's CA is learned from AD at
# sign-in): here the bed's CA stands for the public CA that issued the update server's
# certificate.
start_phone() {
  daemon_start --ca-bundle "$TB_CA_PEM" --update-version-file "$W/version" --update-vendor-root "$D/vendor-root.pem" \
    --update-installer "$W/install.sh" --update-max-size 1048576 --update-serial SN0000001
}
st() { js ".update.$1"; }
ustate() { wait_js ".update.state == \"$1\"" "$2"; }
log_after() { tail -n "+$(( $1 + 1 ))" "$LOG"; }
lines() { wc -l < "$LOG"; }
no_files() { [ -z "$(ls -A "$W/state/update" 2>/dev/null)" ]; }
installs() { wc -l < "$W/installed.log"; }

# --- 1.0.199.123 -> 1.0.522.101, the download cut once -----------------------------------
echo 1.0.199.123 > "$W/version"
echo 1.0.522.101 > "$W/expect"
"$TB_DIR/devupdate.sh" case cut-once
l0=$(lines)
t0=$(date +%s%N)
start_phone
check "power-on check, download, verify, install: installed within 60 s" ustate installed 60
t1=$(date +%s%N)
echo "# 1.0.199.123 -> 1.0.522.101 (cut once): $(( (t1 - t0) / 1000000 )) ms from daemon start"
post=$(log_after "$l0" | jq -c 'select(.method == "POST")' | head -n 1)
check "asked https://ucupdates-r2.corp.test (before sign-in: the DHCP domain)" \
  test "$(jq -r .host <<<"$post")" = "ucupdates-r2.$TB_DOMAIN"
check "the request names the device: type, model, revision, MAC, serial, locale, version" \
  test "$(jq -r '.request | [.DeviceType, .Vendor, .Model, .HardwareRevision, .SerialNumber, .Locale, .Version] | @tsv' <<<"$post")" = \
  "$(printf 'UCPhone\tPolycom\tCX700\tA\tSN0000001\ten-US\t1.0.199.123')"
mac=$(ip -n "$TB_NS_PHONE" link show eth0 | awk '/link\/ether/ {print $2}' | tr : -)
check "the request carries the phone's MAC ($mac)" test "$(jq -r .request.MACAddress <<<"$post")" = "$mac"
check "the first image download was cut halfway" \
  test "$(log_after "$l0" | jq -r 'select(.cut == true) | .path' | head -n 1)" = \
  "/DeviceUpdateFiles_Int/UCPhone/Polycom/CX700/A/1.0.522.101/CPE.nbt"
range=$(log_after "$l0" | jq -r 'select(.status == 206 and (.path | endswith("1.0.522.101/CPE.nbt"))) | .range' | head -n 1)
half=$(( $(stat -c %s "$D/1.0.522.101/CPE.nbt") / 2 ))
check "then resumed with Range: bytes=$half- (206)" test "$range" = "bytes=$half-"
check "status counts the resume" test "$(st resumes)" -ge 1
check "never the direct jump: nothing of 3.5.6907.35 fetched" \
  test "$(log_after "$l0" | jq -r 'select(.method == "GET") | .path' | grep -c 3.5.6907.35)" = 0
check "the installer got the image the server holds for 1.0.522.101" \
  grep -q "/update/CPE.nbt 1.0.522.101 same " "$W/installed.log"
check "status: offered 1.0.522.101, waiting for the restart, installer exit 0" \
  test "$(js '[.update.offered, .update.pending_restart, .update.installer.exit] | @tsv')" = \
  "$(printf '1.0.522.101\t1.0.522.101\t0')"
check "no download left in the state directory" no_files
ctl update check >/dev/null
check "checked again: 1.0.522.101 not taken twice before the restart" ustate installed 20
check "and still no jump to 3.5.6907.35" test "$(installs)" = 1

# --- "rebooted" into 1.0.522.101: -> 3.5.6907.35 -----------------------------------------
daemon_stop
echo 1.0.522.101 > "$W/version"
echo 3.5.6907.35 > "$W/expect"
l0=$(lines)
t0=$(date +%s%N)
start_phone
check "at 1.0.522.101 the phone takes 3.5.6907.35" ustate installed 60
echo "# 1.0.522.101 -> 3.5.6907.35: $(( ($(date +%s%N) - t0) / 1000000 )) ms from daemon start"
check "the installer got the image the server holds for 3.5.6907.35" \
  grep -q "/update/CPE.nbt 3.5.6907.35 same " "$W/installed.log"
check "ucphonectl update status prints it" \
  bash -c "ip netns exec $TB_NS_PHONE $BUILD/userspace/ctl/ucphonectl -c $W/control update status | grep -q 'installed 1.0.522.101, offered 3.5.6907.35'"

# --- at sign-in: the provisioned URL -----------------------------------------------------
l0=$(lines)
check "ucphonectl signin accepted" signin
check "signs in" sip_is registered 40
got_signin_post() { log_after "$l0" | jq -e 'select(.method == "POST" and .host == "web.corp.test")' >/dev/null; }
wait_signin_post() { local i; for i in $(seq 150); do got_signin_post && return 0; sleep 0.2; done; return 1; }
check "at sign-in the phone asks the provisioned https://web.corp.test/RequestHandler/ucdevice.upx" \
  wait_signin_post
check "the sign-in check says why it ran" wait_js '.update.last_check_reason == "sign-in"' 10
signout

# --- refused cases -----------------------------------------------------------------------
refused() {	# CASE VERSION REASON-REGEX
  local n0 why
  n0=$(installs)
  echo "$2" > "$W/version"
  "$TB_DIR/devupdate.sh" case "$1"
  wait_js '.update.state != "checking" and .update.state != "downloading" and .update.state != "verifying"' 30
  ctl update check >/dev/null
  wait_js '.update.state == "refused"' 30
  why=$(st last_error)
  if [ "$(st state)" = refused ] && grep -Eq "$3" <<<"$why" && no_files && [ "$(installs)" = "$n0" ]; then
    ok "$1: refused, no file left, reason: $why"
  else
    not_ok "$1: refused, no file left, reason matches /$3/" "state $(st state), reason: $why" \
      "files: $(ls -A "$W/state/update" | tr '\n' ' ')" "installs: $(installs) (was $n0)"
  fi
}
daemon_stop
echo 1.0.522.101 > "$W/version"
"$TB_DIR/devupdate.sh" case none
start_phone
check "no module offered: up to date" ustate up-to-date 30
refused bad-signature 1.0.522.101 '^signature refused'
refused tampered 1.0.522.101 '^signature refused'
refused truncated 1.0.522.101 '^signature refused'
refused wrong-size 1.0.522.101 '^image of [0-9]+ bytes, the answer announced [0-9]+$'
refused other-model 1.0.522.101 '^image for another model \(CX800, this is CX700\)$'
refused oversized 1.0.522.101 '^image larger than the size cap \(1048576 bytes\)$'
refused downgrade 3.5.6907.35 '^1\.0\.199\.123 would be a downgrade from 3\.5\.6907\.35$'
echo 1.0.199.123 > "$W/expect"
ctl update check --allow-downgrade >/dev/null
check "ucphonectl update check --allow-downgrade takes 1.0.199.123" ustate installed 60
check "the installer got the 1.0.199.123 image" grep -q "/update/CPE.nbt 1.0.199.123 same " "$W/installed.log"

# --- a download stopped by a daemon restart resumes with a Range ---------------------------
daemon_stop
echo 1.0.522.101 > "$W/version"
echo 3.5.6907.35 > "$W/expect"
"$TB_DIR/devupdate.sh" case stall-once
start_phone
part=$W/state/update/CPE-3.5.6907.35.nbt.part
has_half() { [ "$(stat -c %s "$part" 2>/dev/null || echo 0)" -ge "$half" ]; }
wait_half() { local i; for i in $(seq 150); do has_half && return 0; sleep 0.2; done; return 1; }
check "the stalled download holds half the image" wait_half
check "status shows the progress (percent 49-51 of the total)" \
  wait_js '.update.state == "downloading" and .update.percent >= 49 and .update.percent <= 51 and .update.total > 0' 5
daemon_stop
check "the part file survives the stop" has_half
l0=$(lines)
start_phone
check "after the restart the download completes and installs" ustate installed 60
range=$(log_after "$l0" | jq -r 'select(.path | endswith("3.5.6907.35/CPE.nbt")) | .range' | head -n 1)
check "resumed from the part file: Range: bytes=$half- (not from 0)" test "$range" = "bytes=$half-"
check "the installer got the whole 3.5.6907.35 image" \
  test "$(grep -c "/update/CPE.nbt 3.5.6907.35 same " "$W/installed.log")" = 2

# --- secrets -----------------------------------------------------------------------------
check "no credentials were ever sent to the update server" \
  test "$(jq -r 'select(.credentials == true)' "$LOG" | wc -l)" = 0
pass=$(cat "$TB_USER_PASS_FILE")
check "the password is in no log, request or status" \
  bash -c "! grep -qF -- \"\$1\" '$W/daemon.log' '$LOG' '$W/installed.log' && ! ip netns exec $TB_NS_PHONE $BUILD/userspace/ctl/ucphonectl -c $W/control status --json | grep -qF -- \"\$1\"" _ "$pass"

echo "1..$n"
[ "$fails" -eq 0 ]
