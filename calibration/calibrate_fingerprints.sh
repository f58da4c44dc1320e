#!/usr/bin/env bash
# Calibrate the fingerprint tolerances: in each tox environment, on every code path this CPU can
# take (oneDNN's ISA caps and oneDNN off for TensorFlow, XLA's for JAX, ATen's for torch; see
# mnist_models/backend/code_paths.py), measure every model's deviation from the goldens
# (mnist_models/measurements/fingerprints.json) and record it, with date, versions, CPU, ISA
# flags and path, in mnist_models/measurements/fingerprint-deviations.json. Tolerances are
# derived from that file (mnist_models/fingerprints/tolerances.py); the docs' table is
# `mnist-models fingerprint --tolerance-table`.
# The paths this CPU cannot take are printed as skipped, with the reason.
#
#   bash calibration/calibrate_fingerprints.sh              # every test environment
#   bash calibration/calibrate_fingerprints.sh tf215 jax    # some of them
#   bash calibration/calibrate_fingerprints.sh --write      # first regenerate the goldens:
#       every model's in tf221 (the reference), then those of the known numeric differences
#       (compat.NUMERIC_DIFFERENCES) where they hold: Keras 2 (tf215) and JAX.
#
# Its output, as last run, is calibration/fingerprints-paths.txt:
#   bash calibration/calibrate_fingerprints.sh 2>&1 | tee calibration/fingerprints-paths.txt
set -euo pipefail
cd "$(dirname "$0")/.."
run() {  # run ENV ARGS...: mnist-models in tox environment ENV (its backend, this checkout)
    local env=$1
    shift
    echo "== $env: mnist-models $*" >&2
    tox -q -e "$env" -x "testenv:$env.commands=mnist-models $*"
}
envs=()
for arg in "$@"; do
    if [ "$arg" = --write ]; then
        for env in tf221 tf215 jax; do
            run "$env" fingerprint --write
        done
    else
        envs+=("$arg")
    fi
done
if [ ${#envs[@]} -eq 0 ]; then
    envs=(tf215 tf216 tf217 tf218 tf219 tf220 tf221 jax torch)
fi
date -u '+%Y-%m-%d %H:%M UTC' >&2
grep -m1 'model name' /proc/cpuinfo >&2 || true
for env in "${envs[@]}"; do
    run "$env" fingerprint --calibrate "$env" --all-paths
done
