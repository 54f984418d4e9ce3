#!/bin/bash
# Install every Debian package ucphone needs to build, to run the VM and to run
# the testbed. Idempotent: a second run installs nothing and takes a second.
# A policy-rc.d guard keeps Debian from starting any server on the host: the
# testbed starts them itself, inside its own network namespaces.
set -euo pipefail

packages=(
	# build: kernel modules, daemon, tests
	build-essential pkg-config meson ninja-build clang libclang-rt-14-dev
	linux-headers-amd64 linux-source-6.1 sparse kmod cpio xz-utils
	device-tree-compiler
	libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libssl-dev libsrtp2-dev
	libasound2-dev libspandsp-dev libopus-dev libspeexdsp-dev libc-ares-dev libcurl4-openssl-dev libldap-dev libxml2-dev
	# ucphonectl diag: the troubleshooting bundle (tar.gz)
	libarchive-dev
	# root CA lookup with Kerberos (ucphone-ca-fetch): LDAP SASL GSSAPI
	libkrb5-dev libsasl2-dev libsasl2-modules-gssapi-mit
	# MS-SIPAE sign-in: NTLM as a GSSAPI mechanism (connectionless mode)
	gss-ntlmssp gss-ntlmssp-dev
	# the public CA bundle (trust.c default --ca-bundle)
	ca-certificates
	libsystemd-dev libjson-c-dev
	# VM: QEMU and the guest's tools (the guest runs the host's root read-only)
	qemu-system-x86 busybox-static alsa-utils i2c-tools gpiod evtest
	# VM: the ucm.conf top file the audio scenario runs our UCM under
	alsa-ucm-conf
	# the phone image: Debian root, squashfs slots, GPT disk (scripts/build-image.sh)
	mmdebstrap squashfs-tools fdisk
	# packaging: the modules built by DKMS against Debian's headers, and
	# cross-built for arm64 boards; the arm64 device-tree board in QEMU
	dkms gcc-aarch64-linux-gnu qemu-system-arm
	# testbed: real servers, run only inside the testbed's namespaces
	iproute2 bc dnsmasq-base chrony samba samba-ad-dc samba-ad-provision
	samba-dsdb-modules samba-vfs-modules winbind ldb-tools ldap-utils slapd
	kamailio kamailio-tls-modules baresip-core nginx-light dnsutils openssl
	curl sntp sox jq
	# testbed: the web enrollment stand-in's Kerberos (Negotiate) acceptor
	python3-gssapi
	# the speakerphone's echo canceller; speech for the quality benchmark
	libwebrtc-audio-processing-dev espeak-ng
	# the phone's screen: KMS dumb buffers, cairo and pango with DejaVu; tmux
	# for the terminal screens, ImageMagick to compare the VM's screendumps
	libdrm-dev libcairo2-dev libpango1.0-dev fonts-dejavu-core tmux imagemagick
	# manual pages: rendered and checked by tests/daemon/test_man.py
	man-db groff-base
)

if [ ! -x /usr/sbin/policy-rc.d ] || ! grep -q 'exit 101' /usr/sbin/policy-rc.d; then
	printf '#!/bin/sh\n# ucphone: no service starts on the host\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Debian starts some of these at install time despite policy-rc.d on some
# paths (triggers); stop any that got through so the host stays untouched.
for svc in dnsmasq chrony nginx slapd samba-ad-dc smbd nmbd winbind kamailio; do
	if command -v systemctl >/dev/null && systemctl is-active -q "$svc" 2>/dev/null; then
		systemctl stop "$svc" || true
	fi
done
