"""SQLModel (FastAPI's ORM): ``session.exec(select(Hero).where(...))`` runs its statement
as a session's ``execute`` does, a ``class Hero(SQLModel, table=True)`` is a mapped class
(without ``table=True`` it is a plain data model), and ``Relationship()`` is a lazy
relationship unless ``sa_relationship_kwargs`` says otherwise; its target comes from the
annotation (``list["Hero"]``, ``Optional[Team]``, ``Team | None``). Near misses: one
statement for all items, an eager load, a data model without a table, a relationship
loaded with ``selectin``, and the user's own ``Session``, ``SQLModel`` and
``Relationship``. Run through the real CLI."""

from __future__ import annotations

from tests.support.cli_projects import (
    app_findings,
)

MODELS = """\
from typing import Optional

from sqlmodel import Field, Relationship, SQLModel


class Team(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    heroes: list["Hero"] = Relationship(back_populates="team")


class Hero(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str
    team_id: Optional[int] = Field(default=None, foreign_key="team.id")
    team: Optional[Team] = Relationship(back_populates="heroes")
    mentor: "Mentor | None" = Relationship(sa_relationship_kwargs={"lazy": "selectin"})
    rival: "Hero | None" = Relationship()
    squad: Team | None = Relationship()


class Mentor(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str


class HeroPublic(SQLModel):
    id: int
    name: str
    team: Optional[Team] = None
"""

CRUD = """\
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from app.models import Hero, HeroPublic


def rename_each(engine, names):
    with Session(engine) as session:
        for name in names:
            hero = session.exec(select(Hero).where(Hero.name == name)).first()
            print(hero)


def rename_at_once(engine, names):
    with Session(engine) as session:
        heroes = session.exec(select(Hero).where(Hero.name.in_(names))).all()
        for hero in heroes:
            print(hero.name)


def team_names(session: Session):
    heroes = session.exec(select(Hero)).all()
    return [hero.team.name for hero in heroes]


def squad_names(session: Session):
    heroes = session.exec(select(Hero)).all()
    return [hero.squad.name for hero in heroes]


def team_names_loaded(session: Session):
    heroes = session.exec(select(Hero).options(selectinload(Hero.team))).all()
    return [hero.team.name for hero in heroes]


def mentor_names(session: Session):
    heroes = session.exec(select(Hero)).all()
    return [hero.mentor.name for hero in heroes]


def rival_names(session: Session):
    heroes = session.exec(select(Hero)).all()
    return [hero.rival.name for hero in heroes]


def public_teams(rows: list[HeroPublic]):
    return [row.team.name for row in rows]
"""

OWN = """\
class SQLModel:
    pass


def Relationship(**options):
    return None


class Session:
    def exec(self, command):
        return command


class Crew(SQLModel, table=True):
    leader: "Crew | None" = Relationship()


def run_each(commands):
    session = Session()
    for command in commands:
        session.exec(command.strip())


def leaders(crews: list[Crew]):
    return [crew.leader.name for crew in crews]
"""


def _lint(tmp_path, name: str, source: str) -> dict[str, dict]:
    return app_findings(tmp_path, MODELS, name, source)


def test_exec_and_relationships(tmp_path):
    found = _lint(tmp_path, "crud", CRUD)
    assert found["rename_each"]["code"] == "TL101"
    assert "`session.exec()` runs a query" in found["rename_each"]["message"]
    assert "rename_at_once" not in found
    assert found["team_names"]["code"] == "TL101"
    assert "`hero.team` lazy-loads" in found["team_names"]["message"]
    assert found["squad_names"]["code"] == "TL101"  # ``Team | None``
    assert found["rival_names"]["code"] == "TL101"  # ``"Hero | None"``
    assert "team_names_loaded" not in found
    assert "mentor_names" not in found  # ``lazy: selectin``
    assert "public_teams" not in found  # a data model: no table, no lazy load


def test_own_classes_of_those_names(tmp_path):
    found = _lint(tmp_path, "own", OWN)
    assert found == {}
