"""mnist_models.data.mnist: the packaged copy is MNIST, sources resolve in order, damage is
reported.

Damaged copies are built in tmp_path from the packaged arrays, each with one defect in
train-images, so every error message can be checked for the file name and the problem.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from mnist_models.data import mnist as data
from mnist_models.data.mnist import ENV_VAR, MNIST_PAYLOAD_SHA256, DataError, load_mnist
from tests.support.checks import top_level_imports

# Copied from shared/data/mnist/README.md rather than imported, so a typo in data.py shows.
README_PAYLOAD_SHA256 = {
    "train-images-idx3-ubyte": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "train-labels-idx1-ubyte": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "t10k-images-idx3-ubyte": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "t10k-labels-idx1-ubyte": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}
TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
NAMES = list(README_PAYLOAD_SHA256)  # load_data() order: x_train, y_train, x_test, y_test
IMAGES = "train-images-idx3-ubyte"
HEADER = 16  # magic + 3 dims for an image file


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    # The packaged copy is only the default while the variable is unset.
    monkeypatch.delenv(ENV_VAR, raising=False)


@pytest.fixture(scope="module", autouse=True)
def _drop_tmp_sources_from_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Each tmp copy loaded here would stay cached (~55 MB) for the rest of the session.
    yield
    tmp = str(tmp_path_factory.getbasetemp().resolve())
    for key in [k for k in data._cache if k[0][0].startswith(tmp)]:
        del data._cache[key]


@pytest.fixture(scope="module")
def arrays() -> list[np.ndarray]:
    (x_train, y_train), (x_test, y_test) = load_mnist()
    return [x_train, y_train, x_test, y_test]


def idx_bytes(arr: np.ndarray) -> bytes:
    magic = 0x00000800 | arr.ndim
    header = b"".join(int(v).to_bytes(4, "big") for v in (magic, *arr.shape))
    return header + arr.tobytes()


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory: pytest.TempPathFactory, arrays: list[np.ndarray]) -> Path:
    folder = tmp_path_factory.mktemp("raw")
    for name, arr in zip(NAMES, arrays, strict=True):
        (folder / name).write_bytes(idx_bytes(arr))
    return folder


def damaged(tmp_path: Path, raw_dir: Path, name: str, payload: bytes | None) -> Path:
    """A copy of raw_dir whose file ``name`` holds ``payload`` (None: the file is missing)."""
    folder = tmp_path / "damaged"
    folder.mkdir()
    for other in NAMES:
        if other != name.removesuffix(".gz"):
            (folder / other).symlink_to(raw_dir / other)
    if payload is not None:
        (folder / name).write_bytes(payload)
    return folder


def test_packaged_copy_matches_readme_hashes(arrays: list[np.ndarray]) -> None:
    assert MNIST_PAYLOAD_SHA256 == README_PAYLOAD_SHA256
    for name, arr in zip(NAMES, arrays, strict=True):
        assert hashlib.sha256(arr.tobytes()).hexdigest() == README_PAYLOAD_SHA256[name], name


def test_packaged_copy_matches_known_facts(arrays: list[np.ndarray]) -> None:
    x_train, y_train, _, y_test = arrays
    assert [a.shape for a in arrays] == [(60000, 28, 28), (60000,), (10000, 28, 28), (10000,)]
    assert all(a.dtype == np.uint8 for a in arrays)
    assert np.bincount(y_train, minlength=10).tolist() == TRAIN_COUNTS
    assert np.bincount(y_test, minlength=10).tolist() == TEST_COUNTS
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert x_train.max() == 255 and x_train.min() == 0


def test_arrays_are_read_only(arrays: list[np.ndarray]) -> None:
    for arr in arrays:
        assert not arr.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 1


def test_second_load_is_cached(arrays: list[np.ndarray]) -> None:
    start = time.perf_counter()
    again = load_mnist()
    assert time.perf_counter() - start < 0.1
    assert again[0][0] is arrays[0] and again[1][1] is arrays[3]
    # The packaged folder named explicitly is the same source, so the same cache entry.
    assert load_mnist(data.resolve_source()[0]) is again


def load_flat(path: Path | None = None) -> list[np.ndarray]:
    (x_train, y_train), (x_test, y_test) = load_mnist(path)
    return [x_train, y_train, x_test, y_test]


def assert_same_data(got: list[np.ndarray], want: list[np.ndarray]) -> None:
    for g, w in zip(got, want, strict=True):
        assert g.dtype == np.uint8 and not g.flags.writeable
        np.testing.assert_array_equal(g, w)


def test_raw_idx_folder_loads(raw_dir: Path, arrays: list[np.ndarray]) -> None:
    assert_same_data(load_flat(raw_dir), arrays)


def test_gzipped_idx_folder_loads(tmp_path: Path, arrays: list[np.ndarray]) -> None:
    for name in NAMES:
        shutil.copy(data.resolve_source()[0] / f"{name}.gz", tmp_path)
    got = load_flat(tmp_path)
    assert_same_data(got, arrays)
    assert got[0] is not arrays[0]  # a different source: decoded, not served from the cache


def test_npz_folder_and_file_load(tmp_path: Path, arrays: list[np.ndarray]) -> None:
    np.savez(tmp_path / "mnist.npz", **dict(zip(["x_train", "y_train", "x_test", "y_test"],
                                                arrays, strict=True)))
    assert_same_data(load_flat(tmp_path), arrays)
    assert_same_data(load_flat(tmp_path / "mnist.npz"), arrays)


def test_path_beats_env_and_env_beats_packaged(
    monkeypatch: pytest.MonkeyPatch, raw_dir: Path, arrays: list[np.ndarray], tmp_path: Path
) -> None:
    monkeypatch.setenv(ENV_VAR, str(raw_dir))
    assert data.resolve_source() == (raw_dir.resolve(), "env")
    from_env = load_flat()
    assert from_env[0] is not arrays[0] and from_env[0] is load_flat(raw_dir)[0]
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere"))
    assert load_flat(raw_dir)[0] is from_env[0]  # path= wins, the bad variable is not read
    with pytest.raises(DataError, match=f"{ENV_VAR}=.*nowhere.*no such file"):
        load_mnist()


def test_damaged_env_source_does_not_fall_back(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, raw_dir: Path
) -> None:
    bad = bytearray(idx_bytes(load_flat()[0]))
    bad[HEADER + 1000] ^= 0xFF
    monkeypatch.setenv(ENV_VAR, str(damaged(tmp_path, raw_dir, IMAGES, bytes(bad))))
    with pytest.raises(DataError, match=rf"{ENV_VAR}=.*{IMAGES}: hash mismatch"):
        load_mnist()


def _flip(raw: bytes, at: int) -> bytes:
    out = bytearray(raw)
    out[at] ^= 0x01
    return bytes(out)


def _packaged_gz() -> bytes:
    return (data.resolve_source()[0] / f"{IMAGES}.gz").read_bytes()


# name of the damaged file, how to damage the good bytes, the problem the message must name.
DAMAGE = {
    "truncated": (IMAGES, lambda raw: raw[:-1000], "truncated data"),
    "truncated-header": (IMAGES, lambda raw: raw[:10], "truncated data"),
    "flipped-byte": (IMAGES, lambda raw: _flip(raw, HEADER + 28 * 28 * 777 + 400), "hash mismatch"),
    "bad-magic": (IMAGES, lambda raw: b"\x00\x00\x08\x01" + raw[4:], "bad magic number"),
    "wrong-count": (IMAGES, lambda raw: raw[:4] + (59999).to_bytes(4, "big") + raw[8:],
                    "wrong record count 59999"),
    "wrong-size": (IMAGES, lambda raw: raw[:8] + (27).to_bytes(4, "big") + raw[12:],
                   "wrong image size"),
    "trailing-garbage": (IMAGES, lambda raw: raw + b"\x00" * 7, "7 bytes of trailing garbage"),
    "missing": (IMAGES, None, "missing file"),
    "not-a-gzip": (f"{IMAGES}.gz", lambda raw: raw, "bad gzip"),
    "truncated-gzip": (f"{IMAGES}.gz", lambda raw: _packaged_gz()[:200_000], "bad gzip"),
    "corrupt-gzip": (f"{IMAGES}.gz", lambda raw: _flip(_packaged_gz(), 500_000), "bad gzip"),
    "labels-flipped": ("train-labels-idx1-ubyte", lambda raw: _flip(raw, 8 + 5), "hash mismatch"),
}


@pytest.mark.parametrize("case", list(DAMAGE))
def test_damaged_folder_raises_naming_file_and_problem(
    case: str, tmp_path: Path, raw_dir: Path
) -> None:
    name, damage, problem = DAMAGE[case]
    raw = (raw_dir / name.removesuffix(".gz")).read_bytes()
    folder = damaged(tmp_path, raw_dir, name, None if damage is None else damage(raw))
    with pytest.raises(DataError) as info:
        load_mnist(folder)
    message = str(info.value)
    assert name.removesuffix(".gz") in message and problem in message, message
    assert "train-" in message


def _flip_array(arr: np.ndarray, at: int) -> np.ndarray:
    out = arr.copy()
    out.reshape(-1)[at] ^= 1
    return out


@pytest.mark.parametrize(
    ("key", "change", "problem"),
    [
        ("x_train", lambda a: _flip_array(a, 12345), "hash mismatch"),
        ("x_train", lambda a: a.astype(np.int16), "wrong dtype"),
        ("y_test", lambda a: a[:-1], "wrong shape"),
        ("y_test", None, "missing array"),
    ],
)
def test_damaged_npz_raises(
    tmp_path: Path, arrays: list[np.ndarray], key: str, change, problem: str
) -> None:
    parts = dict(zip(["x_train", "y_train", "x_test", "y_test"], arrays, strict=True))
    if change is None:
        del parts[key]
    else:
        parts[key] = change(parts[key])
    np.savez(tmp_path / "mnist.npz", **parts)
    with pytest.raises(DataError, match=rf"mnist\.npz.*{key}.*{problem}|{problem}.*{key}"):
        load_mnist(tmp_path / "mnist.npz")


def test_unusable_paths_raise(tmp_path: Path) -> None:
    (tmp_path / "junk.npz").write_bytes(b"not a zip file")
    with pytest.raises(DataError, match=r"junk\.npz: not a readable \.npz"):
        load_mnist(tmp_path / "junk.npz")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(DataError, match=r"expected a folder or an \.npz file"):
        load_mnist(tmp_path / "notes.txt")
    with pytest.raises(DataError, match="missing file train-images-idx3-ubyte"):
        load_mnist(tmp_path)  # a folder with neither IDX files nor mnist.npz


def test_verify_mnist(arrays: list[np.ndarray]) -> None:
    data.verify_mnist(((arrays[0], arrays[1]), (arrays[2], arrays[3])))
    changed = arrays[0].copy()
    changed[0, 0, 0] ^= 1
    with pytest.raises(DataError, match=r"x_train.*hash mismatch"):
        data.verify_mnist(((changed, arrays[1]), (arrays[2], arrays[3])))
    assert changed.flags.writeable  # verifying must not freeze the caller's arrays


def test_data_module_needs_only_numpy_and_stdlib() -> None:
    # The data path must run under the JAX and torch backends with no TensorFlow installed.
    imported = top_level_imports(data.__file__)
    assert imported <= {"__future__", "gzip", "hashlib", "importlib", "os", "threading",
                        "zipfile", "zlib", "pathlib", "numpy"}, imported
