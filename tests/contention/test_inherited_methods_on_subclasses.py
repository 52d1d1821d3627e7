"""A method a class inherits runs, on that class's instance, its own overrides of what the
inherited method calls on ``self`` (``Summaries.value`` with a receiver): privacyidea's
``EntraIDResolver`` inherits ``HTTPResolver``'s user conversion, whose
``self.get_user_groups()`` makes an HTTP request in the base and reads ``memberOf`` in
the override. Its user list made no request per user, though a TL401 said so (the new5
output audit's misread)."""

from __future__ import annotations

from support.cli_projects import findings_by_function, lint_json, write_project

RESOLVERS = """\
import requests


class HTTPResolver:
    def get_user_groups(self, user):
        return requests.get("https://idp.example/groups/" + user["id"], timeout=5).json()

    def to_user(self, user):
        return {"name": user["name"], "groups": self.get_user_groups(user)}

    def convert(self, user):
        return self.to_user(user)


class EntraIDResolver(HTTPResolver):
    def get_user_groups(self, user):
        return [group["displayName"] for group in user.get("memberOf", [])]


class KeycloakResolver(HTTPResolver):
    def get_user_groups(self, user):
        return requests.get("https://kc.example/groups/" + user["id"], timeout=5).json()


class PlainHTTPResolver(HTTPResolver):
    pass
"""

JOBS = """\
from app.resolvers import EntraIDResolver, HTTPResolver, KeycloakResolver, PlainHTTPResolver


def entra_users(users):
    resolver = EntraIDResolver()
    return [resolver.to_user(user) for user in users]


def entra_users_two_calls_down(users):
    resolver = EntraIDResolver()
    return [resolver.convert(user) for user in users]


def keycloak_users(users):
    resolver = KeycloakResolver()
    return [resolver.to_user(user) for user in users]


def plain_users(users):
    resolver = PlainHTTPResolver()
    return [resolver.to_user(user) for user in users]


def base_users(users):
    resolver = HTTPResolver()
    return [resolver.to_user(user) for user in users]
"""


def test_an_inherited_method_runs_the_subclass_s_overrides(run_cli, tmp_path):
    root = write_project(
        tmp_path,
        {"app/__init__.py": "", "app/resolvers.py": RESOLVERS, "app/jobs.py": JOBS},
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL401")
    found = findings_by_function(report, JOBS, "jobs.py")
    assert sorted(found) == ["base_users", "keycloak_users", "plain_users"]
    # the witness is the request of the method that runs, not always the base's
    requests = [n for n, line in enumerate(RESOLVERS.splitlines(), 1) if "requests.get" in line]
    assert f"(app.resolvers, line {requests[1]})" in found["keycloak_users"]["message"]
    assert f"(app.resolvers, line {requests[0]})" in found["plain_users"]["message"]


EXPLICIT = """\
import requests

GROUPS = {}


def cached_groups(user):
    return GROUPS.get(user, [])


class Resolver:
    def groups(self, user):
        return cached_groups(user)

    def to_user(self, user):
        plain = Resolver()
        return plain.groups(user)

    def sync(self, item, remote=False):
        if remote:
            requests.post("https://api.example.com/items", json=item, timeout=3)
        return item


class HttpResolver(Resolver):
    def groups(self, user):
        return requests.get("https://idp.example.com/groups", params={"u": user}).json()


def convert(users):
    resolver = HttpResolver()
    return [resolver.to_user(user) for user in users]


def sync_locally(items):
    resolver = HttpResolver()
    return [resolver.sync(item, remote=False) for item in items]


def sync_remotely(items):
    resolver = HttpResolver()
    return [resolver.sync(item, remote=True) for item in items]
"""


def test_only_calls_on_self_run_the_subclass_s_overrides(run_cli, tmp_path):
    """``Resolver().groups()`` inside ``Resolver`` is a new base instance's, not ``self``'s
    (adversarial bug3); and the literal arguments of a call of an inherited method still
    rule its branches out (``remote=False``: adversarial bug2)."""
    root = write_project(tmp_path, {"app/__init__.py": "", "app/jobs.py": EXPLICIT})
    report = lint_json(run_cli, root, "--show-all", "--select", "TL401")
    found = findings_by_function(report, EXPLICIT, "jobs.py")
    assert sorted(found) == ["sync_remotely"]


MIXIN = """\
class LoggerMixin:
    def log_hook(self, level, msg):
        return None

    def log_debug(self, msg):
        self.log_hook("DEBUG", msg)

    def log_info(self, msg):
        self.log_hook("INFO", msg)

    def notify(self, msg):
        self.send("EMAIL", msg)

    def send(self, channel, msg):
        return None
"""

COMPONENT = """\
from django.core.cache import cache

from app.mixins import LoggerMixin


class Component(LoggerMixin):
    def store_log(self, msg):
        cache.set("task-log", msg)

    def log_hook(self, level, msg):
        if level != "DEBUG":
            self.store_log(msg)

    def send(self, channel, msg):
        cache.set(channel, msg)


class LoggerMixinUser(LoggerMixin):
    pass


def debug_lines(component: Component, lines):
    for line in lines:
        component.log_debug(line)


def info_lines(component: Component, lines):
    for line in lines:
        component.log_info(line)


def notify_lines(component: Component, lines):
    for line in lines:
        component.notify(line)


def plain_lines(user: LoggerMixinUser, lines):
    for line in lines:
        user.log_info(line)
        user.notify(line)
"""


def test_literal_arguments_decide_the_receiver_s_override(run_cli, tmp_path):
    """weblate's ``log_debug`` (in a mixin) calls ``self.log_hook("DEBUG", ...)``, whose
    override in ``Component`` stores the log in the cache only ``if level != "DEBUG"``: a
    loop of debug lines makes no cache call (the first output audit's misread, twice).
    ``log_info`` does; an override with no guard does whatever the literals; and a class
    that overrides nothing runs the mixin's no-ops, not a sibling class's overrides of
    them (the no-ops stand in for overrides only below the receiver's class)."""
    root = write_project(
        tmp_path,
        {"app/__init__.py": "", "app/mixins.py": MIXIN, "app/component.py": COMPONENT},
    )
    report = lint_json(run_cli, root, "--show-all", "--select", "TL401")
    found = findings_by_function(report, COMPONENT, "component.py")
    assert sorted(found) == ["info_lines", "notify_lines"]
    assert "`log_hook()` -> `store_log()`" in found["info_lines"]["message"]
