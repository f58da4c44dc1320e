"""Load and verify MNIST without Keras or TensorFlow (numpy and the standard library only).

The data path has to work under every Keras backend, including JAX and torch installs with no
TensorFlow, so ``keras.datasets.mnist`` (which downloads, and on some versions needs TF) is not
used. Arrays come back exactly as ``keras.datasets.mnist.load_data()`` returns them.

Where the data comes from, first match wins and a broken source is an error, never a reason to
try the next one:

1. the ``path`` argument;
2. the ``MNIST_MODELS_DATA`` environment variable (empty counts as unset);
3. the copy packaged in ``mnist_models/mnist_data/``.

A source is a folder holding the four IDX files (gzip'd or not) or a Keras ``mnist.npz``, or
the path of an ``.npz`` file itself. In a folder, any IDX file present means IDX: the other three
must be there too, and ``mnist.npz`` beside them is not used to make up for a missing one.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.resources
import os
import threading
import zipfile
import zlib
from pathlib import Path

import numpy as np

__all__ = [
    "ENV_VAR",
    "MNIST_PAYLOAD_SHA256",
    "DataError",
    "clear_cache",
    "load_mnist",
    "resolve_source",
    "verify_mnist",
]

ENV_VAR = "MNIST_MODELS_DATA"

#: sha256 of each array's ``tobytes()``: the IDX payload after the header, which is the same
#: whether it came from IDX, gzip'd IDX or Keras' mnist.npz. From shared/data/mnist/README.md.
MNIST_PAYLOAD_SHA256: dict[str, str] = {
    "train-images-idx3-ubyte": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "train-labels-idx1-ubyte": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "t10k-images-idx3-ubyte": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "t10k-labels-idx1-ubyte": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}

# (IDX name, mnist.npz key, magic number, shape), in load_data()'s return order. The magic is
# 0x0000 then type code 0x08 (unsigned byte) then the number of dimensions.
_PARTS: tuple[tuple[str, str, int, tuple[int, ...]], ...] = (
    ("train-images-idx3-ubyte", "x_train", 0x00000803, (60000, 28, 28)),
    ("train-labels-idx1-ubyte", "y_train", 0x00000801, (60000,)),
    ("t10k-images-idx3-ubyte", "x_test", 0x00000803, (10000, 28, 28)),
    ("t10k-labels-idx1-ubyte", "y_test", 0x00000801, (10000,)),
)
_NPZ_NAME = "mnist.npz"

Split = tuple[np.ndarray, np.ndarray]
Mnist = tuple[Split, Split]

_cache: dict[tuple, Mnist] = {}
# One lock for all loads: two threads asking for the same source decode it once.
_lock = threading.Lock()


class DataError(ValueError):
    """An MNIST source is missing, unreadable or does not hold the expected data."""


def resolve_source(path: str | os.PathLike[str] | None = None) -> tuple[Path, str]:
    """Return the source :func:`load_mnist` would read and where it was chosen from.

    The second item is ``"path"``, ``"env"`` or ``"packaged"``. The path is not checked here.
    """
    if path is not None:
        return Path(path).expanduser().resolve(), "path"
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser().resolve(), "env"
    packaged = importlib.resources.files(__package__ or "mnist_models") / "mnist_data"
    # A zipped install would give a Traversable that is not a Path; we read from disk only.
    if not isinstance(packaged, Path):
        raise DataError(f"packaged MNIST copy is not on the file system ({packaged}); "
                        f"set {ENV_VAR} to a folder holding the data")
    return packaged.resolve(), "packaged"


def load_mnist(path: str | os.PathLike[str] | None = None) -> Mnist:
    """Return ``((x_train, y_train), (x_test, y_test))`` as read-only uint8 arrays.

    Shapes are (60000, 28, 28), (60000,), (10000, 28, 28), (10000,). Every array is checked
    against :data:`MNIST_PAYLOAD_SHA256`; any problem raises :class:`DataError` naming the file.
    Results are cached per source (keyed on its files' size and mtime), so a second call
    returns the same array objects at no cost.
    """
    source, origin = resolve_source(path)
    where = {"path": "path=", "env": f"{ENV_VAR}=", "packaged": "packaged copy "}[origin]
    try:
        files = _source_files(source)
        # Stat in the key so a file rewritten in place is decoded again, not served stale.
        key = tuple((str(f), st.st_size, st.st_mtime_ns) for f in files for st in [f.stat()])
    except DataError as exc:
        raise DataError(f"MNIST {where}{source}: {exc}") from None
    with _lock:
        if key not in _cache:
            try:
                arrays = _read_npz(files[0]) if len(files) == 1 else _read_idx_files(files)
            except DataError as exc:
                raise DataError(f"MNIST {where}{source}: {exc}") from None
            _cache[key] = ((arrays[0], arrays[1]), (arrays[2], arrays[3]))
        return _cache[key]


def verify_mnist(data: Mnist) -> None:
    """Check arrays from any loader (e.g. ``keras.datasets.mnist.load_data()``) are MNIST.

    Raises :class:`DataError` naming the first array whose dtype, shape or payload hash is off.
    """
    (x_train, y_train), (x_test, y_test) = data
    for (name, key, _, shape), arr in zip(_PARTS, (x_train, y_train, x_test, y_test), strict=True):
        _check_array(f"{key} ({name})", np.asarray(arr), shape, MNIST_PAYLOAD_SHA256[name])


def clear_cache() -> None:
    """Forget every decoded source (for tests and long-lived processes)."""
    with _lock:
        _cache.clear()


def _source_files(source: Path) -> list[Path]:
    """The files a source consists of: one .npz, or the four IDX files in load order."""
    if source.is_file():
        if source.suffix != ".npz":
            raise DataError("expected a folder or an .npz file, got another kind of file")
        return [source]
    if not source.is_dir():
        raise DataError("no such file or folder")
    found = {}
    for name, *_ in _PARTS:
        # Prefer the uncompressed file when both exist: the hash check makes them equivalent.
        found[name] = next((c for c in (source / name, source / f"{name}.gz") if c.is_file()), None)
    if not any(found.values()) and (source / _NPZ_NAME).is_file():
        return [source / _NPZ_NAME]
    missing = [f"{name}[.gz]" for name, f in found.items() if f is None]
    if missing:
        raise DataError(f"missing file {', '.join(missing)} (need the four IDX files, "
                        f"gzip'd or not, or {_NPZ_NAME})")
    return list(found.values())  # type: ignore[arg-type]


def _read_idx_files(files: list[Path]) -> list[np.ndarray]:
    return [_read_idx(f, magic, shape, MNIST_PAYLOAD_SHA256[name])
            for f, (name, _, magic, shape) in zip(files, _PARTS, strict=True)]


def _read_idx(file: Path, magic: int, shape: tuple[int, ...], sha256: str) -> np.ndarray:
    try:
        if file.suffix == ".gz":
            with gzip.open(file, "rb") as fh:
                raw = fh.read()
        else:
            raw = file.read_bytes()
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise DataError(f"{file.name}: bad gzip data ({exc or type(exc).__name__})") from None
    except OSError as exc:
        raise DataError(f"{file.name}: cannot read ({exc})") from None

    header = 4 + 4 * len(shape)
    if len(raw) < header:
        raise DataError(f"{file.name}: truncated data: {len(raw)} bytes, shorter than the "
                        f"{header}-byte IDX header")
    got_magic = int.from_bytes(raw[:4], "big")
    if got_magic != magic:
        raise DataError(f"{file.name}: bad magic number 0x{got_magic:08x}, expected 0x{magic:08x}")
    dims = tuple(int.from_bytes(raw[i:i + 4], "big") for i in range(4, header, 4))
    if dims[0] != shape[0]:
        raise DataError(f"{file.name}: wrong record count {dims[0]}, expected {shape[0]}")
    if dims[1:] != shape[1:]:
        raise DataError(f"{file.name}: wrong image size {dims[1:]}, expected {shape[1:]}")
    want, have = int(np.prod(shape)), len(raw) - header
    if have < want:
        raise DataError(f"{file.name}: truncated data: header promises {want} payload bytes, "
                        f"file has {have}")
    if have > want:
        raise DataError(f"{file.name}: {have - want} bytes of trailing garbage after the payload")
    # frombuffer over immutable bytes: no copy, and already read-only.
    arr = np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)
    _check_array(file.name, arr, shape, sha256)
    arr.setflags(write=False)
    return arr


def _read_npz(file: Path) -> list[np.ndarray]:
    try:
        with np.load(file, allow_pickle=False) as npz:
            missing = [key for _, key, _, _ in _PARTS if key not in npz.files]
            if missing:
                raise DataError(f"{file.name}: missing array(s) {missing} (has {npz.files})")
            # C order so the hash sees the same bytes as tobytes(); uint8 stays uint8.
            loaded = [np.ascontiguousarray(npz[key]) for _, key, _, _ in _PARTS]
    except DataError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise DataError(f"{file.name}: not a readable .npz ({exc})") from None
    for arr, (name, key, _, shape) in zip(loaded, _PARTS, strict=True):
        _check_array(f"{file.name}[{key}]", arr, shape, MNIST_PAYLOAD_SHA256[name])
        arr.setflags(write=False)
    return loaded


def _check_array(label: str, arr: np.ndarray, shape: tuple[int, ...], sha256: str) -> None:
    if arr.dtype != np.uint8:
        raise DataError(f"{label}: wrong dtype {arr.dtype}, expected uint8")
    if arr.shape != shape:
        raise DataError(f"{label}: wrong shape {arr.shape}, expected {shape}")
    # Same bytes as arr.tobytes() for a C-contiguous array, without the 47 MB copy.
    data = arr.data if arr.flags.c_contiguous else arr.tobytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise DataError(f"{label}: hash mismatch: payload sha256 {digest}, expected {sha256}")
