#!/bin/sh
# REP, PET and ERS for pel-atmosphere (named after the climate-model tests):
#   REP  the same run twice gives identical fields;
#   PET  1, 2 and 3 threads give identical fields;
#   ERS  a run stopped at step k by a checkpoint and restarted (on another
#        thread count) ends identical to the straight run.
# On a small grid whose band count is odd (the bands do not split evenly
# over threads), with the ice-albedo feedback and the vapour tracer on.
. "$(dirname "$0")/lib.sh"
set -e
ATM="$builddir/drivers/pel-atmosphere"
small="--set atmosphere.ny=23 --set atmosphere.precip_tau=21600 --set run.steps=40 --set run.verify_every=10"

run_ok "$ATM" $small --threads 1 --report a.json
run_ok "$ATM" $small --threads 1 --report b.json
for f in T q; do
    a=$(fingerprint a.json $f)
    [ -n "$a" ] || fail "no fingerprint of $f in the report"
    [ "$a" = "$(fingerprint b.json $f)" ] || fail "REP: two identical runs differ in $f"
done
grep -q '"atmosphere.energy_budget"' a.json || fail "no energy budget in the report"
grep -q '"atmosphere.water_budget"' a.json || fail "no water budget in the report"
grep -q '"cell updates"' a.json || fail "no cell update rate in the report"
for t in 2 3; do
    run_ok "$ATM" $small --threads $t --report t$t.json
    for f in T q; do
        [ "$(fingerprint a.json $f)" = "$(fingerprint t$t.json $f)" ] || fail "PET: $t threads differ from 1 in $f"
    done
done
run_ok "$ATM" $small --threads 2 --set run.steps=17 --set run.checkpoint_every=17 --set run.checkpoint_file=k.ckpt
[ -s k.ckpt ] || fail "ERS: no checkpoint written"
run_ok "$ATM" $small --threads 3 --restart k.ckpt --report r.json
grep -q '"step_start": 17' r.json || fail "ERS: restart did not resume at step 17"
for f in T q; do
    [ "$(fingerprint a.json $f)" = "$(fingerprint r.json $f)" ] || fail "ERS: restarted run differs from the straight run in $f"
done
# a restart into a run of other physics is refused, naming the setting
expect_exit 2 "atmosphere.Q" "$ATM" $small --set atmosphere.Q=300 --restart k.ckpt
# the closed form through the driver: the Legendre mean at steady state
run_ok "$ATM" --config "$srcdir/data/atmosphere-legendre.ini" --threads 2 --report l.json
sed -n '/"atmosphere.legendre_mean"/,/verdict/p' l.json | grep -q '"verdict": "PASS"' ||
    fail "the Legendre steady state's mean was not verified"
echo "pel-atmosphere: REP PET ERS identical ($(fingerprint a.json T))"
