#!/bin/sh
# Install the Debian/Ubuntu packages PEL needs that are missing (as root, or
# through sudo).  Nothing else is downloaded.
set -eu
pkgs="gcc g++ make autoconf automake libtool pkg-config libfftw3-dev check libinih-dev libxxhash-dev libnetcdf-dev"
# optional: tests/driver/align-parasail.sh compares pel-align with parasail_aligner (skipped without it)
pkgs="$pkgs parasail"
# optional: OpenBLAS and LAPACKE (the Cholesky's BLAS tile kernels and pel-cholesky --compare)
pkgs="$pkgs libopenblas-dev liblapacke-dev"
# optional: tests/driver/climate.sh reads the history with xarray and draws tools/plot-climate.py's maps
pkgs="$pkgs python3-xarray python3-netcdf4 python3-matplotlib"
missing=
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
