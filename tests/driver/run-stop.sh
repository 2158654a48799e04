#!/bin/sh
# Stopping a run so that nothing is lost (batch jobs): --walltime stops
# before the limit after a checkpoint (exit 4), SIGTERM writes a checkpoint
# where it stops (exit 143), run.checkpoint_keep keeps the newest N numbered
# checkpoints, and --restart latest resumes from the newest one that
# restarts, skipping a damaged one.  Each resumed run must end with the bits
# of the straight run.
. "$(dirname "$0")/lib.sh"
set -e

G="--set heat.grid=128x128 --set heat.dt=1e-6 --threads 1"

# ---- --walltime -------------------------------------------------------------
set +e
"$HEAT" $G --set run.steps=1000000000 --set run.checkpoint_file=w.ckpt --set run.checkpoint_keep=2 \
    --walltime 00:00:01 --report never.json -q >out.txt 2>err.txt
got=$?
set -e
[ $got -eq 4 ] || { cat err.txt >&2; fail "--walltime: exit $got, expected 4"; }
[ "$(wc -l <err.txt)" -eq 1 ] || { cat err.txt >&2; fail "--walltime: expected one line"; }
grep -q "stopped before the wall-time limit (1 s) at step" err.txt || { cat err.txt >&2; fail "--walltime: message"; }
[ ! -e never.json ] || fail "--walltime: a report was written"
n=$(sed -n 's/.*the last checkpoint (w.ckpt.[0-9]*) is at step \([0-9]*\).*/\1/p' err.txt)
[ -n "$n" ] && [ "$n" -gt 0 ] || { cat err.txt >&2; fail "--walltime: no checkpoint named"; }
[ -s "w.ckpt.$(printf %012d "$n")" ] || fail "--walltime: checkpoint w.ckpt.<step> missing"
end=$((n + 700))
run_ok "$HEAT" $G --set run.steps=$end --report straight.json
run_ok "$HEAT" $G --set run.steps=$end --set run.checkpoint_file=w.ckpt --set run.checkpoint_keep=2 \
    --restart latest --threads 2 --report resumed.json
grep -q "restarting from w.ckpt.$(printf %012d "$n") (step $n)" out.txt || { cat out.txt >&2; fail "--restart latest: which file"; }
[ "$(fingerprint straight.json u)" = "$(fingerprint resumed.json u)" ] ||
    fail "--walltime then --restart latest differs from the straight run"
echo "walltime: stopped at step $n, resumed to $end identical"

# ---- checkpoint_keep and a damaged newest checkpoint -------------------------
K="--set run.checkpoint_file=k.ckpt --set run.checkpoint_keep=3 --set run.checkpoint_every=500"
run_ok "$HEAT" $G $K --set run.steps=2000
[ "$(ls k.ckpt.* | wc -l)" -eq 3 ] || { ls >&2; fail "checkpoint_keep=3: $(ls k.ckpt.* | wc -l) files kept"; }
[ ! -e k.ckpt ] && [ -s k.ckpt.000000002000 ] && [ -s k.ckpt.000000001000 ] && [ ! -e k.ckpt.000000000500 ] ||
    { ls >&2; fail "checkpoint_keep=3: the wrong files kept"; }
head -c 200 k.ckpt.000000002000 >cut && mv cut k.ckpt.000000002000
run_ok "$HEAT" $G --set run.steps=2600 --report straight.json
run_ok "$HEAT" $G $K --set run.steps=2600 --restart latest --report resumed.json
grep -q "warning: --restart latest: skipping k.ckpt.000000002000" err.txt || { cat err.txt >&2; fail "damaged checkpoint not skipped"; }
grep -q '"step_start": 1500' resumed.json || fail "--restart latest did not fall back to step 1500"
[ "$(fingerprint straight.json u)" = "$(fingerprint resumed.json u)" ] || fail "fallback restart differs"
echo "checkpoint_keep: 3 kept, a damaged newest skipped, resumed identical"

# ---- SIGTERM writes a checkpoint where it stops -------------------------------
"$HEAT" $G --set run.steps=1000000000 --set run.checkpoint_every=1000000000 --set run.checkpoint_file=s.ckpt \
    -q >out.txt 2>err.txt &
pid=$!
wait_caught TERM $pid
sleep 0.3
signal_expect TERM $pid 143 SIGTERM
n=$(sed -n 's/.*the last checkpoint (s.ckpt) is at step \([0-9]*\).*/\1/p' err.txt)
[ -n "$n" ] && [ -s s.ckpt ] || { cat err.txt >&2; fail "SIGTERM: no checkpoint where it stopped"; }
end=$((n + 300))
run_ok "$HEAT" $G --set run.steps=$end --report straight.json
run_ok "$HEAT" $G --set run.steps=$end --restart s.ckpt --report resumed.json
[ "$(fingerprint straight.json u)" = "$(fingerprint resumed.json u)" ] || fail "SIGTERM then restart differs"
echo "SIGTERM: checkpoint at step $n, resumed identical"

# ---- refusals -------------------------------------------------------------------
for bad in 0 00:00 1:60 1:2:3:4 abc 1.5 -1 "" 99999999999; do
    expect_exit 2 "--walltime $bad: expected" "$HEAT" $G --walltime "$bad"
done
expect_exit 2 "--restart latest: no checkpoint nothere.ckpt" "$HEAT" $G --set run.checkpoint_file=nothere.ckpt --restart latest
echo "refusals: bad --walltime values and a missing latest checkpoint"
