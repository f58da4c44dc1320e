"""The ``mnist-models`` command line, asv style: :mod:`~mnist_models.cli.app` runs a command,
:mod:`~mnist_models.cli.parser` collects them, :mod:`~mnist_models.cli.common_args` holds the
arguments they share, and each command module beside them registers itself with
``register(sub)``. The entry point is ``mnist_models.cli.app:main``."""
