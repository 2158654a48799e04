# Shared by the driver tests: sourced, not run.  Automake's test harness
# exports top_builddir and top_srcdir; runs happen in a fresh temporary
# directory so a VPATH `make distcheck` (read-only sources) works.
set -u
builddir=$(cd "${top_builddir:-.}" && pwd)
srcdir=$(cd "${top_srcdir:-.}" && pwd)
HEAT="$builddir/drivers/pel-heat"
POISSON="$builddir/drivers/pel-poisson"
BENCH="$builddir/drivers/pel-bench"
NPB="$builddir/drivers/pel-npb"
work=$(mktemp -d "${TMPDIR:-/tmp}/pel-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

fail() { echo "FAIL: $*" >&2; exit 1; }

# fingerprint REPORT FIELD: the field's fingerprint from a JSON run report
fingerprint() {
    sed -n "/\"fingerprints\"/,/}/s/.*\"$2\": \"\\([0-9a-f]*\\)\".*/\\1/p" "$1"
}

# run_ok ARGS...: the driver run must succeed (exit 0)
run_ok() {
    "$@" >out.txt 2>err.txt || { cat out.txt err.txt >&2; fail "exit $? from: $*"; }
}

# signal_expect SIG PID CODE WHAT: send SIG to the background run PID (its
# stderr in err.txt), which must then exit with CODE
signal_expect() {
    kill -"$1" "$2"
    set +e
    wait "$2"
    got=$?
    set -e
    [ "$got" -eq "$3" ] || { cat err.txt >&2; fail "$4: exit $got, expected $3"; }
}

# expect_exit CODE PATTERN ARGS...: exit CODE, and stderr (or stdout for
# verification failures) is one line matching PATTERN, with no report left
expect_exit() {
    code=$1 pattern=$2
    shift 2
    rm -f report.json
    set +e
    "$@" --report report.json >out.txt 2>err.txt
    got=$?
    set -e
    [ "$got" -eq "$code" ] || { cat out.txt err.txt >&2; fail "exit $got, expected $code: $*"; }
    if [ "$code" -eq 2 ] || [ "$code" -eq 3 ]; then
        [ "$(wc -l <err.txt)" -eq 1 ] || { cat err.txt >&2; fail "expected a one-line error: $*"; }
        grep -q -- "$pattern" err.txt || { cat err.txt >&2; fail "error lacks '$pattern': $*"; }
        [ ! -e report.json ] || fail "a report was left behind: $*"
        ls ./*.tmp.* >/dev/null 2>&1 && fail "a temporary file was left behind: $*"
    else
        grep -q -- "$pattern" out.txt || { cat out.txt >&2; fail "output lacks '$pattern': $*"; }
    fi
    return 0
}
