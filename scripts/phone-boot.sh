#!/bin/sh
# What the phone's init does at boot (run inside the VM by scripts/phone.sh):
# load the ucphone modules, start the daemon on eth0, wait for the network
# to come up, sign in (when given an identity) and show what the phone
# learned.
#   phone-boot.sh [BUILD [ADDRESS USER PASSWORD-FILE]]
build=${1:-build}
address=${2:-} user=${3:-} pass_file=${4:-}
state=/run/ucphone/state	# the VM's root is read-only; /run is tmpfs
ctl=$build/userspace/ctl/ucphonectl

for module in $(find /lib/modules/"$(uname -r)"/extra -name 'ucphone*.ko' |
	sed 's|.*/||; s|\.ko$||' | sort); do
	modprobe "$module" || echo "phone: modprobe $module failed" >&2
done

mkdir -p /run/ucphone
setsid "$build/userspace/daemon/ucphoned" -S "$state" --interface eth0 \
	>/run/ucphone/ucphoned.log 2>&1 </dev/null &
for _ in $(seq 1 50); do
	[ -S /run/ucphone/control ] && break
	sleep 0.1
done
# Zero touch: a lease, then the registrar list and a time sample.
for _ in $(seq 1 150); do
	"$ctl" --json status 2>/dev/null | grep -q '"registrars": *\[ *{' && break
	sleep 0.2
done
# Sign-in: root CA from AD, TLS, REGISTER, provisioning (the password goes
# in on stdin, never on a command line).
if [ -n "$address" ] && [ -r "$pass_file" ]; then
	t0=$(cut -d' ' -f1 /proc/uptime)
	"$ctl" signin --address "$address" --user "$user" --password-stdin \
		<"$pass_file" >/dev/null || echo "phone: signin failed" >&2
	# Root CA discovery retries on its own: give it a minute and a half.
	for _ in $(seq 1 450); do
		"$ctl" --json status 2>/dev/null |
			grep -q '"status_text": *"\(Registered\|Wrong\)' && break
		sleep 0.2
	done
	# How long sign-in took, and whether root CA discovery needed a retry
	# (an emulated CPU makes the LDAPS handshake slow).
	echo "phone: signin -> $("$ctl" --json status 2>/dev/null |
		sed -n 's/.*"status_text": *"\([^"]*\)".*/\1/p' | head -n 1) after" \
		"$(awk -v a="$t0" '{ printf "%.1f", $1 - a }' /proc/uptime) s;" \
		"root CA discovery attempts: $(grep -c 'root CA discovery started' /run/ucphone/ucphoned.log)"
	grep -E 'root CA discovery|domain controller failed|plain LDAP' /run/ucphone/ucphoned.log | sed 's/^/phone:   /'
fi
echo
"$ctl" info
echo
"$ctl" status
echo
echo "phone: daemon log in /run/ucphone/ucphoned.log; CLI: $ctl"
