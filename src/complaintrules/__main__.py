"""``python -m complaintrules``: the same as the ``complaintrules`` command."""

import sys

from ._cli import main

sys.exit(main())
