#!/usr/bin/env bash
# Builds the default guest from Debian packages:
#   guests/bzImage            Linux 6.1 for i386 with a small configuration (config/linux.config)
#   guests/initramfs.cpio     busybox-static (i386) with init/init as /init (uncompressed:
#                             unpacking gzip costs the guest seconds in an emulator)
# The results are committed, so booting needs no build; this script rebuilds
# them as reproducibly as the kernel build allows (fixed timestamps, users,
# hosts; sorted, timestamp-free archives).
# Needs root for apt-get when packages are missing. Work happens in guests/build/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$here/build"
jobs="$(nproc)"
export SOURCE_DATE_EPOCH=1700000000
export KBUILD_BUILD_TIMESTAMP="2023-11-14"
export KBUILD_BUILD_USER=deno-vmm KBUILD_BUILD_HOST=deno-vmm

need=()
[ -f /usr/src/linux-source-6.1.tar.xz ] || need+=(linux-source-6.1)
for p in build-essential bc flex bison libelf-dev cpio xz-utils gcc-multilib; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ! dpkg --print-foreign-architectures | grep -qx i386; then
  dpkg --add-architecture i386
  apt-get update -qq || apt-get update -qq || true
fi
dpkg -s busybox-static:i386 >/dev/null 2>&1 || need+=(busybox-static:i386)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq || apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi

mkdir -p "$work"
src="$work/linux-source-6.1"
if [ ! -d "$src" ]; then
  tar -C "$work" -xJf /usr/src/linux-source-6.1.tar.xz
fi

# Kernel: tinyconfig plus what the default guest needs (config/linux.fragment).
make -C "$src" ARCH=i386 -s tinyconfig
"$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" "$here/config/linux.fragment" >/dev/null
make -C "$src" ARCH=i386 -s olddefconfig
cp "$src/.config" "$here/config/linux.config"
make -C "$src" ARCH=i386 -s -j"$jobs" bzImage
cp "$src/arch/x86/boot/bzImage" "$here/bzImage"

# initramfs: busybox and /init, as a sorted newc archive with fixed times.
root="$work/initramfs"
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,root}
cp /bin/busybox "$root/bin/busybox"
if ! file "$root/bin/busybox" 2>/dev/null | grep -q "Intel 80386"; then
  cp /usr/lib/i386-linux-gnu/busybox-static/busybox "$root/bin/busybox" 2>/dev/null ||
    cp "$(dpkg -L busybox-static:i386 | grep -E '/bin/busybox$' | head -n1)" "$root/bin/busybox"
fi
for applet in $(chroot_free_list="$("$root/bin/busybox" --list 2>/dev/null || true)"; echo "$chroot_free_list"); do
  [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
install -m 0755 "$here/init/init" "$root/init"
install -m 0644 "$here/init/banner" "$root/etc/banner"
find "$root" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) \
  >"$here/initramfs.cpio"
ls -l "$here/bzImage" "$here/initramfs.cpio"
