"""What a long-lived project keeps between merges of the project index: module names per
file and folder, and the last merged index with what it was built from. A module of its
own, without the index's code: a run served from the project snapshot names modules and
never merges an index."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from throughlint.index import ProjectIndex


@dataclass
class IndexMemo:
    """The last merged index and what it was built from: a long-lived project (the
    language server) re-lints one buffer against files that did not change, and while
    the buffer's own facts stay the same (an edit inside a function body), the index is
    reused instead of rebuilt."""

    identities: dict[str, tuple[str, str]] = field(default_factory=dict)
    packages: dict[str, str] = field(default_factory=dict)  # folder -> dotted package
    files: frozenset[str] = frozenset()
    shared: tuple[dict[str, set[str]], list[str]] | None = None
    # path -> (facts, their copy with names of shared modules tagged by root), for ``shared``
    renamed: dict[str, tuple[dict, dict]] = field(default_factory=dict)
    key: tuple = ()
    index: ProjectIndex | None = None
    # the other files' facts merged, not finished (``engine._merged``), and their key
    base: ProjectIndex | None = None
    base_key: tuple = ()
    # the base ``index`` was added to, and what of the files added ``engine._shape`` read
    index_base: ProjectIndex | None = None
    shape: tuple = ()
    # the facts the key names by ``id``, kept alive: no other object can take their ids
    held: tuple[dict, ...] = ()

    def forget_modules(self) -> None:
        """Work out module names again (an ``__init__.py`` added or removed); the merged
        index is kept, and reused while the facts it was built from are the same."""
        self.identities.clear()
        self.packages.clear()
        self.shared = None
        self.renamed.clear()
