#!/bin/bash
# winbind-ns.sh CMD [ARGS...]: run CMD where /run/samba/winbindd is the bed DC's winbindd
# socket directory ($TB_RUN/winbindd), in a private mount namespace: libwbclient (wbinfo,
# ntlm_auth, gss-ntlmssp) only looks in its compiled-in /run/samba/winbindd and ignores the
# smb.conf's "winbindd socket directory", and the host's /run/samba stays untouched.
# The directory exists from up.sh's start; the DC's winbindd creates its pipe there later.
set -euo pipefail
. "$(dirname "$0")/common.sh"
exec unshare -m --propagation private sh -c '
  mkdir -p /run/samba && mount -t tmpfs ucphone-winbind /run/samba &&
  mkdir -m 755 /run/samba/winbindd &&
  mount --bind "$0" /run/samba/winbindd || exit 1
  exec "$@"' "$TB_RUN/winbindd" "$@"
