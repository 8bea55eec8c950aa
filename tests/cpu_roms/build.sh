#!/usr/bin/env bash
# Reassembles every CPU test kernel (*.asm → *.bin) with nasm. The .bin files
# are committed so the tests run without nasm or QEMU.
#
#   tests/cpu_roms/build.sh             assemble every kernel
#   tests/cpu_roms/build.sh --expected  also rewrite each *.expected from
#                                       qemu-system-i386's debugcon output
set -euo pipefail
cd "$(dirname "$0")"

for asm in *.asm; do
  name="${asm%.asm}"
  nasm -f bin -I ./ -o "$name.bin" "$asm"
  echo "assembled $name.bin ($(wc -c < "$name.bin") bytes)"
done

if [[ "${1:-}" == "--expected" ]]; then
  out="$(mktemp)"
  trap 'rm -f "$out"' EXIT
  for asm in *.asm; do
    name="${asm%.asm}"
    : > "$out"
    status=0
    timeout 60 qemu-system-i386 -nographic -no-reboot -display none -nodefaults \
      -kernel "$name.bin" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
      -debugcon "file:$out" || status=$?
    if [[ $status -ne 33 ]]; then
      echo "$name.bin: qemu-system-i386 exited with $status, expected 33" >&2
      cat "$out" >&2
      exit 1
    fi
    cat "$out" > "$name.expected"
    echo "wrote $name.expected ($(wc -l < "$name.expected") lines)"
  done
fi
