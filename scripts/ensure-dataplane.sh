#!/usr/bin/env bash
# The kernel replica's tools (local/dataplane/, issue "Real packets"): iproute2 and util-linux are on
# Debian already; nftables and iputils-ping are installed here when missing and possible (root with
# apt-get), else this says what the machine needs and fails.
set -euo pipefail
missing=()
command -v nft > /dev/null || missing+=(nftables)
command -v ping > /dev/null || missing+=(iputils-ping)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
  echo "installing ${missing[*]} (Debian) for the kernel replica ..."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" > /dev/null 2>&1 ||
    { apt-get update -q > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" > /dev/null; }
else
  echo "the kernel replica needs the Debian packages ${missing[*]}: apt-get install ${missing[*]} (as root)" >&2
  exit 1
fi
