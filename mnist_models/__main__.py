"""``python -m mnist_models``: the same as the ``mnist-models`` command."""

import sys

from mnist_models.cli.app import main

sys.exit(main())
