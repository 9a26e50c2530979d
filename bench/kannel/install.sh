#!/usr/bin/env bash
# Installs Kannel 1.4.5 from Debian, the baseline of the benchmarks. Only its binaries are
# used (bench/kannel/kannel.ts writes its own config and starts it); the system service the
# package ships stays off.
set -euo pipefail
if [[ -x /usr/sbin/bearerbox && -x /usr/sbin/smsbox ]]; then exit 0; fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends kannel || { apt-get update && apt-get install -y --no-install-recommends kannel; }
