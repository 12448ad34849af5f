#!/bin/sh
# Install every Debian package sysrec needs to build, test and run.
# Idempotent: quiet and fast when everything is present; runs apt-get update
# only when something must be installed.
set -eu

PKGS="make gcc clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev \
libzstd-dev zstd libprotobuf-c-dev protobuf-c-compiler protobuf-compiler \
python3 python3-protobuf gnuplot-nox strace libclang-rt-14-dev pkg-config \
chromium libxml2-utils bpftrace python3-zstandard"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "install-deps: need root to install:$missing" >&2
		exit 1
	fi
else
	SUDO=
fi
echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
