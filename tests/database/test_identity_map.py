"""An identity map of an active-record layer (``semantic/cache_aside.py``): a classmethod
returns the object from a class-level mapping and only on a miss runs the query, then puts
the object into that mapping (``try: return cls.by_fbid[fbid]`` / ``except KeyError: pass``,
``puppet._add_to_cache()``). The query runs once per key for the life of the process, not
once per call: a loop calling the lookup is no N+1. Source text after mautrix-facebook 0.5.1
(``puppet.py``, ``portal.py``, ``user.py``: the new13 output audit, rows 1, 8, 15, 19, 24, 28).

Still reported: the database layer's own lookup in a loop, a mapping that is read but never
filled (a registry filled elsewhere, a lookup table), and ``cls`` that is only a parameter
of a plain function (not the class)."""

from __future__ import annotations

from pathlib import Path

import pytest

from expectations import check_project

CODES = ("TL101", "TL102")

DB_PUPPET = """
    from __future__ import annotations

    from typing import TYPE_CHECKING, ClassVar

    from asyncpg import Record
    from attr import dataclass

    from mautrix.util.async_db import Database

    fake_db = Database.create("") if TYPE_CHECKING else None


    @dataclass
    class Puppet:
        db: ClassVar[Database] = fake_db

        fbid: int
        name: str | None

        columns: ClassVar[str] = "fbid, name"

        @classmethod
        def _from_row(cls, row: Record | None) -> Puppet | None:
            if row is None:
                return None
            return cls(**row)

        @classmethod
        async def get_by_fbid(cls, fbid: int) -> Puppet | None:
            q = f"SELECT {cls.columns} FROM puppet WHERE fbid=$1"
            return cls._from_row(await cls.db.fetchrow(q, fbid))

        @classmethod
        async def get_by_name(cls, name: str) -> Puppet | None:
            q = f"SELECT {cls.columns} FROM puppet WHERE name=$1"
            return cls._from_row(await cls.db.fetchrow(q, name))

        async def insert(self) -> None:
            q = "INSERT INTO puppet (fbid, name) VALUES ($1, $2)"
            await self.db.execute(q, self.fbid, self.name)
"""

PUPPET = """
    from __future__ import annotations

    from typing import cast

    from app.db.puppet import Puppet as DBPuppet


    class Puppet(DBPuppet):
        by_fbid: dict[int, Puppet] = {}
        by_name: dict[str, Puppet] = {}

        def _add_to_cache(self) -> None:
            self.by_fbid[self.fbid] = self

        @classmethod
        async def get_by_fbid(cls, fbid: str | int, *, create: bool = True) -> Puppet | None:
            if isinstance(fbid, str):
                fbid = int(fbid)
            try:
                return cls.by_fbid[fbid]
            except KeyError:
                pass

            puppet = cast(cls, await super().get_by_fbid(fbid))
            if puppet:
                puppet._add_to_cache()
                return puppet

            if create:
                puppet = cls(fbid, None)
                await puppet.insert()
                puppet._add_to_cache()
                return puppet

            return None

        @classmethod
        async def get_by_name(cls, name: str) -> Puppet | None:
            if name in cls.by_name:
                return cls.by_name[name]
            puppet = cast(cls, await super().get_by_name(name))
            if puppet is not None:
                cls.by_name[name] = puppet
            return puppet
"""

CASES = {
    "identity-map-lookup-runs-once-per-key": """
        from app.puppet import Puppet

        async def on_presence(evt) -> None:
            for update in evt.updates:
                puppet = await Puppet.get_by_fbid(update.user_id, create=False)
                if puppet:
                    print(puppet.name)

        async def mentions(user_ids) -> list:
            return [await Puppet.get_by_fbid(fbid) for fbid in user_ids]
        """,
    "in-test-and-subscript-fill-runs-once-per-key": """
        from app.puppet import Puppet

        async def by_names(names) -> None:
            for name in names:
                await Puppet.get_by_name(name)
        """,
    "the-database-layer-lookup-is-per-item": """
        from app.db.puppet import Puppet as DBPuppet

        async def on_presence(evt) -> None:
            for update in evt.updates:
                await DBPuppet.get_by_fbid(update.user_id)  # expect: TL101
        """,
    "a-mapping-read-but-never-filled-is-no-memo": """
        from __future__ import annotations

        from typing import cast

        from app.db.puppet import Puppet as DBPuppet


        class Portal(DBPuppet):
            by_fbid: dict[int, Portal] = {}

            @classmethod
            async def get_by_fbid(cls, fbid: int) -> Portal | None:
                try:
                    return cls.by_fbid[fbid]
                except KeyError:
                    pass
                return cast(cls, await super().get_by_fbid(fbid))


        async def sync(fbids) -> None:
            for fbid in fbids:
                await Portal.get_by_fbid(fbid)  # expect: TL101
        """,
    "cls-as-a-plain-parameter-is-not-the-class": """
        from app.db.puppet import Puppet as DBPuppet


        async def get_by_fbid(cls, fbid):
            try:
                return cls.by_fbid[fbid]
            except KeyError:
                pass
            puppet = await DBPuppet.get_by_fbid(fbid)
            cls.by_fbid[fbid] = puppet
            return puppet


        async def sync(holder, fbids) -> None:
            for fbid in fbids:
                await get_by_fbid(holder, fbid)  # expect: TL101
        """,
}


def _check(run_cli, tmp_path: Path, source: str) -> None:
    files = {"app/db/puppet.py": DB_PUPPET, "app/puppet.py": PUPPET, "app/ops.py": source}
    check_project(run_cli, tmp_path, files, CODES, "--show-all")


@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_identity_map_lookups(run_cli, tmp_path, source):
    _check(run_cli, tmp_path, source)
