"""``python -m complaintrules``: the same as the ``complaintrules`` command."""

import sys

from .cli.main import main

sys.exit(main())
