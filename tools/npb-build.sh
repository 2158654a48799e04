#!/bin/sh
# Builds NPB 3.3's OpenMP kernels (EP, CG, MG, FT, IS), the peer that
# `pel-bench --suite compare --npb-dir DIR` runs against PEL.  NPB is not
# part of PEL: download NPB 3.3.x from NASA (NPB3.3-OMP: Fortran, IS in C)
# yourself and give this script its NPB3.3-OMP directory.
#
#   tools/npb-build.sh NPB3.3-OMP-DIR OUT-DIR [CLASSES] [EXTRA-FLAGS]
#
# copies the source to OUT-DIR/src, writes its config/make.def (gfortran and
# gcc, -O3 -fopenmp, -mcmodel=medium for class C's arrays, plus EXTRA-FLAGS,
# e.g. -march=native for the stricter peer) and config/suite.def (the five
# kernels at each of CLASSES, default "S A B"), builds, and leaves the
# programs in OUT-DIR/bin as NPB names them (cg.A.x ...).
set -eu
[ $# -ge 2 ] || { echo "usage: $0 NPB3.3-OMP-DIR OUT-DIR [CLASSES] [EXTRA-FLAGS]" >&2; exit 2; }
src=$1 out=$2 classes=${3:-S A B} extra=${4:-}
[ -f "$src/sys/setparams.c" ] && [ -d "$src/CG" ] ||
    { echo "$0: $src: not an NPB3.3-OMP directory (no sys/setparams.c or CG/)" >&2; exit 2; }
mkdir -p "$out"
rm -rf "$out/src"
cp -R "$src" "$out/src"
flags="-O3 -fopenmp -mcmodel=medium $extra"
# randdp: the portable random number generator (randi8 needs BOZ constants
# newer gfortran refuses); old Fortran passes arrays of other shapes, which
# gfortran >= 10 rejects without -fallow-argument-mismatch.
cat >"$out/src/config/make.def" <<EOM
F77 = gfortran
FLINK = \$(F77)
F_LIB =
F_INC =
FFLAGS = $flags -fallow-argument-mismatch
FLINKFLAGS = $flags
CC = gcc
CLINK = \$(CC)
C_LIB = -lm
C_INC =
CFLAGS = $flags
CLINKFLAGS = $flags
UCC = gcc
BINDIR = ../bin
RAND = randdp
WTIME = wtime.c
EOM
: >"$out/src/config/suite.def"
for c in $classes; do
    for k in ep cg mg ft is; do printf '%s\t%s\n' "$k" "$c" >>"$out/src/config/suite.def"; done
done
rm -f "$out/src/bin/"*.x
find "$out/src" -name '*.o' -exec rm -f {} +
(cd "$out/src" && make suite >"$out/build.log" 2>&1) || { tail -20 "$out/build.log" >&2; exit 1; }
rm -rf "$out/bin"
cp -R "$out/src/bin" "$out/bin"
echo "$0: NPB built with '$flags' into $out/bin:"
ls "$out/bin"
