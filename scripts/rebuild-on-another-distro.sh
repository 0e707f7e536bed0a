#!/usr/bin/env bash
# Rebuilds HEAD inside a chroot of another Debian release that has no C toolchain at all (no
# gcc, no binutils, no libc6-dev: debootstrap's minbase plus git and ca-certificates) and
# compares every artifact with the same commit built on this machine. It checks Keel's
# promise that no tool of the host shapes a byte. Needs root and the network (debootstrap,
# from the Debian archive this machine's apt uses), so it is not part of .ci/run.
#
#   scripts/rebuild-on-another-distro.sh [SUITE]        # default: trixie
#
# The chroot gets, read-only, what a new machine would be given: the pinned Rust toolchain
# (bind-mounted, as rustup would install it) and the tool cache holding the pinned native
# tools (as `cargo xtask tools fetch`, or a mirror, would fill it). KEEL_CHROOT chooses where
# the chroot lives (default /var/tmp/keel-chroot-SUITE; kept between runs).
set -euo pipefail

suite=${1:-trixie}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
root=${KEEL_CHROOT:-/var/tmp/keel-chroot-$suite}
rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
tools=${KEEL_TOOL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/keel/tools}
channel=$(sed -n 's/^channel = "\(.*\)"/\1/p' "$repo/toolchain.toml")
host=$(sed -n 's/^host = "\(.*\)"/\1/p' "$repo/toolchain.toml")
work=$(mktemp -d /var/tmp/keel-rebuild.XXXXXX)

# The archive this machine's apt uses (deb822 or one-line format): its host is not written here.
mirror=$(sed -n 's/^URIs: *\([^ ]*\).*/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list)

mounts=()
cleanup() {
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[i]}" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
bind() { # bind SRC DEST [ro]
    mkdir -p "$2"
    mount --bind "$1" "$2"
    mounts+=("$2")
    if [ "${3:-}" = ro ]; then mount -o remount,bind,ro "$2"; fi
}

if [ ! -x "$root/usr/bin/git" ]; then
    echo "== debootstrap $suite (minbase + git, ca-certificates) into $root"
    debootstrap --variant=minbase --include=git,ca-certificates "$suite" "$root" "$mirror"
fi
for banned in gcc cc ld objcopy ar; do
    if chroot "$root" sh -c "command -v $banned" >/dev/null 2>&1; then
        echo "the chroot has $banned: it must hold no C toolchain" >&2
        exit 1
    fi
done
echo "== the chroot: $(chroot "$root" sh -c '. /etc/os-release; echo "$PRETTY_NAME"'), $(chroot "$root" ldd --version 2>&1 | head -1)"

echo "== this machine: a fresh clone of HEAD, cargo xtask dist"
git clone -q "$repo" "$work/here"
(cd "$work/here" && cargo xtask dist >"$work/here.log" 2>&1) || { tail -40 "$work/here.log"; exit 1; }

echo "== the chroot: a fresh clone at another path, cargo xtask dist"
bind /proc "$root/proc"
bind /dev "$root/dev"
bind "$repo" "$root/mnt/keel-src" ro
bind "$rustup_home" "$root/root/.rustup" ro
bind "$tools" "$root/root/.cache/keel/tools"
rm -rf "$root/build"
chroot "$root" git config --global --add safe.directory '*'
chroot "$root" git clone -q /mnt/keel-src "/build/another place/keel"
bin=/root/.rustup/toolchains/$channel-$host/bin
chroot "$root" /usr/bin/env -i HOME=/root PATH="$bin:/usr/bin:/bin" TERM=dumb \
    sh -c 'cd "/build/another place/keel" && cargo xtask dist' >"$work/there.log" 2>&1 \
    || { tail -40 "$work/there.log"; exit 1; }

echo "== every artifact, compared"
here=$work/here/target/dist/sha256.sum
there="$root/build/another place/keel/target/dist/sha256.sum"
if diff -u "$here" "$there"; then
    echo "identical: $(wc -l <"$here") artifacts"
else
    echo "DIFFERENT (above)" >&2
    exit 1
fi

echo "== the binaries run here and there"
for b in keel-kv keel-registry ringmaster; do
    "$work/here/target/dist/$b" --help >/dev/null 2>&1 || [ $? -le 2 ] || { echo "$b fails here" >&2; exit 1; }
    chroot "$root" "/build/another place/keel/target/dist/$b" --help >/dev/null 2>&1 || [ $? -le 2 ] \
        || { echo "$b fails in the chroot" >&2; exit 1; }
done
echo "ok: run on $(. /etc/os-release; echo "$PRETTY_NAME") and in the $suite chroot"
