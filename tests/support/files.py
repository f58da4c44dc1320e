"""Where the tests find the repository's files and the package's shipped measurements."""

from pathlib import Path

from mnist_models import paths

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
#: The MkDocs site's pages (mkdocs.yml at ROOT lists them).
DOCS = ROOT / "docs"
MKDOCS = ROOT / "mkdocs.yml"
#: How the shipped measurements were made: commands and their output.
NOTES = ROOT / "calibration"
SHIPPED = paths.shipped_folder()
GOLDEN = paths.shipped(paths.GOLDENS)
DEVIATIONS = paths.shipped(paths.DEVIATIONS)
GATES = paths.shipped(paths.GATES)
NOISE_FLOORS = paths.shipped(paths.NOISE_FLOORS)
#: Keras' own initial weights per backend, read only by tests/backend.
INITIAL_WEIGHTS = ROOT / "tests" / "support" / "golden" / "initial_weights.json"
