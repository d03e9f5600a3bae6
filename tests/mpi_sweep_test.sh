#!/usr/bin/env bash
# Integration of microbench/mpi/mpi_sweep.cpp: `mpirun -np 2 rafter sweep --backend host --suite
# interconnect` measures the links between two ranks through MPI. Rank 0 alone writes the profile
# (one file, one summary): a ping-pong link and the three collectives, each with bytes_per_s > 0,
# results checked, the ranks, hosts and transport (shared memory: one machine) recorded. Under
# mpirun a suite other than interconnect is refused once, with exit code 2. A rafter built without
# MPI, started with a launcher's environment, says so in one line with exit code 3.
# Skips (77) when mpirun is absent.
set -u
rafter=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; for f in "$tmp"/out "$tmp"/err; do [ -s "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done; exit 1; }

if ! ldd "$rafter" 2>/dev/null | grep -q 'libmpi'; then
  # Built without MPI: what rank 0 and rank 1 of a 2-rank launch see.
  mkdir "$tmp/o"
  OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=0 "$rafter" sweep --backend host --suite interconnect \
    -o "$tmp/o/p.json" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ $rc -eq 3 ] || fail "rank 0 without MPI support exited $rc, expected 3"
  [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "built without MPI" "$tmp/err" || fail "expected one line saying 'built without MPI'"
  PMI_SIZE=2 PMI_RANK=1 "$rafter" sweep --backend host --suite interconnect -o "$tmp/o/p.json" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ $rc -eq 3 ] && [ ! -s "$tmp/err" ] || fail "rank 1 without MPI support: exit $rc (expected 3, quietly)"
  [ -z "$(ls -A "$tmp/o")" ] || fail "something was written: $(ls -A "$tmp/o")"
  echo "mpi_sweep_test: ok (this rafter has no MPI: a launcher's 2 ranks are refused with exit code 3)"
  exit 0
fi
command -v mpirun >/dev/null || { echo "SKIP: mpirun not found (Debian: openmpi-bin, installed by scripts/setup.sh)"; exit 77; }

# Open MPI refuses root unless told; CI and containers run as root.
if [ "$(id -u)" -eq 0 ]; then export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1; fi
# An ASan build: Open MPI's own allocations at exit are not rafter's leaks.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
launch=(timeout 120 mpirun -np 2 --oversubscribe --bind-to none)

# A suite that is not interconnect: refused once (rank 0 speaks), exit code 2, nothing written.
mkdir "$tmp/bad"
"${launch[@]}" "$rafter" sweep --backend host --suite memory -o "$tmp/bad/p.json" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "--suite memory under mpirun exited $rc, expected 2"
[ "$(grep -c 'rafter: error' "$tmp/err")" -eq 1 ] || fail "expected the usage error once"
grep -q "only --suite interconnect" "$tmp/err" || fail "the usage error does not say what runs under MPI"
[ -z "$(ls -A "$tmp/bad")" ] || fail "a refused sweep wrote $(ls -A "$tmp/bad")"

mkdir "$tmp/o"
"${launch[@]}" "$rafter" sweep --backend host --suite interconnect --preset quick --progress plain \
  -o "$tmp/o/mpi.json" --html "$tmp/o/mpi.html" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 0 ] || fail "mpirun -np 2 rafter sweep exited $rc"
[ "$(ls -A "$tmp/o" | sort | tr '\n' ' ')" = "mpi.html mpi.json " ] || fail "expected mpi.json and mpi.html only, got: $(ls -A "$tmp/o")"
[ "$(grep -c '^profile:' "$tmp/out")" -eq 1 ] || fail "expected one rank to report the profile"
"$rafter" report "$tmp/o/mpi.json" --html "$tmp/again.html" >/dev/null || fail "the profile does not load back"
python3 - "$tmp/o/mpi.json" <<'PY' || fail "profile checks"
import json, sys
p = json.load(open(sys.argv[1]))
assert p["schema"] == "rafter.machine/1", p["schema"]
env = p["device"]["environment"]
assert env["mpi_ranks"] == "2", env
assert env["mpi_hosts"].endswith(" x2"), env["mpi_hosts"]
assert "shared memory" in env["mpi_transport"], env["mpi_transport"]
links = {l["id"]: l for l in p["links"]}
want = {"mpi_p2p_0_1", "mpi_allreduce", "mpi_allgather", "mpi_reducescatter"}
assert set(links) == want, sorted(links)
for l in links.values():
    assert l["bytes_per_s"] > 0, l
    assert l["latency_s"] > 0, l
    assert "checked" in l["method"], l["method"]
    assert l["samples"]["min"] <= l["bytes_per_s"] <= l["samples"]["max"], l
assert "shared memory" in links["mpi_p2p_0_1"]["method"], links["mpi_p2p_0_1"]["method"]
assert "Intel MPI Benchmarks" in links["mpi_p2p_0_1"]["method"]
assert "busbw = algbw x 1" in links["mpi_allreduce"]["method"], links["mpi_allreduce"]["method"]  # 2(n-1)/n = 1 for 2 ranks
curves = {c["id"]: c for c in p["curves"]}
for cid in ["mpi_p2p_0_1.bandwidth", "mpi_p2p_0_1.latency", "mpi_allreduce.busbw", "mpi_allgather.busbw",
            "mpi_reducescatter.busbw"]:
    assert cid in curves and len(curves[cid]["points"]) >= 3, (cid, sorted(curves))
lat = curves["mpi_p2p_0_1.latency"]["points"]
# The fastest samples: on 2 oversubscribed cores (ranks busy-polling beside other work) a median
# of the 8-byte ping-pong can reach a scheduler quantum (4 ms seen), its best sample does not.
assert lat[-1]["x"] > lat[0]["x"] and lat[-1]["min"] > lat[0]["min"], ("a 4 MiB message should take longer than 8 bytes",
                                                                        lat[0], lat[-1])
assert any("shared memory within one host" in w for w in p["warnings"]), p["warnings"]
print(f"ok: ping-pong {links['mpi_p2p_0_1']['bytes_per_s']/1e9:.2f} GB/s, latency {links['mpi_p2p_0_1']['latency_s']*1e6:.2f} us; "
      f"allreduce busbw {links['mpi_allreduce']['bytes_per_s']/1e9:.2f} GB/s")
PY
grep -q "<svg" "$tmp/o/mpi.html" || fail "the HTML report has no chart"
echo "mpi_sweep_test: ok"
