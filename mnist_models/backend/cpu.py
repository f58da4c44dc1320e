"""This CPU as Linux describes it: its model name and the flags that select kernels."""

from __future__ import annotations

import platform
from pathlib import Path

#: CPU flags (as /proc/cpuinfo spells them) that select kernels: vector width, VNNI, bfloat16,
#: AMX on x86; NEON (asimd) and SVE on ARM.
KERNEL_FLAGS = ("sse4_1", "sse4_2", "avx", "fma", "avx2", "avx_vnni", "avx512f", "avx512dq",
                "avx512bw", "avx512vl", "avx512cd", "avx512_vnni", "avx512_bf16",
                "avx512_fp16", "amx_tile", "amx_bf16", "amx_int8", "asimd", "sve", "sve2")


def cpu_flags() -> frozenset[str]:
    """This CPU's flags as Linux reports them (empty where /proc/cpuinfo is not there)."""
    text = _cpuinfo()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return frozenset(value.split())
    return frozenset()


def cpu_model() -> str:
    """The CPU's model name, or the machine type where Linux does not say."""
    for line in _cpuinfo().splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("model name", "Model", "cpu model") and value.strip():
            return value.strip()
    return platform.processor() or platform.machine()


def _cpuinfo() -> str:
    try:
        return Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return ""
