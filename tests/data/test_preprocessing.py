"""Property tests for mnist_models.data.preprocessing, and mutation tests for the properties.

Each property is a plain ``check_*`` function that raises AssertionError. The hypothesis tests
run them against the real steps; the mutation tests run them against deliberately wrong steps
(divide by 256, pad by 1, a transposed flatten, ...) on a fixed batch and require them to fail,
so a property too weak to notice a plausible bug fails the suite.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mnist_models.data import preprocessing as pp
from tests.support.checks import top_level_imports

Fn = Callable[..., np.ndarray]
SIDE = 28


def images(min_n: int = 0, max_n: int = 8, dtype: type = np.uint8) -> st.SearchStrategy:
    return hnp.arrays(dtype, st.tuples(st.integers(min_n, max_n), st.just(SIDE), st.just(SIDE)))


def labels(max_n: int = 8) -> st.SearchStrategy:
    dtypes = st.sampled_from([np.uint8, np.int32, np.int64])
    return dtypes.flatmap(lambda dt: hnp.arrays(dt, st.integers(0, max_n),
                                                elements=st.integers(0, 9)))


# -- the properties ------------------------------------------------------------------------

def check_scale(fn: Fn, x: np.ndarray) -> None:
    out = fn(x)
    assert out.dtype == np.float32, out.dtype
    assert out.shape == x.shape
    assert np.all((out >= 0) & (out <= 1))
    order = np.argsort(x, axis=None, kind="stable")
    xs, outs = x.ravel()[order].astype(np.int64), out.ravel()[order]
    # Monotone, and strictly so: distinct pixel values stay distinct.
    assert np.array_equal(np.diff(outs) > 0, np.diff(xs) > 0)
    np.testing.assert_array_equal(np.rint(out * 255).astype(np.uint8), x)


def check_add_channel(fn: Fn, x: np.ndarray) -> None:
    out = fn(x)
    assert out.shape == (*x.shape, 1) and out.dtype == x.dtype
    np.testing.assert_array_equal(out[..., 0], x)


def check_flatten(fn: Fn, x: np.ndarray) -> None:
    out = fn(x)
    n = x.shape[0]
    assert out.shape == (n, SIDE * SIDE) and out.dtype == x.dtype
    images_2d = x[..., 0] if x.ndim == 4 else x
    # Pixel k of a flat row is row k // 28, column k % 28 of the image (row-major order) ...
    rows, cols = np.divmod(np.arange(SIDE * SIDE), SIDE)
    np.testing.assert_array_equal(out, images_2d[:, rows, cols])
    # ... so reshaping back inverts it.
    np.testing.assert_array_equal(out.reshape(x.shape), x)


def check_pad(fn: Fn, x: np.ndarray, pixels: int = 2) -> None:
    out = fn(x)
    side = SIDE + 2 * pixels
    assert out.shape == (x.shape[0], side, side, *x.shape[3:]) and out.dtype == x.dtype
    centre = (slice(None), slice(pixels, pixels + SIDE), slice(pixels, pixels + SIDE))
    np.testing.assert_array_equal(out[centre], x)
    border = np.ones(out.shape, dtype=bool)
    border[centre] = False
    assert not np.any(out[border]), "non-zero border"


def check_one_hot(fn: Fn, y: np.ndarray) -> None:
    out = fn(y)
    assert out.shape == (len(y), 10) and out.dtype == np.float32
    assert set(np.unique(out).tolist()) <= {0.0, 1.0}
    np.testing.assert_array_equal(out.sum(axis=1), np.ones(len(y)))
    np.testing.assert_array_equal(out.argmax(axis=1), y)


def keras_split_at(n: int, fraction: float) -> int:
    # keras/src/trainers/data_adapters/array_slicing.py, train_validation_split().
    return math.floor(n * (1.0 - fraction))


def check_validation_split(fn: Fn, n: int, fraction: float) -> None:
    # Distinct values: an index for x, a paired offset index for y.
    x, y = np.arange(n), np.arange(n) + 1000
    split_at = n if fraction == 0 else keras_split_at(n, fraction)
    if split_at in (0, n) and fraction > 0:
        try:
            fn(x, y, fraction)
        except ValueError:
            return
        raise AssertionError(f"n={n}, fraction={fraction}: expected ValueError (Keras raises)")
    (x_fit, y_fit), (x_val, y_val) = fn(x, y, fraction)
    assert len(x_fit) + len(x_val) == n and len(y_fit) + len(y_val) == n
    assert len(x_fit) == split_at, (len(x_fit), split_at)
    assert not set(x_fit.tolist()) & set(x_val.tolist())
    # Unshuffled, validation last, pairs kept.
    np.testing.assert_array_equal(np.concatenate([x_fit, x_val]), x)
    np.testing.assert_array_equal(np.concatenate([y_fit, y_val]), y)


# -- the real steps have the properties ------------------------------------------------------

@given(images())
def test_scale_properties(x: np.ndarray) -> None:
    check_scale(pp.scale, x)


@given(hnp.arrays(np.uint8, hnp.array_shapes(min_dims=1, max_dims=4, max_side=6)))
def test_scale_takes_any_rank(x: np.ndarray) -> None:
    check_scale(pp.scale, x)


@given(images(), st.booleans())
def test_add_channel_properties(x: np.ndarray, as_float: bool) -> None:
    check_add_channel(pp.add_channel, pp.scale(x) if as_float else x)


@given(images(), st.booleans(), st.booleans())
def test_flatten_properties(x: np.ndarray, with_channel: bool, as_float: bool) -> None:
    x = pp.scale(x) if as_float else x
    check_flatten(pp.flatten, x[..., np.newaxis] if with_channel else x)


@given(images(), st.booleans(), st.integers(0, 4))
def test_pad_properties(x: np.ndarray, with_channel: bool, pixels: int) -> None:
    x = x[..., np.newaxis] if with_channel else x
    check_pad(lambda a: pp.pad(a, pixels), x, pixels)
    check_pad(pp.pad, pp.scale(x))  # default 2, float32 kept


@given(labels())
def test_one_hot_properties(y: np.ndarray) -> None:
    check_one_hot(pp.one_hot, y)


@given(labels())
def test_sparse_keeps_values_as_int32(y: np.ndarray) -> None:
    out = pp.sparse(y)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, y)


@given(st.integers(0, 50), st.floats(0, 1, exclude_max=True)
       | st.sampled_from([0.0, 0.1, 0.2, 0.25, 0.5, 0.9]))
def test_validation_split_properties(n: int, fraction: float) -> None:
    check_validation_split(pp.validation_split, n, fraction)


def _keras_train_validation_split() -> Callable:
    # Keras moved the function between releases (Keras 2.15: engine.data_adapter).
    for module in ("keras.src.trainers.data_adapters.array_slicing",
                   "keras.src.trainers.data_adapters.data_adapter_utils",
                   "keras.src.engine.data_adapter"):
        try:
            found = getattr(importlib.import_module(module), "train_validation_split", None)
        except ImportError:
            continue
        if found is not None:
            return found
    pytest.fail("keras' train_validation_split moved again: add its module above")


@settings(max_examples=30)
@given(st.integers(1, 40), st.floats(0, 1, exclude_min=True, exclude_max=True))
def test_validation_split_matches_keras_itself(n: int, fraction: float) -> None:
    keras_split = _keras_train_validation_split()
    x, y = np.arange(n), np.arange(n) + 1000
    try:
        (kx_fit, _), (kx_val, _) = keras_split((x, y), validation_split=fraction)
    except ValueError:
        with pytest.raises(ValueError, match="validation_split"):
            pp.validation_split(x, y, fraction)
        return
    (x_fit, _), (x_val, _) = pp.validation_split(x, y, fraction)
    np.testing.assert_array_equal(x_fit, np.asarray(kx_fit))
    np.testing.assert_array_equal(x_val, np.asarray(kx_val))


@given(images())
def test_to_float32_keeps_values_unscaled(x: np.ndarray) -> None:
    out = pp.to_float32(x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, x)


def test_label_encodings_by_name() -> None:
    y = np.array([3, 0, 9], dtype=np.uint8)
    np.testing.assert_array_equal(pp.preprocess_labels(y, "one_hot"), pp.one_hot(y))
    assert pp.preprocess_labels(y, "sparse").tolist() == [3, 0, 9]
    assert set(pp.IMAGE_STEPS) == {"scale", "add_channel", "flatten", "pad", "to_float32"}
    assert set(pp.LABEL_ENCODINGS) == {"one_hot", "sparse"}


# -- malformed inputs raise the promised errors -----------------------------------------------

U8 = np.zeros((2, SIDE, SIDE), np.uint8)
LABELS = np.array([0, 9])

MALFORMED: dict[str, tuple[Callable[[], object], str]] = {
    "scale-float": (lambda: pp.scale(U8.astype(np.float32)),
                    "scale: expected dtype uint8, got float32"),
    "scale-rank0": (lambda: pp.scale(np.uint8(3)), "scale: expected rank >= 1, got rank 0"),
    "add_channel-rank4": (lambda: pp.add_channel(U8[..., None]),
                          r"add_channel: expected rank 3 .*got rank 4"),
    "add_channel-side": (lambda: pp.add_channel(U8[:, :27]),
                         "add_channel: expected 28x28 or 32x32 images, got 27x28"),
    "add_channel-int64": (lambda: pp.add_channel(U8.astype(np.int64)),
                          "add_channel: expected dtype uint8 or float32, got int64"),
    "flatten-rank2": (lambda: pp.flatten(U8[0]), "flatten: expected rank 3 or 4 .*got rank 2"),
    "flatten-side": (lambda: pp.flatten(np.zeros((2, 32, 32), np.uint8)),
                     "flatten: expected 28x28 images, got 32x32"),
    "flatten-channels": (lambda: pp.flatten(np.zeros((2, SIDE, SIDE, 3), np.uint8)),
                         "flatten: expected 1 channel, got 3"),
    "flatten-float64": (lambda: pp.flatten(U8 / 255),
                        "flatten: expected dtype uint8 or float32, got float64"),
    "pad-rank5": (lambda: pp.pad(U8[..., None, None]), r"pad: expected rank 3 or 4 .*got rank 5"),
    "pad-side": (lambda: pp.pad(np.zeros((2, 32, 32, 1), np.uint8)),
                 "pad: expected 28x28 images, got 32x32"),
    "pad-pixels": (lambda: pp.pad(U8, -1), "pad: expected pixels an int >= 0, got -1"),
    "one_hot-10": (lambda: pp.one_hot(np.array([1, 10])),
                   r"one_hot: expected labels in 0\.\.9, got 10"),
    "one_hot--1": (lambda: pp.one_hot(np.array([-1, 3])), r"expected labels in 0\.\.9, got -1"),
    "one_hot-float": (lambda: pp.one_hot(LABELS.astype(np.float32)),
                      "one_hot: expected an integer dtype, got float32"),
    "sparse-10": (lambda: pp.sparse(np.array([10], np.int32)),
                  r"sparse: expected labels in 0\.\.9, got 10"),
    "sparse-rank2": (lambda: pp.sparse(LABELS[:, None]), r"sparse: expected rank 1 \(N,\)"),
    "split-1": (lambda: pp.validation_split(U8, LABELS, 1.0), r"expected fraction in \[0, 1\)"),
    "split-neg": (lambda: pp.validation_split(U8, LABELS, -0.1), r"fraction in \[0, 1\), got -0.1"),
    "split-nan": (lambda: pp.validation_split(U8, LABELS, math.nan), r"fraction in \[0, 1\)"),
    "split-lengths": (lambda: pp.validation_split(U8, LABELS[:1], 0.5), "same number of samples"),
    "split-too-few": (lambda: pp.validation_split(U8, LABELS, 0.6), "cannot be split"),
    "unknown-step": (lambda: pp.preprocess_images(U8, ["scale", "normalise"]),
                     r"unknown step 'normalise', expected one of \['add_channel', 'flatten', "
                     r"'pad', 'scale', 'to_float32'\]"),
    "unknown-encoding": (lambda: pp.preprocess_labels(LABELS, "onehot"),
                         r"unknown encoding 'onehot', expected one of \['one_hot', 'sparse'\]"),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_input_raises(case: str) -> None:
    call, message = MALFORMED[case]
    with pytest.raises(ValueError, match=message):
        call()


def test_steps_given_as_one_string_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="sequence of step names"):
        pp.preprocess_images(U8, "scale")


@given(labels(max_n=6), st.integers(10, 300) | st.integers(-300, -1), st.data())
def test_any_out_of_range_label_raises(y: np.ndarray, bad: int, data: st.DataObject) -> None:
    y = y.astype(np.int64)
    y = np.insert(y, data.draw(st.integers(0, len(y))), bad)
    for encode in (pp.one_hot, pp.sparse):
        with pytest.raises(ValueError, match=rf"expected labels in 0\.\.9, got {bad}"):
            encode(y)


@given(images(max_n=2, dtype=np.float32) | images(max_n=2, dtype=np.int16))
def test_scale_rejects_any_non_uint8(x: np.ndarray) -> None:
    with pytest.raises(ValueError, match=f"scale: expected dtype uint8, got {x.dtype}"):
        pp.scale(x)


# -- mutation tests: the checks catch wrong preprocessing --------------------------------------

# Not symmetric (pixel (r, c) is 28 r + c, mod 256, offset per image) so a transpose shows, and
# it holds 0 and 255 so a wrong divisor shows.
EXAMPLE = (np.arange(3 * SIDE * SIDE) % 256).astype(np.uint8).reshape(3, SIDE, SIDE)
EXAMPLE_LABELS = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 5, 0], dtype=np.uint8)


def _split_by_round(x, y, f):
    k = round(len(x) * (1 - f))
    return (x[:k], y[:k]), (x[k:], y[k:])


def _split_validation_first(x, y, f):
    k = len(x) - math.floor(len(x) * (1 - f))
    return (x[k:], y[k:]), (x[:k], y[:k])


def _split_shuffled(x, y, f):
    k = math.floor(len(x) * (1 - f))
    order = np.random.default_rng(0).permutation(len(x))
    return (x[order][:k], y[order][:k]), (x[order][k:], y[order][k:])


MUTANTS: dict[str, tuple[Callable[[Fn], None], Fn]] = {
    "scale-divide-by-256": (lambda fn: check_scale(fn, EXAMPLE),
                            lambda x: x.astype(np.float32) / np.float32(256)),
    "scale-float64": (lambda fn: check_scale(fn, EXAMPLE), lambda x: x / 255),
    "scale-not-scaled": (lambda fn: check_scale(fn, EXAMPLE), lambda x: x.astype(np.float32)),
    "pad-1-pixel": (lambda fn: check_pad(fn, EXAMPLE),
                    lambda x: np.pad(x, ((0, 0), (1, 1), (1, 1)))),
    "pad-off-centre": (lambda fn: check_pad(fn, EXAMPLE),
                       lambda x: np.pad(x, ((0, 0), (0, 4), (0, 4)))),
    "pad-border-255": (lambda fn: check_pad(fn, EXAMPLE),
                       lambda x: np.pad(x, ((0, 0), (2, 2), (2, 2)), constant_values=255)),
    "flatten-transposed": (lambda fn: check_flatten(fn, EXAMPLE),
                           lambda x: x.transpose(0, 2, 1).reshape(len(x), SIDE * SIDE)),
    "flatten-fortran": (lambda fn: check_flatten(fn, EXAMPLE),
                        lambda x: x.reshape(len(x), SIDE * SIDE, order="F")),
    "add_channel-first": (lambda fn: check_add_channel(fn, EXAMPLE), lambda x: x[:, np.newaxis]),
    "add_channel-transposed": (lambda fn: check_add_channel(fn, EXAMPLE),
                               lambda x: x.transpose(0, 2, 1)[..., np.newaxis]),
    "one_hot-shifted": (lambda fn: check_one_hot(fn, EXAMPLE_LABELS),
                        lambda y: np.eye(10, dtype=np.float32)[(y + 1) % 10]),
    "one_hot-float64": (lambda fn: check_one_hot(fn, EXAMPLE_LABELS), lambda y: np.eye(10)[y]),
    "split-round": (lambda fn: check_validation_split(fn, 10, 0.25), _split_by_round),
    "split-validation-first": (lambda fn: check_validation_split(fn, 10, 0.3),
                               _split_validation_first),
    "split-shuffled": (lambda fn: check_validation_split(fn, 10, 0.3), _split_shuffled),
}
REAL = {"scale": pp.scale, "pad": pp.pad, "flatten": pp.flatten, "add_channel": pp.add_channel,
        "one_hot": pp.one_hot, "split": pp.validation_split}


@pytest.mark.parametrize("mutant", list(MUTANTS))
def test_checks_catch_mutant(mutant: str) -> None:
    check, wrong = MUTANTS[mutant]
    check(REAL[mutant.split("-")[0]])  # the same check passes on the real step ...
    with pytest.raises(AssertionError):
        check(wrong)  # ... and fails on the mutant


def test_preprocessing_module_needs_only_numpy_and_stdlib() -> None:
    # The data path must run under the JAX and torch backends with no TensorFlow installed.
    imported = top_level_imports(pp.__file__)
    assert imported <= {"__future__", "collections", "math", "numbers", "numpy"}, imported
