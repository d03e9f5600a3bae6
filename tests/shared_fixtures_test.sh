#!/usr/bin/env bash
# The parts of the CLI shell tests that read ../shared/fixtures (real traces recorded by other
# tools, not part of a clone) run only when their files are there; otherwise those tests print
# "SKIP (part)" and pass. This test makes that visible: skipped (77) with the reason when
# ../shared/fixtures is absent, failed when it is present but a fixture a test names is missing
# (a renamed file would silently turn its checks off).
# Usage: shared_fixtures_test.sh RAFTER_BINARY SOURCE_DIR
set -u
src=${2:?usage: shared_fixtures_test.sh RAFTER_BINARY SOURCE_DIR}
shared="$src/../shared/fixtures"
[ -d "$shared" ] || {
  echo "SKIP: $shared is absent: the real-trace parts of the analyze, compare, export and project CLI tests did not run"
  exit 77
}
fail=0
checked=0
for script in "$src"/tests/*_test.sh; do
  [ "$(basename "$script")" = shared_fixtures_test.sh ] && continue
  # Fixtures named in full (fixtures/kineto/x.json.gz) or through a directory variable
  # (fixtures="$src/../shared/fixtures/kineto" ... "$fixtures/x.json.gz").
  dir=$(sed -n 's|^fixtures="\$src/\.\./shared/fixtures/\([a-z]*\)".*|\1|p' "$script" | head -1)
  names=$(grep -o 'shared/fixtures/[a-z]*/[A-Za-z0-9_.-]*\.[a-z]*' "$script" | sed 's|^shared/fixtures/||')
  if [ -n "$dir" ]; then
    names="$names $(grep -o '\$fixtures/[A-Za-z0-9_.-]*\.[a-z]*' "$script" | sed "s|^\\\$fixtures/|$dir/|")"
  fi
  for n in $(echo $names | tr ' ' '\n' | sort -u); do
    checked=$((checked + 1))
    [ -f "$shared/$n" ] || { echo "FAIL: $(basename "$script") names ../shared/fixtures/$n, which is missing: its checks do not run"; fail=1; }
  done
done
[ "$checked" -gt 0 ] || { echo "FAIL: no CLI test names a fixture file (the pattern of this test is out of date)"; fail=1; }
[ "$fail" -eq 0 ] && echo "shared fixtures: all $checked files the CLI tests name are present"
exit "$fail"
