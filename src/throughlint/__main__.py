"""Allow ``python -m throughlint``."""

from throughlint.cli import main

raise SystemExit(main())
