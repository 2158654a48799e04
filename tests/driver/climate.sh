#!/bin/sh
# pel-climate's reproducibility tests, named after CESM's CIME tests, on the
# one-continent mask (8 atmosphere bands, ocean and land at 4x: the mask's
# own 64x32 cells), one simulated day of hourly coupling:
#   REP  the same run twice: identical fields;
#   PET  1 thread against 2: identical;
#   SEQ  the components one after another, as tasks, and as nested teams in
#        two layouts (one re-balanced as it runs): identical;
#   ERS  a checkpoint at interval 10 and a restart: identical to the straight run;
#   ERP  that restart on another thread count, mode and layout: identical;
# then a baseline written with --save and compared, and bad configurations.
. "$(dirname "$0")/lib.sh"
set -e
CLIMATE="$builddir/drivers/pel-climate"
C="--set climate.bands=8 --set climate.ratio=4 --set climate.mask=$srcdir/data/masks/continent.txt --set run.steps=24"
FIELDS="atmosphere/T atmosphere/q ocean/eta ocean/u ocean/v ocean/hT land/W land/T_soil"

# the fields' names hold a '/': lib.sh's fingerprint with another delimiter
fp_of() {
    sed -n "/\"fingerprints\"/,/}/s|.*\"$2\": \"\([0-9a-f]*\)\".*|\1|p" "$1"
}

prints() {
    p=
    for f in $FIELDS; do
        x=$(fp_of "$1" "$f")
        [ -n "$x" ] || fail "no fingerprint of $f in $1"
        p="$p$x"
    done
    echo "$p"
}

run_ok "$CLIMATE" $C --threads 1 --report a.json
grep -q "verification SUCCESSFUL" out.txt || { cat out.txt >&2; fail "verification did not pass"; }
grep -q "climate.heat_budget" out.txt || fail "no heat budget check"
ref=$(prints a.json)
# the numerics record names the components' versions, not the coupler's alone
grep -q '"numerics": "climate=[0-9]*,atmosphere=[0-9]*,ocean=[0-9]*,land=[0-9]*"' a.json ||
    fail "the report's numerics lack the components: $(grep '"numerics"' a.json)"
# the load report: per component busy and waiting time, in all and per interval
for key in '"busy_s"' '"wait_s"' '"busy_per_interval_s"' '"wait_per_interval_s"' '"threads_first"' \
    '"threads_last"' '"rebalances"' '"intervals": [0-9]'; do
    grep -q "$key" a.json || fail "the report's details lack $key"
done
grep -q "busy .* s, waiting .* s (per interval .* and .* ms)" out.txt || fail "no per-interval busy time in the summary"
run_ok "$CLIMATE" $C --threads 1 --report b.json
[ "$ref" = "$(prints b.json)" ] || fail "REP: two identical runs differ"
run_ok "$CLIMATE" $C --threads 2 --report b.json
[ "$ref" = "$(prints b.json)" ] || fail "PET: 2 threads differ from 1"
for lay in "3 sequential 0 0 0 0" "3 tasks 0 0 0 0" "3 teams 1 1 1 0" "4 teams 2 1 1 4"; do
    set -- $lay
    n=$1
    shift
    run_ok "$CLIMATE" $C --threads $n --set layout.mode=$1 --set layout.atmosphere=$2 --set layout.ocean=$3 \
        --set layout.land=$4 --set layout.rebalance_every=$5 --report s.json
    [ "$ref" = "$(prints s.json)" ] || fail "SEQ: layout '$lay' differs"
done
run_ok "$CLIMATE" $C --threads 2 --set run.steps=10 --set run.checkpoint_every=10 --set run.checkpoint_file=k.ckpt
[ -s k.ckpt ] || fail "ERS: no checkpoint"
run_ok "$CLIMATE" $C --threads 2 --restart k.ckpt --report r.json
grep -q '"step_start": 10' r.json || fail "ERS: did not resume at interval 10"
[ "$ref" = "$(prints r.json)" ] || fail "ERS: the restarted run differs"
run_ok "$CLIMATE" $C --threads 3 --set layout.mode=teams --set layout.atmosphere=1 --set layout.ocean=1 \
    --set layout.land=1 --restart k.ckpt --report r.json
[ "$ref" = "$(prints r.json)" ] || fail "ERP: the restart on 3 threads in teams differs"
echo "REP PET SEQ ERS ERP: identical ($ref)"

run_ok "$CLIMATE" $C --save base.ckpt
run_ok "$CLIMATE" $C --threads 2 --set layout.mode=sequential --baseline base.ckpt
expect_exit 2 "climate.exchange" "$CLIMATE" $C --set climate.exchange=21 --baseline base.ckpt
echo "baseline: recorded and compared"

expect_exit 2 "does not divide the coupling interval" "$CLIMATE" $C --set climate.ocean_dt=1700
expect_exit 2 "layout.*ocean = 0: give every component its threads" "$CLIMATE" $C --set layout.mode=teams \
    --set layout.atmosphere=1 --set layout.land=1
expect_exit 2 "more than the" "$CLIMATE" $C --set layout.mode=teams --set layout.atmosphere=4000 \
    --set layout.ocean=1 --set layout.land=1
