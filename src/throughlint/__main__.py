"""Allow ``python -m throughlint``.

``python -m`` puts the current folder first on ``sys.path``; the folder being linted must
never shadow a module throughlint imports (a user's ``queue.py`` or ``ast.py``), so it is
taken off before anything else is imported.
"""

import os
import sys

if sys.path and sys.path[0] in ("", os.getcwd()) and not sys.flags.safe_path:
    del sys.path[0]

from throughlint.cli import main

raise SystemExit(main())
