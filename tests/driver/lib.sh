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

# wait_caught SIG PID: wait (up to 30 s) until the run PID has installed its
# handler for SIG (Linux: the SigCgt mask of /proc/PID/status), so that a
# signal sent next tests the handler, not the default action
wait_caught() {
    case $1 in
    INT) bit=2 ;; TERM) bit=15 ;; HUP) bit=1 ;; *) fail "wait_caught: signal $1" ;;
    esac
    [ -r "/proc/$2/status" ] || return 0
    k=0
    while [ $k -lt 300 ]; do
        mask=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$2/status" 2>/dev/null)
        [ -n "$mask" ] && [ $(((0x$mask >> (bit - 1)) & 1)) -eq 1 ] && return 0
        sleep 0.1
        k=$((k + 1))
    done
    fail "the run (pid $2) had no SIG$1 handler after 30 s"
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
