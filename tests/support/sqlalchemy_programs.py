"""Small SQLAlchemy programs that the differential fix tests run in a subprocess: users
and their addresses (``USERS``), and a report that loops over the users a query returns
(``SQLALCHEMY_REPORT``: ``{models}``, a ``{select}`` the module defines or imports, the
loop's ``{query}``) and prints what it read, or the error's class."""

from __future__ import annotations

# the loop's query in the plain case
SCALARS = "session.scalars(select(User))"

USERS = """\
class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    addresses: Mapped[list["Address"]] = relationship()


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
"""

SQLALCHEMY_REPORT = """\
import asyncio

import sqlalchemy
from sqlalchemy import ForeignKey, create_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, raiseload
from sqlalchemy.orm import relationship


{models}

{select}

def report(session):
    out = []
    for user in {query}:
        out.append((user.name, len(user.addresses)))
    return out


engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
with Session(engine) as session:
    session.add(User(id=1, name="u"))
    session.add(Address(user_id=1))
    session.commit()
with Session(engine) as session:
    try:
        print(report(session))
    except sqlalchemy.exc.InvalidRequestError:
        print("InvalidRequestError")
"""
