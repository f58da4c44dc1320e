#!/usr/bin/env bash
# The GPU figures in BENCHMARKS.md and REPRODUCTION-GPU.md, on a machine whose Python has JAX
# with CUDA and no TensorFlow (the device tool's image). Keras 3 and its two small
# dependencies that image lacks travel as wheels in .whl/ (BENCHMARKS.md says how to fetch
# them). Every result lands in OUT.
#
#   bash benchmarks/studies/gpu_run.sh OUT speed       # gpu tests, large batch, time to 99%, benchmarks
#   bash benchmarks/studies/gpu_run.sh OUT reproduce   # every document's full recipe
set -euo pipefail
out=${1:?usage: gpu_run.sh OUT speed|reproduce}
part=${2:?usage: gpu_run.sh OUT speed|reproduce}
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl
export PYTHONPATH="/tmp/site:$PWD" KERAS_BACKEND=jax PYTHONUNBUFFERED=1
export MNIST_MODELS_REQUIRE_GPU=1  # a gpu test that would skip is an error here
nvidia-smi -L
# Keras trains on the CPU without a word when JAX finds no GPU; no CPU figures labelled GPU.
python3 -c "from mnist_models import compat; gpu = compat.accelerator(); \
print(compat.versions(), gpu); assert gpu, 'JAX sees no GPU'"

case $part in
speed)
    python3 -m pytest -q -p no:cacheprovider -rs tests/test_gpu.py \
        tests/test_training.py -k "gpu or same_seed" 2>&1 | tee "$out/gpu-tests.log"
    python3 benchmarks/studies/large_batch.py --model lenet5 --batch-size 8192 --epochs 12 \
        | tee "$out/large-batch.log"
    for seed in 0 1 2; do
        python3 -m mnist_models train lenet5_bn --target-accuracy 0.99 --seed "$seed" --json \
            | tail -n 1 >>"$out/time-to-99.jsonl"
    done
    python3 -m pytest -q -p no:cacheprovider benchmarks/test_throughput.py --benchmark-only \
        --benchmark-json "$out/gpu-jax.json" --benchmark-save-data 2>&1 | tail -n 5
    ;;
reproduce)
    python3 -m mnist_models reproduce --markdown REPRODUCTION-GPU.md 2>&1 | tee "$out/reproduce.log"
    cp REPRODUCTION-GPU.md "$out/"
    ;;
*)
    echo "gpu_run.sh: unknown part '$part'; expected speed or reproduce" >&2
    exit 2
    ;;
esac
