"""Models from other installed packages: the entry-point group ``mnist_models.zoo``.

The example package (tests/plugin_example, keras-io's "Simple MNIST convnet") is installed for
a test by a dist-info folder on ``sys.path`` (tests/plugins.py), read by the real
importlib.metadata. A broken plugin must fail loudly, naming itself: a model silently left out
would be a model silently unchecked.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

from mnist_models.cli.app import main
from mnist_models.gates import calibration as gate_calibration
from mnist_models.gates.gate import threshold_from
from mnist_models.spec import Citation
from mnist_models.zoo import registry
from tests.support import checks, plugins

BROKEN = {
    "a table that does not add up": (
        "import dataclasses\nfrom simple_convnet_zoo import SIMPLE_CONVNET\n"
        "SPECS = (dataclasses.replace(SIMPLE_CONVNET, name='wide', total_params=34827, "
        "trainable_params=34827),)\n",
        "model plugin 'broken' (broken_zoo:SPECS, from mnist-models-broken 0.1.0) failed to "
        "load: ValueError: wide: layer table params do not add up to the total"),
    "a name the zoo has": (
        "from mnist_models.zoo.families.lenet import LENET5\nSPECS = (LENET5,)\n",
        "model 'lenet5' from model plugin 'broken' (broken_zoo:SPECS, from mnist-models-broken "
        "0.1.0) is already registered by mnist_models.zoo.families.lenet"),
    "an import error": (
        "import a_dependency_nobody_installed\n",
        "model plugin 'broken' (broken_zoo:SPECS, from mnist-models-broken 0.1.0) failed to "
        "load: ModuleNotFoundError: No module named 'a_dependency_nobody_installed'"),
    "something other than specs": (
        "SPECS = ('lenet5',)\n",
        "model plugin 'broken' (broken_zoo:SPECS, from mnist-models-broken 0.1.0): expected a "
        "sequence of ModelSpec"),
}


@pytest.fixture
def install(tmp_path, monkeypatch):
    """``install(source)``: a plugin module ``broken_zoo`` with ``source``, or the example."""

    def install_(source: str | None = None) -> None:
        site, src = tmp_path / "site", tmp_path / "src"
        src.mkdir()
        if source is None:
            plugins.write_dist_info(site, "mnist-models-simple-convnet",
                                    plugins.EXAMPLE_ENTRY_POINTS)
        else:
            (src / "broken_zoo.py").write_text(source)
            plugins.write_dist_info(site, "mnist-models-broken", {"broken": "broken_zoo:SPECS"})
        for folder in (plugins.EXAMPLE_SOURCE, src, site):
            monkeypatch.syspath_prepend(str(folder))
        registry._registry.cache_clear()

    yield install_
    registry._registry.cache_clear()
    plugins.forget_modules("broken_zoo", "simple_convnet_zoo")


def test_an_installed_plugins_model_is_registered_beside_the_zoo(install):
    zoo = registry.builtin_models()
    install()
    assert registry.list_models() == sorted([*zoo, "simple_convnet"])
    assert "simple_convnet" not in zoo
    spec = registry.get_spec("simple_convnet")
    assert spec.document.where == "https://keras.io/examples/vision/mnist_convnet/"
    assert str(spec.document) == "keras-io"


def test_the_example_builds_the_table_keras_io_prints(install):
    install()
    spec = registry.get_spec("simple_convnet")
    checks.check_matches_document(registry.build(spec, seed=0), spec)
    assert spec.total_params == 34826


def test_the_example_gate_reads_the_calibration_in_its_own_package(install):
    install()
    gate = registry.get_spec("simple_convnet").gate
    assert gate.calibration == plugins.EXAMPLE_SOURCE / "simple_convnet_zoo" / "measurements"
    stored = gate_calibration.read(gate_calibration.file_for(gate.calibration, "tensorflow"))
    accuracies = stored["simple_convnet"].accuracies
    assert len(accuracies) >= 10
    assert gate_calibration.threshold_for(gate, "tensorflow") == threshold_from(accuracies)
    assert stored["simple_convnet"].provenance["command"] == \
        "mnist-models calibrate simple_convnet"


def test_a_source_is_a_seed_document_or_a_citation_of_its_own():
    spec = registry.get_spec("mlp_100")
    assert (spec.document.label, spec.document.where) == ("002", "shared/seeds/002_*.txt")
    with pytest.raises(ValueError, match="mlp_100: unknown seed document '005'"):
        dataclasses.replace(spec, document="005")
    with pytest.raises(ValueError, match="needs a label and a title"):
        Citation("paper", " ")
    cited = dataclasses.replace(spec, document=Citation("LeCun98", "Gradient-based learning",
                                                        "doi:10.1109/5.726791"))
    assert str(cited.document) == "LeCun98"


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_plugin_fails_naming_itself(install, case):
    source, message = BROKEN[case]
    install(source)
    with pytest.raises(registry.PluginError) as error:
        registry.list_models()
    assert str(error.value).startswith(message)


def test_a_broken_plugin_is_one_line_and_exit_2_on_the_command_line(install, capsys):
    source, message = BROKEN["an import error"]
    install(source)
    for argv in (["list"], ["train", "lenet5"], ["check"]):
        # Met while the parser lists the models in its help, before any command runs.
        assert main(argv) == 2
        assert capsys.readouterr().err == f"mnist-models: error: {message}\n"


def _run(env, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *argv], env=env, cwd=plugins.ROOT, text=True,
                          capture_output=True, timeout=600)


@pytest.mark.training
def test_an_installed_plugin_is_listed_trained_checked_and_benchmarked(tmp_path):
    """What a user of the example package sees: the CLI and pytest cover its model (trained by
    its gate test below; `mnist-models train` takes a name through the same registry)."""
    env = plugins.example_environment(tmp_path / "site")
    listed = _run(env, "-m", "mnist_models", "list", "--json")
    assert "simple_convnet" in [row["model"] for row in json.loads(listed.stdout)]
    # Every registry-generated check of the model, the gate's training included.
    checked = _run(env, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-k", "simple_convnet",
                   "tests/zoo/test_models.py", "tests/fingerprints/test_fingerprints.py",
                   "tests/gates/test_gates.py")
    assert checked.returncode == 0, checked.stdout[-3000:]
    for test in ("test_models.py::test_layer_table_matches_document[simple_convnet]",
                 "test_fingerprints.py::test_fingerprint_matches_its_golden[simple_convnet]",
                 "test_gates.py::test_model_trains_to_its_gate[simple_convnet]"):
        assert f"{test} PASSED" in checked.stdout, checked.stdout[-3000:]
    bench = tmp_path / "bench.json"
    measured = _run(env, "-m", "pytest", "-q", "-p", "no:cacheprovider", "benchmarks",
                    "--benchmark-only", "--benchmark-save-data", f"--benchmark-json={bench}",
                    "-k", "simple_convnet or (infer and mlp_25_25)")
    assert measured.returncode == 0, measured.stdout[-3000:]
    # The run measured a few of the baseline's benchmarks: the rest are allowed to be missing.
    compared = _run(env, "-m", "mnist_models", "bench-compare", "--allow-missing",
                    "benchmarks/baselines/bench-tf221.json", str(bench))
    assert compared.returncode in (0, 1), compared.stderr  # 1: mlp_25_25 slower under load
    new = ", ".join(f"benchmarks/test_throughput.py::{name}" for name in (
        "test_infer[simple_convnet-1024]", "test_infer[simple_convnet-1]",
        "test_train[simple_convnet]"))
    assert f"no baseline for 3 benchmark(s), not compared: {new}\n" in compared.stdout
