#!/bin/sh
# Builds simd_check, a static 32-bit program whose floating-point and SIMD results the guest
# must reproduce, and records what it prints on this host (an x86-64 CPU running 32-bit code)
# as simd_check.expected. tests/simd_guest_test.ts runs it in the default guest.
set -eu
cd "$(dirname "$0")"
gcc -m32 -msse2 -O2 -static -s -o simd_check simd_check.c -lm
./simd_check > simd_check.expected
ls -l simd_check
cat simd_check.expected
