#!/usr/bin/env bash
# Proves the README's commands on a pristine Debian 12 root, as root on a Debian host:
#   .ci/fresh-debian.sh [command]        default command: bash .ci/run
# Builds (once) a minimal bookworm root with debootstrap, clones this repository's HEAD into a
# fresh copy of it, and runs the command there with /proc and /dev mounted.
# Set MC_ROOT_CACHE to keep the pristine root tarball somewhere else (default /var/tmp).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cache=${MC_ROOT_CACHE:-/var/tmp}/microcourse-bookworm-minbase.tar
root=$(mktemp -d /var/tmp/microcourse-root.XXXXXX)
command=${1:-bash .ci/run}

if [[ ! -f $cache ]]; then
  command -v debootstrap >/dev/null || apt-get install -y -q debootstrap
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian
  tar -C "$root" -cf "$cache" .
else
  tar -C "$root" -xf "$cache"
fi
cleanup() {
  umount -l "$root/proc" 2>/dev/null || true
  umount -l "$root/dev" 2>/dev/null || true
  rm -rf "$root"
}
trap cleanup EXIT
cp /etc/resolv.conf "$root/etc/resolv.conf"
git clone -q "$repo" "$root/root/microcourse"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  /bin/bash -c "cd /root/microcourse && time $command"
