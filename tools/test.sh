#!/bin/sh
# The whole test suite, as CI runs it: a build with warnings as errors,
# `make check` and `make distcheck` (which also installs into a temporary
# prefix and builds the embedding example against it with pkg-config), then
# a second build with AddressSanitizer and UBSan running `make check`, and a
# library-only build (--disable-drivers) with inih and Check hidden from
# pkg-config, installed and embedded.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
cd "$top"
# a failed `make check` prints the end of each failed test's log, so that CI's
# tail names the test case and its message, not only the suite
check() {
    make -j"$jobs" check "$@" && return 0
    for t in $(grep -l '^:test-result: \(FAIL\|ERROR\)' $(find . -name '*.trs') 2>/dev/null); do
        echo "==== ${t%.trs}.log (end)"
        tail -n 40 "${t%.trs}.log"
    done
    return 1
}
# builds below are out of tree; an in-tree build (the quick start) would block them
if [ -f config.status ]; then make distclean >/dev/null; fi
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi

rm -rf build build-asan build-lib
mkdir build
(cd build && ../configure -q --enable-werror --with-check && make -j"$jobs" && check &&
    make -j"$jobs" distcheck)

mkdir build-asan
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
(cd build-asan && ../configure -q --with-check CFLAGS="-O1 -g $san" LDFLAGS="$san" &&
    make -j"$jobs" && ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 && export ASAN_OPTIONS && check)
# The library alone must need neither inih nor Check: pkg-config sees only
# FFTW and xxHash here.  make check then runs nothing and must say why.
mkdir -p build-lib/pc
for m in fftw3 libxxhash; do
    ln -s "$(pkg-config --variable=pcfiledir "$m")/$m.pc" build-lib/pc/
done
(cd build-lib && unset PKG_CONFIG_PATH && PKG_CONFIG_LIBDIR="$top/build-lib/pc" &&
    export PKG_CONFIG_LIBDIR &&
    ../configure -q --enable-werror --disable-drivers CFLAGS="-O1 -g" &&
    make -j"$jobs" && make -j"$jobs" check >check.out && cat check.out &&
    grep -q "check not found: skipping the Check suites" check.out &&
    make install DESTDIR="$top/build-lib/inst" >/dev/null &&
    make installcheck DESTDIR="$top/build-lib/inst")
echo "all tests passed"
