#!/bin/sh
# The run loop under hostile conditions, one section per class: odd wisdom
# files, outputs checked before the first step, signals during a run, the
# OpenMP runtime failing, derived quantities that make a run meaningless,
# and every option of every program through one strict parser.
. "$(dirname "$0")/lib.sh"
set -e
T="timeout 60"
small="--set heat.grid=32x32 --set heat.dt=2e-4 --set run.steps=10"

# ---- wisdom files: regular files of at most 16 MiB, never waited on --------
mkfifo fifo.wisdom
p8="--set poisson.grid=8x8"
expect_exit 2 "wisdom_file 'fifo.wisdom': not a regular file" $T "$POISSON" $p8 --set poisson.wisdom=fifo.wisdom
expect_exit 2 "wisdom_file '/dev/zero': not a regular file" $T "$POISSON" $p8 --set poisson.wisdom=/dev/zero
mkdir wdir
expect_exit 2 "wisdom_file 'wdir': not a regular file" $T "$POISSON" $p8 --set poisson.wisdom=wdir
dd if=/dev/zero of=big.wisdom bs=1048576 count=17 2>/dev/null
expect_exit 2 "wisdom_file 'big.wisdom': .* larger than" $T "$POISSON" $p8 --set poisson.wisdom=big.wisdom
printf '(fftw-3.3 fftw_wisdom\0)\n' >nul.wisdom
expect_exit 2 "wisdom_file 'nul.wisdom': not FFTW wisdom" $T "$POISSON" $p8 --set poisson.wisdom=nul.wisdom
if command -v fftw-wisdom >/dev/null 2>&1 && fftw-wisdom -n -o good.wisdom rof8x8 2>/dev/null; then
    run_ok $T "$POISSON" $p8 --set poisson.wisdom=good.wisdom
fi
