"""The CPU and the kernels' code path: what decides which float32 kernels a backend runs.

The same model computes through other kernels on another CPU: oneDNN (TensorFlow) dispatches
on the instruction set at run time, XLA (JAX) compiles for the host's, and ATen (torch) picks a
vectorized build per capability. Each can be capped by an environment variable, so one machine
can take the code paths of older ones (:data:`PATHS`); :func:`describe` says which path this
process is on, for every record the suite writes.

Nothing here imports a backend unless that backend is already the active one.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mnist_models.backend.cpu import KERNEL_FLAGS, cpu_flags, cpu_model

_AVX512_CORE = ("avx512f", "avx512dq", "avx512bw", "avx512vl")


@dataclass(frozen=True)
class CodePath:
    """One way to run a backend: the variable that caps it, and the CPU flags that takes."""

    backend: str
    name: str
    variable: str | None = None
    value: str | None = None
    needs: tuple[str, ...] = ()

    def environment(self) -> dict[str, str]:
        """The variables to set (on top of an environment with none of :data:`VARIABLES`)."""
        return {} if self.variable is None else {self.variable: str(self.value)}


def _onednn(name: str, *needs: str) -> CodePath:
    return CodePath("tensorflow", f"onednn:{name}", "ONEDNN_MAX_CPU_ISA", name, needs)


#: Per backend, every path the calibration takes where the CPU can: ``native`` (nothing capped)
#: first. A oneDNN cap is named as oneDNN spells it (``ONEDNN_MAX_CPU_ISA``).
PATHS: Mapping[str, tuple[CodePath, ...]] = {
    "tensorflow": (
        CodePath("tensorflow", "native"),
        CodePath("tensorflow", "onednn:off", "TF_ENABLE_ONEDNN_OPTS", "0"),
        _onednn("SSE41", "sse4_1"),
        _onednn("AVX", "avx"),
        _onednn("AVX2", "avx2"),
        _onednn("AVX2_VNNI", "avx2", "avx_vnni"),
        _onednn("AVX512_CORE", *_AVX512_CORE),
        _onednn("AVX512_CORE_VNNI", *_AVX512_CORE, "avx512_vnni"),
        _onednn("AVX512_CORE_BF16", *_AVX512_CORE, "avx512_vnni", "avx512_bf16"),
        _onednn("AVX512_CORE_AMX", *_AVX512_CORE, "avx512_vnni", "avx512_bf16", "amx_tile",
                "amx_bf16", "amx_int8"),
    ),
    "jax": (
        CodePath("jax", "native"),
        *(CodePath("jax", f"xla:{isa}", "XLA_FLAGS", f"--xla_cpu_max_isa={isa}", needs)
          for isa, needs in (("SSE4_2", ("sse4_2",)), ("AVX", ("avx",)), ("AVX2", ("avx2",)),
                             ("AVX512", _AVX512_CORE))),
    ),
    "torch": (
        CodePath("torch", "native"),
        CodePath("torch", "aten:default", "ATEN_CPU_CAPABILITY", "default"),
        CodePath("torch", "aten:avx2", "ATEN_CPU_CAPABILITY", "avx2", ("avx2", "fma")),
        CodePath("torch", "aten:avx512", "ATEN_CPU_CAPABILITY", "avx512", _AVX512_CORE),
    ),
}
#: The path every x86-64 CI machine without AVX-512 takes, per backend: CI checks it.
AVX2 = {"tensorflow": "onednn:AVX2", "jax": "xla:AVX2", "torch": "aten:avx2"}
VARIABLES = ("ONEDNN_MAX_CPU_ISA", "TF_ENABLE_ONEDNN_OPTS", "XLA_FLAGS", "ATEN_CPU_CAPABILITY")


def unsupported(path: CodePath, flags: frozenset[str] | None = None) -> str | None:
    """Why this CPU cannot take ``path`` (None where it can). A cap above what the CPU has is
    no path of its own: the library falls back to the best it finds, the native one."""
    flags = cpu_flags() if flags is None else flags
    if path.needs and platform.machine() not in ("x86_64", "AMD64"):
        return f"{path.name} is an x86-64 path; this CPU is {platform.machine()}"
    missing = [flag for flag in path.needs if flag not in flags]
    return f"the CPU lacks {', '.join(missing)}" if missing else None


def active(backend: str, environ: Mapping[str, str] | None = None) -> str:
    """The name of the path this process's environment selects for ``backend``: ``native``,
    one of :data:`PATHS`, or ``custom:VARIABLE=VALUE`` for a cap the calibration does not take."""
    environ = os.environ if environ is None else environ
    settings = {path.variable: _setting(path.variable, environ)
                for path in PATHS[backend] if path.variable}
    for path in PATHS[backend][1:]:
        if settings[path.variable] == path.value:
            return path.name
    custom = [f"{variable}={value}" for variable, value in settings.items()
              if value and value.upper() != "ALL"]
    return "custom:" + ",".join(custom) if custom else "native"


def _setting(variable: str, environ: Mapping[str, str]) -> str | None:
    if variable != "XLA_FLAGS":
        return environ.get(variable, "").strip() or None
    isa = _xla_cap(environ)
    return None if isa is None else f"--xla_cpu_max_isa={isa}"


#: oneDNN's ISAs from the least to the most capable, with the flags each needs; the library
#: runs the most capable one that both the CPU and ``ONEDNN_MAX_CPU_ISA`` allow.
_ONEDNN_ORDER = [(p.value, p.needs) for p in PATHS["tensorflow"][2:]]


def onednn_isa(environ: Mapping[str, str] | None = None,
               flags: frozenset[str] | None = None) -> str | None:
    """The ISA oneDNN dispatches to here (as ``ONEDNN_MAX_CPU_ISA`` spells it), or None off
    x86-64; checked against ``ONEDNN_VERBOSE`` by ``tests/test_code_paths.py``."""
    environ = os.environ if environ is None else environ
    flags = cpu_flags() if flags is None else flags
    if platform.machine() not in ("x86_64", "AMD64"):
        return None
    cap = environ.get("ONEDNN_MAX_CPU_ISA", "ALL").strip().upper()
    names = [name for name, _ in _ONEDNN_ORDER]
    allowed = names if cap in ("ALL", "") or cap not in names else names[:names.index(cap) + 1]
    best = None
    for name, needs in _ONEDNN_ORDER:
        if name in allowed and all(flag in flags for flag in needs):
            best = name
    return best


def describe(backend: str | None = None) -> dict[str, Any]:
    """The CPU and the code path of this process, as every record stores it."""
    flags = cpu_flags()
    about: dict[str, Any] = {
        "cpu": cpu_model(),
        "arch": platform.machine(),
        "isa": [flag for flag in KERNEL_FLAGS if flag in flags],
        "variables": {v: os.environ[v] for v in VARIABLES if v in os.environ},
    }
    if backend is None:
        return about
    about["backend"] = backend
    about["path"] = active(backend)
    if backend == "tensorflow":
        about["onednn"] = _onednn_enabled()
        about["onednn_isa"] = onednn_isa(flags=flags) if about["onednn"] else None
    elif backend == "jax":
        about["xla_cpu_max_isa"] = _xla_cap() or "native"
    elif backend == "torch" and "torch" in sys.modules:
        about["aten_cpu_capability"] = sys.modules["torch"].backends.cpu.get_cpu_capability()
    return about


def _onednn_enabled() -> bool:
    """TensorFlow's own answer where it is imported; its documented default otherwise."""
    if "tensorflow" in sys.modules:
        try:
            from tensorflow.python.util import _pywrap_util_port

            return bool(_pywrap_util_port.IsMklEnabled())
        except (ImportError, AttributeError):
            pass
    setting = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "").strip().lower()
    if setting in ("0", "false"):
        return False
    return setting in ("1", "true") or platform.machine() in ("x86_64", "AMD64")


