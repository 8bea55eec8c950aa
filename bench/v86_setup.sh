#!/bin/sh
# Installs the v86 peer of the benchmarks (cpu_mips_v86, boot_v86, guest_cpu_v86) outside the
# repository: the npm package `v86` into $V86_PREFIX (default /tmp/deno-vmm-v86), and Debian's
# SeaBIOS when it is missing and apt-get can be used. The benchmarks find v86 there by
# themselves; with another prefix, export V86_DIR=$V86_PREFIX/node_modules/v86 (or V86_PREFIX).
#
#   sh bench/v86_setup.sh            # v86 0.5.462, the version the committed figures used
#   V86_VERSION=latest sh bench/v86_setup.sh
set -eu
prefix="${V86_PREFIX:-/tmp/deno-vmm-v86}"
version="${V86_VERSION:-0.5.462}"

mkdir -p "$prefix"
if command -v npm >/dev/null 2>&1; then
  npm install --prefix "$prefix" --no-save --no-audit --no-fund "v86@$version"
else
  # Deno's npm client when Node's is not installed ($DENO, default deno on PATH).
  [ -f "$prefix/package.json" ] || echo '{}' >"$prefix/package.json"
  (cd "$prefix" && "${DENO:-deno}" install --node-modules-dir=auto "npm:v86@$version")
fi
dir="$prefix/node_modules/v86"
for f in build/libv86.mjs build/v86.wasm; do
  [ -f "$dir/$f" ] || { echo "v86_setup: $dir/$f is missing after the install" >&2; exit 1; }
done

if [ ! -f /usr/share/seabios/bios.bin ] && [ -z "${SEABIOS_DIR:-}" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq seabios
  else
    echo "v86_setup: SeaBIOS is missing: apt-get install seabios, or set SEABIOS_DIR" >&2
  fi
fi
echo "v86 $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$dir/package.json") in $dir"
