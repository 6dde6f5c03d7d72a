#!/usr/bin/env bash
# Installs those of the Debian packages PKG... that are not installed yet (apt-get, --no-install-recommends), as root
# or through sudo; does nothing when all are there. Used by test.sh and tests/cluster/start.sh.
# Usage: tests/apt-needs.sh WHAT PKG...   (WHAT names the caller in the "installing" line)
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 WHAT PKG..." >&2; exit 2; }
what=$1; shift
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -gt 0 ] || exit 0
echo "$what: installing ${missing[*]}"
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
# Maintainer scripts (munge, slurm) would start their services; a policy-rc.d that exits 101 refuses that
# (../shared/docs/slurm.md, problem 1). It is removed again if this script made it.
made_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod 755 /usr/sbin/policy-rc.d
  made_policy=1
fi
trap '[ -z "$made_policy" ] || $sudo rm -f /usr/sbin/policy-rc.d' EXIT
# Another apt-get may hold the dpkg lock (slurm.md, problem 12).
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