def _xla_cap(environ: Mapping[str, str] | None = None) -> str | None:
    environ = os.environ if environ is None else environ
    for flag in environ.get("XLA_FLAGS", "").split():
        if flag.startswith("--xla_cpu_max_isa="):
            return flag.split("=", 1)[1]
    return None


def summary(about: Mapping[str, Any]) -> str:
    """One line for a table or a report header: CPU, widest vector ISA, path."""
    isa = about.get("isa", [])
    widest = next((f for f in ("amx_tile", "avx512f", "avx2", "avx", "sve", "asimd")
                   if f in isa), "baseline")
    line = f"{about.get('cpu', '?')} ({about.get('arch', '?')}, {widest.replace('_tile', '')})"
    if "path" in about:
        line += f", path {about['path']}"
    if about.get("onednn_isa"):
        line += f" (oneDNN {about['onednn_isa']})"
    return line


def same_machine_kind(first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    """Whether two descriptions name the same CPU model with the same kernel flags."""
    return (first.get("cpu") == second.get("cpu")
            and sorted(first.get("isa", [])) == sorted(second.get("isa", [])))


def supported_paths(backend: str, flags: frozenset[str] | None = None
                    ) -> tuple[list[CodePath], list[tuple[CodePath, str]]]:
    """``backend``'s paths this CPU can take, and the others with the reason for each."""
    taken: list[CodePath] = []
    skipped: list[tuple[CodePath, str]] = []
    for path in PATHS[backend]:
        reason = unsupported(path, flags)
        if reason is None:
            taken.append(path)
        else:
            skipped.append((path, reason))
    return taken, skipped


def clean_environment(extra: Mapping[str, str] | None = None,
                      base: Mapping[str, str] | None = None) -> dict[str, str]:
    """``base`` (this process's environment) with no path variable set, plus ``extra``."""
    environ = {k: v for k, v in (os.environ if base is None else base).items()
               if k not in VARIABLES}
    return environ | dict(extra or {})

