#!/bin/sh
# Bad configurations of pel-atmosphere: exit 2, one line naming the key (or
# the file and line), no report left behind.
. "$(dirname "$0")/lib.sh"
set -e
ATM="$builddir/drivers/pel-atmosphere"

printf '[atmosphere]\nny = 36\nwindd = 3\n' >typo.ini
expect_exit 2 "typo.ini:3: unknown key 'windd' in \[atmosphere\] (did you mean 'wind'?)" "$ATM" --config typo.ini
printf '[atmosphere]\nB = -2.09\n' >neg.ini
expect_exit 2 "neg.ini:2: \[atmosphere\] B = -2.09" "$ATM" --config neg.ini
expect_exit 2 "\[atmosphere\] ny = 1: 1 is out of range" "$ATM" --set atmosphere.ny=1
expect_exit 2 "\[atmosphere\] ice_albedo = maybe" "$ATM" --set atmosphere.ice_albedo=maybe
expect_exit 2 "'warm' is not a finite real number" "$ATM" --set atmosphere.T_init=warm
# a time step the vapour's transport cannot take: refused with a stable one
expect_exit 2 "atmosphere: dt = 1e+06 s gives the vapour a Courant number 35.97 .*use dt <= 2.779e+04 s" \
    "$ATM" --set atmosphere.dt=1e6 --set run.steps=1
run_ok "$ATM" --set atmosphere.dt=2.779e4 --set run.steps=2
# without the tracer the same step is accepted (the diffusion is implicit)
run_ok "$ATM" --set atmosphere.dt=1e6 --set atmosphere.vapour=off --set run.steps=2
echo "pel-atmosphere: bad configurations refused"
