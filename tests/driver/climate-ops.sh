#!/bin/sh
# pel-climate in operation: the progress line, baselines recorded into a
# directory and compared (bitwise, within a tolerance, and refused when the
# directory is not a baseline of this run), and a run stopped by SIGTERM
# then restarted, which must end with the bits of a straight run.
# Small and on one thread (8 bands, the ocean and land at 4x on the
# one-continent mask): the whole script takes a few seconds.
. "$(dirname "$0")/lib.sh"
set -e
CLIMATE="$builddir/drivers/pel-climate"
C="--threads 1 --set layout.mode=sequential --set climate.bands=8 --set climate.ratio=4
   --set climate.mask=$srcdir/data/masks/continent.txt --set run.steps=24"
have_netcdf=0
# the fields' names hold a '/': lib.sh's fingerprint with another delimiter
fp_of() {
    sed -n "/\"fingerprints\"/,/}/s|.*\"$2\": \"\([0-9a-f]*\)\".*|\1|p" "$1"
}
grep -q "define HAVE_NETCDF 1" "$builddir/config.h" && have_netcdf=1

# ---- the progress line -------------------------------------------------------------
# Forced onto a file: whole lines, the last where the run ends: 24 hourly
# intervals end at 00:00 on the second day of year 1; the budgets close to
# round-off, below the 1e-12 that climate.heat_budget allows.
run_ok "$CLIMATE" $C --progress
last=$(tail -n 1 err.txt)
echo "$last" | grep -q "^pel-climate: interval 24/24 (100%), year 1 Jan 02 00:00, [0-9.e+]* SYPD, budget closure [0-9.]*e-\(1[2-9]\|[2-9][0-9]\)$" ||
    { cat err.txt >&2; fail "progress: last line '$last'"; }
grep -q "verification SUCCESSFUL" out.txt || fail "progress: the run's summary is missing"
# the calendar: 60 daily intervals end on Mar 02 (Jan 31 + Feb 28 = 59 days), 366 on Jan 02 of year 2
D="--threads 1 --set layout.mode=sequential --set climate.bands=8 --set climate.ratio=1 --set climate.coupling_dt=86400
   --set climate.ocean_every=1 --set climate.ocean_dt=7200"
run_ok "$CLIMATE" $D --set run.steps=60 --progress -s run.timing_every=30
tail -n 1 err.txt | grep -q "interval 60/60 (100%), year 1 Mar 02 00:00," || { cat err.txt >&2; fail "progress: not Mar 02"; }
grep -q "^interval 30: " out.txt || fail "progress: the timing line at interval 30 is missing"
run_ok "$CLIMATE" $D --set run.steps=366 --progress
tail -n 1 err.txt | grep -q "interval 366/366 (100%), year 2 Jan 02 00:00," || { cat err.txt >&2; fail "progress: not year 2 Jan 02"; }
# without a terminal, and with --quiet, nothing
run_ok "$CLIMATE" $C
[ ! -s err.txt ] || { cat err.txt >&2; fail "progress: printed without a terminal"; }
run_ok "$CLIMATE" $C --progress --quiet
[ ! -s err.txt ] && [ ! -s out.txt ] || { cat out.txt err.txt >&2; fail "progress: printed with --quiet"; }
# on a terminal (when script(1) can give one): rewritten in place, erased at the end
if script -qec true /dev/null >/dev/null 2>&1; then
    script -qec "'$CLIMATE' $(echo $C) --report tty.json >/dev/null" tty.txt >/dev/null 2>&1 ||
        { cat tty.txt >&2; fail "progress: the run on a terminal failed"; }
    grep -q "$(printf '\r')pel-climate: interval [0-9]*/24 ([0-9]*%), year 1 Jan 0[12] [0-9:]*, .* SYPD, budget closure" tty.txt ||
        { cat -A tty.txt >&2; fail "progress: no line on the terminal"; }
    grep -q "$(printf '\r\033')\[K" tty.txt || fail "progress: the line is not erased at the end"
    echo "progress: forced, on a terminal, and silent without one"
else
    echo "progress: forced and silent without a terminal (script(1) gives no terminal here: not tried on one)"
fi

# ---- --baseline-record DIR / --baseline-compare DIR ------------------------------
H=
[ $have_netcdf -eq 1 ] && H="--set climate.history=h"
run_ok "$CLIMATE" $C $H --baseline-record base --report a.json
for f in index.ckpt state.ckpt fingerprints.json; do [ -s base/$f ] || fail "record: no base/$f"; done
if [ $have_netcdf -eq 1 ]; then
    cmp -s h.daily.nc base/h.daily.nc && cmp -s h.monthly.nc base/h.monthly.nc || fail "record: the history copies differ"
fi
x=$(fp_of base/fingerprints.json ocean/hT)
[ -n "$x" ] && [ "$x" = "$(fp_of a.json ocean/hT)" ] ||
    fail "record: fingerprints.json does not hold the run's fingerprints"
