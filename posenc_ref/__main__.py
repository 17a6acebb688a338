"""``python -m posenc_ref``: see :mod:`posenc_ref.cli`."""

import sys

from posenc_ref.cli import main

if __name__ == "__main__":
    sys.exit(main())
