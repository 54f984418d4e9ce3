#!/bin/sh
# What the phone's init does at boot (run inside the VM by scripts/phone.sh):
# load the ucphone modules, start the daemon, and show what it knows.
build=${1:-build}
state=/run/ucphone/state	# the VM's root is read-only; /run is tmpfs

for module in $(find /lib/modules/"$(uname -r)"/extra -name 'ucphone*.ko' |
	sed 's|.*/||; s|\.ko$||' | sort); do
	modprobe "$module" || echo "phone: modprobe $module failed" >&2
done

mkdir -p /run/ucphone
setsid "$build/userspace/daemon/ucphoned" -S "$state" \
	>/run/ucphone/ucphoned.log 2>&1 </dev/null &
for _ in $(seq 1 50); do
	[ -S /run/ucphone/control ] && break
	sleep 0.1
done
PATH=$PWD/$build/userspace/ctl:$PATH
export PATH
echo
ucphonectl info
echo
echo "phone: daemon log in /run/ucphone/ucphoned.log; CLI: $build/userspace/ctl/ucphonectl"
