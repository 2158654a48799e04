#!/bin/sh
# The whole test suite, as CI runs it: a build with warnings as errors,
# `make check` and `make distcheck` (which also installs into a temporary
# prefix and builds the embedding example against it with pkg-config), then
# a second build with AddressSanitizer and UBSan running `make check`.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
cd "$top"
# builds below are out of tree; an in-tree build (the quick start) would block them
if [ -f config.status ]; then make distclean >/dev/null; fi
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi

rm -rf build build-asan
mkdir build
(cd build && ../configure -q --enable-werror && make -j"$jobs" && make -j"$jobs" check &&
    make -j"$jobs" distcheck)

mkdir build-asan
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
(cd build-asan && ../configure -q CFLAGS="-O1 -g $san" LDFLAGS="$san" &&
    make -j"$jobs" && ASAN_OPTIONS=detect_leaks=1 make -j"$jobs" check)
echo "all tests passed"
