"""Code paths: what the provenance says about the CPU and kernels is what the libraries do, and
the fingerprints hold on the AVX2 path that CPUs without AVX-512 take (CI's check that a golden
written on an AVX-512 machine is not contradicted there)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mnist_models import paths
from mnist_models.backend import code_paths, compat

BACKEND = compat.backend()
AVX2_PATH = next(p for p in code_paths.PATHS[BACKEND] if p.name == code_paths.AVX2[BACKEND])
NO_AVX2 = code_paths.unsupported(AVX2_PATH)


@pytest.mark.parametrize("path", [p for paths in code_paths.PATHS.values() for p in paths],
                         ids=lambda p: f"{p.backend}-{p.name}")
def test_each_paths_variable_is_read_back_as_that_path(path):
    assert code_paths.active(path.backend, path.environment()) == path.name


def test_a_cap_the_calibration_does_not_take_is_named_not_called_native():
    assert code_paths.active("tensorflow", {"ONEDNN_MAX_CPU_ISA": "AVX10_1_512"}) == \
        "custom:ONEDNN_MAX_CPU_ISA=AVX10_1_512"
    assert code_paths.active("jax", {"XLA_FLAGS": "--xla_force_host_platform_device_count=2"}) \
        == "native"
    assert code_paths.active("tensorflow", {"ONEDNN_MAX_CPU_ISA": "ALL"}) == "native"


def test_a_path_the_cpu_cannot_take_is_skipped_with_the_flags_it_lacks():
    amx = next(p for p in code_paths.PATHS["tensorflow"] if p.name == "onednn:AVX512_CORE_AMX")
    avx2_only = frozenset({"sse4_1", "sse4_2", "avx", "avx2", "fma"})
    if os.uname().machine == "x86_64":
        assert code_paths.unsupported(amx, avx2_only) == \
            "the CPU lacks avx512f, avx512dq, avx512bw, avx512vl, avx512_vnni, avx512_bf16, " \
            "amx_tile, amx_bf16, amx_int8"
        assert code_paths.unsupported(AVX2_PATH, avx2_only) is None
    taken, skipped = code_paths.supported_paths("tensorflow", avx2_only)
    assert taken[0].name == "native" and {p.name for p, _ in skipped} >= {amx.name}


def test_onednn_runs_the_best_isa_both_the_cpu_and_the_cap_allow():
    flags = frozenset({"sse4_1", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512bw",
                       "avx512vl", "avx512_vnni"})
    isa = {cap: code_paths.onednn_isa({"ONEDNN_MAX_CPU_ISA": cap}, flags) for cap in
           ("SSE41", "AVX2", "AVX2_VNNI", "AVX512_CORE_AMX", "ALL")}
    if os.uname().machine == "x86_64":
        # No avx_vnni: AVX2_VNNI falls back to AVX2; no bf16 or AMX: the best is VNNI.
        assert isa == {"SSE41": "SSE41", "AVX2": "AVX2", "AVX2_VNNI": "AVX2",
                       "AVX512_CORE_AMX": "AVX512_CORE_VNNI", "ALL": "AVX512_CORE_VNNI"}


#: What ONEDNN_VERBOSE's ``isa:`` line holds, and does not, for each ISA oneDNN dispatches to
#: (oneDNN 3.x in TF 2.15-2.21; the exact wording varies between releases, these words do not).
VERBOSE_ISA = {
    "SSE41": (("SSE4.1",), ("AVX",)),
    "AVX": (("AVX",), ("AVX2", "AVX-512")),
    "AVX2": (("AVX2",), ("DL Boost", "AVX-512")),
    "AVX2_VNNI": (("AVX2", "DL Boost"), ("AVX-512",)),
    "AVX512_CORE": (("AVX-512",), ("DL Boost", "AMX")),
    "AVX512_CORE_VNNI": (("AVX-512", "DL Boost"), ("bfloat16", "AMX")),
    "AVX512_CORE_BF16": (("AVX-512", "bfloat16"), ("AMX",)),
    "AVX512_CORE_AMX": (("AMX",), ()),
}


@pytest.mark.skipif(BACKEND != "tensorflow", reason="oneDNN is TensorFlow's")
@pytest.mark.skipif(os.uname().machine != "x86_64", reason="oneDNN's ISA caps are x86-64's")
@pytest.mark.parametrize("cap", ["SSE41", "AVX2", None])
def test_the_recorded_onednn_isa_is_the_one_onednn_reports(cap):
    """The provenance derives oneDNN's ISA from the CPU flags and the cap, cheaply; oneDNN's
    own verbose log says which one it dispatched to."""
    environ = code_paths.clean_environment({"ONEDNN_VERBOSE": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
                                           | ({"ONEDNN_MAX_CPU_ISA": cap} if cap else {}))
    script = ("import tensorflow as tf; tf.nn.conv2d(tf.ones((1, 8, 8, 1)), tf.ones((3, 3, 1, "
              "4)), 1, 'SAME')")
    out = subprocess.run([sys.executable, "-c", script], env=environ, capture_output=True,
                         text=True, timeout=120, check=True).stdout
    reported = re.search(r"onednn_verbose,(?:v1,)?info,cpu,isa:(.*)", out)
    assert reported, out[-2000:]
    expected = code_paths.onednn_isa(environ)
    words, absent = VERBOSE_ISA[expected]
    line = reported.group(1)
    assert all(w in line for w in words) and not any(w in line for w in absent), \
        (cap, expected, line)


def _fingerprint(tmp_path: Path, path: code_paths.CodePath, *args: str,
                 measurements: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``mnist-models fingerprint`` on ``path`` from an empty folder: the shipped goldens and
    deviations, or those in ``measurements`` where it has them."""
    environ = code_paths.clean_environment(path.environment())
    environ.pop(paths.OVERRIDE, None)
    if measurements is not None:
        environ[paths.OVERRIDE] = str(measurements)
    return subprocess.run([sys.executable, "-m", "mnist_models", "fingerprint", *args],
                          cwd=tmp_path, env=environ, capture_output=True, text=True,
                          timeout=600, check=False)


@pytest.mark.skipif(NO_AVX2 is not None, reason=f"this CPU cannot take the AVX2 path: {NO_AVX2}")
def test_every_fingerprint_holds_on_the_avx2_path(tmp_path):
    run = _fingerprint(tmp_path, AVX2_PATH)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "every fingerprint matches its golden" in run.stdout


@pytest.mark.skipif(BACKEND != "tensorflow",
                    reason="only oneDNN's paths move the numbers on the CPUs measured "
                    "(calibration/fingerprints-paths.txt: XLA's and ATen's held to the bit)")
@pytest.mark.skipif(code_paths.onednn_isa() in (None, "AVX2", "AVX", "SSE41", "AVX2_VNNI"),
                    reason="this CPU's native oneDNN path is the AVX2 one, or none")
def test_the_avx2_check_fails_a_golden_calibrated_on_the_native_path_alone(tmp_path):
    """What CI's AVX2 run catches: tolerances measured on an AVX-512 machine's own path only
    (here: none measured, so the float32 floors) do not hold where AVX2 kernels run."""
    (tmp_path / paths.DEVIATIONS).write_text(json.dumps({"measurements": []}))
    run = _fingerprint(tmp_path, AVX2_PATH, "lenet5_bn", measurements=tmp_path)
    assert run.returncode == 1, run.stdout[-4000:] + run.stderr[-2000:]
    assert "MOVED: lenet5_bn" in run.stdout