printf '....##\n..##\n' >small.txt
expect_exit 2 "small.txt" "$CLIMATE" $C --set climate.mask=small.txt
expect_exit 2 "layout.mode" "$CLIMATE" $C --set layout.mode=threads
expect_exit 2 "the ocean's coupling is unstable" "$CLIMATE" $C --set ocean.depth=0.2

# the NCC81 steady state from its shipped configuration (its mask path is
# relative to the file)
run_ok "$CLIMATE" --config "$srcdir/data/climate/ncc81.ini" --threads 1
grep -q "PASS climate.ncc81_mean" out.txt || { cat out.txt >&2; fail "NCC81: the global mean is not T_0"; }
# and with the ice-albedo feedback at 72 bands: the ice edge within a band
# of NCC81's x_s = 0.9488, the mean that of the model's edge
run_ok "$CLIMATE" --config "$srcdir/data/climate/ice-edge.ini" --threads 2
grep -q "PASS climate.ncc81_ice_edge" out.txt || { cat out.txt >&2; fail "NCC81: the ice edge is not within a band of 0.9488"; }
grep -q "PASS climate.ncc81_mean" out.txt || { cat out.txt >&2; fail "NCC81: the mean with ice is not the edge's"; }
echo "bad configurations: one line, exit 2"

# --print-config loads back to the same run from another directory: a mask
# path relative to its configuration file, and one from --set (relative to
# the working directory), are printed as the absolute paths opened
here=$(pwd -P)
mkdir -p cfg/masks run sub
cp "$srcdir/data/masks/continent.txt" cfg/masks/
printf '[climate]\nmask = masks/continent.txt\n' >cfg/c.ini
C0="--set climate.bands=8 --set climate.ratio=4 --set run.steps=24"
run_ok "$CLIMATE" --config cfg/c.ini $C0 --print-config
mv out.txt run/tc-run.ini
grep -qxF "mask = $here/cfg/masks/continent.txt" run/tc-run.ini ||
    fail "--print-config: mask printed as $(grep '^mask' run/tc-run.ini), not the absolute path opened"
(cd run && run_ok "$CLIMATE" --config tc-run.ini --print-config && cmp -s tc-run.ini out.txt) ||
    fail "--print-config of a file's relative mask does not load back from another directory"
(cd run && run_ok "$CLIMATE" --config tc-run.ini --threads 1 --report ../p.json)
[ "$ref" = "$(prints p.json)" ] || fail "the printed configuration, loaded elsewhere, is another run"
run_ok "$CLIMATE" $C0 --set climate.mask=cfg/masks/continent.txt --print-config
mv out.txt sub/pm.ini
(cd sub && run_ok "$CLIMATE" --config pm.ini --print-config && cmp -s pm.ini out.txt) ||
    fail "--print-config of --set's relative mask does not load back from another directory"
cmp -s sub/pm.ini run/tc-run.ini || fail "the same mask from a file and from --set prints differently"
echo "--print-config: relative mask paths load back from another directory"

# ---- history files (CF NetCDF) and the plots drawn from them ------------------
if grep -q "define HAVE_NETCDF 1" "$builddir/config.h"; then
    # a history that cannot be written is an output error, as --report's
    expect_exit 3 "pel-climate: error: output file: nodir/h.daily.nc: cannot create: No such file or directory" \
        "$CLIMATE" $C --set climate.history=nodir/h
    run_ok "$CLIMATE" $C --set run.steps=48 --set climate.history=h
    [ -s h.daily.nc ] && [ -s h.monthly.nc ] || fail "history: no files"
    ls ./*.tmp.* >/dev/null 2>&1 && fail "history: a temporary file was left behind"
    if /usr/bin/python3 -c 'import xarray, matplotlib, netCDF4' 2>/dev/null; then
        /usr/bin/python3 -c "
import xarray
d = xarray.open_dataset('h.daily.nc')
assert d.tas.shape == (2, 8, 16) and d.sst.shape == (2, 32, 64), d
assert d.time.dt.day.values.tolist() == [1, 2]
assert d.tas.attrs['units'] == 'degC'
p = d.psi
assert p.shape == (2, 32, 64) and p.dims[1:] == ('lat_ocn', 'lon_ocn'), p
assert p.attrs['units'] == '1e6 m3 s-1' and p.attrs['standard_name'] == 'ocean_barotropic_streamfunction', p.attrs
assert abs(float(p[-1].max())) + abs(float(p[-1].min())) > 0.01, 'the wind-driven ocean does not move'
" || fail "history: xarray does not read the daily file as expected"
        /usr/bin/python3 "$srcdir/tools/plot-climate.py" h.daily.nc plots/ >plot.txt || fail "plot-climate.py failed"
        for p in tas sst tsl psi zonal; do [ -s plots/$p.png ] || fail "plot-climate.py drew no $p.png"; done
        # the directory given with its trailing '/': the files named with one separator
        grep -qx "plot-climate: wrote plots/{tas,sst,tsl,psi,zonal}.png" plot.txt ||
            fail "plot-climate.py: $(cat plot.txt)"
        echo "history: daily and monthly files read by xarray; plots drawn"
    else
        echo "history: written; python3-xarray, python3-netcdf4 or python3-matplotlib missing: skipped reading and plotting"
    fi
else
    expect_exit 2 "no NetCDF" "$CLIMATE" $C --set climate.history=h
    echo "history: this build has no NetCDF: refused with a message"
fi