ls base/*.tmp.* >/dev/null 2>&1 && fail "record: a temporary file was left behind"
# the recorded state is a --save file: --baseline takes it
run_ok "$CLIMATE" $C --baseline base/state.ckpt
# the same run, on two threads as tasks: identical, history variable by variable too
run_ok "$CLIMATE" $C $H --threads 2 --set layout.mode=tasks --baseline-compare base
grep -q "^baseline-compare base: all [0-9]* fields identical" out.txt || { cat out.txt >&2; fail "compare: not identical"; }
if [ $have_netcdf -eq 1 ]; then
    grep -q "PASS baseline.h.daily.nc.differing" out.txt || fail "compare: the daily history was not compared"
fi
# a physical parameter changed: Q by 1e-5 W/m2.  Over the day the extra heating
# warms the air by at most 1e-5 * 86400 s / C (1e7 J/m2/K) = 8.6e-8 K, about 1e-8
# of the largest |T| (above 10 C): bitwise it fails, naming the field and its
# ULPs; within 1e-6 it passes.
expect_exit 1 "FAIL baseline.atmosphere/T.differing" "$CLIMATE" $C $H --set atmosphere.Q=334.40001 --baseline-compare base
grep -q "baseline-compare: base/state.ckpt: atmosphere.Q = 334.4, this run has 334.40001" out.txt ||
    { cat out.txt >&2; fail "compare: the changed parameter is not named"; }
grep -q "^  atmosphere/T at ([0-9]*, [0-9]*): [-0-9.e]* against [-0-9.e]*, relative [0-9.e-]*, [0-9]* ULP" out.txt ||
    { cat out.txt >&2; fail "compare: no worst-field line for atmosphere/T"; }
[ "$(wc -l <err.txt)" -eq 1 ] && grep -q "baseline-compare base: [0-9]* of [0-9]* fields differ (worst .* ULP)" err.txt ||
    { cat err.txt >&2; fail "compare: no one-line summary"; }
if [ $have_netcdf -eq 1 ]; then
    grep -q "^  h.daily.nc:tas at time 0, lat [0-9]*, lon [0-9]*: .* ULP" out.txt ||
        { cat out.txt >&2; fail "compare: no history location (time, lat, lon) for tas"; }
fi
run_ok "$CLIMATE" $C $H --set atmosphere.Q=334.40001 --baseline-compare base --baseline-tol 1e-6
grep -q "fields differ, all within the tolerance 1e-06" out.txt || { cat out.txt >&2; fail "compare: not within 1e-6"; }
echo "baseline: recorded, compared identical, a changed Q found bitwise and accepted within 1e-6"

# bad directories: exit 2 before the first step, one line
expect_exit 2 "--baseline-compare nothere: No such file" "$CLIMATE" $C $H --baseline-compare nothere
expect_exit 2 "base/state.ckpt: not a directory" "$CLIMATE" $C $H --baseline-compare base/state.ckpt
mkdir empty
expect_exit 2 "empty: not a baseline (no index.ckpt" "$CLIMATE" $C $H --baseline-compare empty
expect_exit 2 "field 'ocean/eta' is f64 32x64, this run has f64 16x32" "$CLIMATE" $C $H --set climate.ratio=2 \
    --set climate.mask= --baseline-compare base
"$HEAT" --set heat.grid=16x16 --set run.steps=2 --baseline-record heatbase -q
expect_exit 2 "heatbase: a baseline of pel-heat, not pel-climate" "$CLIMATE" $C $H --baseline-compare heatbase
cp -r base changed
printf 'x' >>changed/state.ckpt
expect_exit 2 "changed: state.ckpt is not the state the baseline recorded" "$CLIMATE" $C $H --baseline-compare changed
if [ $have_netcdf -eq 1 ]; then
    expect_exit 2 "the baseline holds 2 output files, this run writes 0" "$CLIMATE" $C --baseline-compare base
fi
expect_exit 2 "give one of them" "$CLIMATE" $C --baseline base/state.ckpt --baseline-compare base
expect_exit 3 "--baseline-record nothere/deeper: cannot create the directory" "$CLIMATE" $C --baseline-record nothere/deeper
[ ! -e nothere ] || fail "record: a directory was left for a refused run"
echo "baseline: bad directories refused"

# ---- SIGTERM mid-run, then --restart latest to the end ---------------------------
# A long run checkpointing every 50 intervals, stopped once a checkpoint
# exists: exit 143 and a checkpoint where it stopped; the restart from it on
# two threads must end with the bits of the straight run (compared against
# the straight run's baseline).
K="--set run.checkpoint_file=s.ckpt --set run.checkpoint_every=50 --set run.checkpoint_keep=2"
"$CLIMATE" $C $K --set run.steps=1000000000 -q >out.txt 2>err.txt &
pid=$!
i=0
while ! ls s.ckpt.* >/dev/null 2>&1 && [ $i -lt 300 ]; do
    sleep 0.1
    i=$((i + 1))
done
sleep 0.2
signal_expect TERM $pid 143 SIGTERM
n=$(sed -n 's/.*stopped by SIGTERM at interval \([0-9]*\) of .*the last checkpoint (s.ckpt.[0-9]*) is at interval \1$/\1/p' err.txt)
[ -n "$n" ] && [ -s "s.ckpt.$(printf %012d "$n")" ] || { cat err.txt >&2; fail "SIGTERM: no checkpoint where it stopped"; }
end=$((n + 30))
run_ok "$CLIMATE" $C --set run.steps=$end --baseline-record straight
run_ok "$CLIMATE" $C $K --set run.steps=$end --threads 2 --set layout.mode=tasks --restart latest --baseline-compare straight
grep -q "restarting from s.ckpt.$(printf %012d "$n") (interval $n)" out.txt || { cat out.txt >&2; fail "SIGTERM: restarted from elsewhere"; }
grep -q "^baseline-compare straight: all [0-9]* fields identical" out.txt || { cat out.txt >&2; fail "SIGTERM: the restarted run differs"; }
echo "SIGTERM: stopped at interval $n with a checkpoint; restarted to $end identical to the straight run"
