#!/usr/bin/env bash
# Records how qemu-system-i386 boots the default guest with the command line `deno task boot`
# uses, from "Linux version" to the first shell prompt, into qemu_default_guest_boot.txt.
# tests/linux_boot_test.ts compares this VMM's boot with it line for line.
#
#   tests/guests/record_qemu_boot.sh     (needs qemu-system-i386)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
guests="$here/../../guests"
raw="$(mktemp)"
trap 'rm -f "$raw"' EXIT
# The prompt comes within a few seconds under TCG; poweroff then ends QEMU with status 0.
(sleep 20; printf 'poweroff\n') | timeout 90 qemu-system-i386 -nographic -no-reboot \
  -kernel "$guests/bzImage" -initrd "$guests/initramfs.cpio" -append console=ttyS0 > "$raw"
# Keep the kernel's part: from "Linux version" (after SeaBIOS's screen) to the prompt.
tr -d '\r' < "$raw" | sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\x1bc//g' \
  | sed -n '/Linux version/,/^\/root # /p' | sed -e 's/^.*\(\[ *[0-9]*\.[0-9]*\] Linux version\)/\1/' \
  > "$here/qemu_default_guest_boot.txt"
echo "wrote qemu_default_guest_boot.txt ($(wc -l < "$here/qemu_default_guest_boot.txt") lines) with $(qemu-system-i386 --version | head -1)"
