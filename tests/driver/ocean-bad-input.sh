#!/bin/sh
# pel-ocean refuses bad configurations with one line naming what is wrong,
# exit 2 and no report: an unknown key, a value out of range, a 3D grid, a
# wave mode on walls, and an unstable dt (the CFL refusal, which names the
# limit and suggests a dt; the suggestion must then run).
. "$(dirname "$0")/lib.sh"
set -e
OCEAN="$builddir/drivers/pel-ocean"

printf '[ocean]\ndepht = 100\n' >typo.ini
expect_exit 2 "typo.ini:2: unknown key 'depht' in \[ocean\]" "$OCEAN" --config typo.ini
expect_exit 2 "ocean.depth" "$OCEAN" --set ocean.depth=-5
expect_exit 2 "bc_x" "$OCEAN" --set ocean.bc_x=open
expect_exit 2 "the ocean grid is NXxNY" "$OCEAN" --set ocean.grid=8x8x8
expect_exit 2 "init = mode needs a doubly periodic basin" "$OCEAN" --set ocean.init=mode
expect_exit 2 "amplitude = 300: must be finite and below the depth" "$OCEAN" --set ocean.init=bump \
    --set ocean.amplitude=300
expect_exit 2 "dt = 5000 s exceeds the RK3 stability limit 1189 s (mostly gravity waves: sqrt(g\*H) = 44.3 m/s.*use dt <= 1060" \
    "$OCEAN" --set ocean.dt=5000
expect_exit 2 "mostly viscosity" "$OCEAN" --set ocean.viscosity=1e10
use=$(sed -n 's/.*use dt <= \([0-9.e+-]*\).*/\1/p' err.txt)
[ -n "$use" ] || fail "no suggested dt in: $(cat err.txt)"
run_ok "$OCEAN" --set ocean.viscosity=1e10 --set ocean.dt="$use" --set run.steps=3
echo "bad input refused; the suggested dt $use runs"
