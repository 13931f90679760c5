#!/bin/sh
# Install the Debian packages shroud needs, but only those that are missing.
# Runs apt-get update first, and only when there is something to install.
set -eu
PKGS="build-essential cmake pkg-config clang libclang-rt-14-dev valgrind \
libsodium-dev libsecp256k1-dev libdecaf-dev libssl-dev libzmq3-dev libmsgpack-dev \
libevent-dev librocksdb-dev libcriterion-dev libjansson-dev libinih-dev"
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
echo "deps: installing:$missing" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
