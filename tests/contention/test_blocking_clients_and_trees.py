"""TL404's typing gaps from the tune labels (issue 16): calls on a sync client that a
project factory returns new (``s3 = self._get_boto3_client("s3")``, the index's ``made``
facts), in the coroutine and through its sync helpers, across modules; and whole-file,
tree and archive operations (``shutil``, ``tarfile``, ``zipfile``). Run through the real
CLI."""

from __future__ import annotations

import textwrap

from expectations import findings_here, lines_in, write_files

CLIENTS = """\
import boto3
import redis
import requests


class AwsBase:
    region = "eu-west-1"

    def _get_boto3_client(self, service_name):
        session = boto3.Session(region_name=self.region)
        return session.client(service_name)


def cache_client(url):
    return redis.Redis.from_url(url)


def http_session():
    session = requests.Session()
    return session


def cached_names():
    return ["a", "b"]
"""


def _findings(run_cli, *args: str) -> list[tuple[str, int, str]]:
    return findings_here(run_cli, "--preview", "--select", "TL404", *args)


def test_calls_on_a_client_from_a_project_factory_in_another_module(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/clients.py": CLIENTS,
            "app/ingest.py": """\
                from typing import Final

                from app.clients import AwsBase, cache_client, http_session


                class Ingestion(AwsBase):
                    async def store(self, key, body):
                        s3: Final = self._get_boto3_client("s3")
                        s3.put_object(Bucket="b", Key=key, Body=body)
                        pages = s3.get_paginator("list_objects_v2")
                        cache = cache_client("redis://cache")
                        cache.set(key, 1)
                        pipe = cache.pipeline()
                        http_session().post("https://hooks.example", json={"key": key})
                        return pages, pipe
                """,
        },
    )
    found = _findings(run_cli)
    assert lines_in(found, "app/ingest.py") == [9, 12, 14]
    messages = {line: message for _, line, message in found}
    assert messages[9].startswith(
        "blocking boto3 call `put_object()` on `s3`, a sync client from `_get_boto3_client()`, "
        "in `async def store`"
    )
    assert "redis call `set()`" in messages[12]
    assert "requests session call `post()`" in messages[14]


def test_a_sync_helper_method_that_uses_a_factory_client_blocks_its_coroutine(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/clients.py": CLIENTS,
            "app/ingest.py": """\
                import asyncio

                from app.clients import AwsBase


                class Ingestion(AwsBase):
                    def _create_bucket(self, name):
                        s3 = self._get_boto3_client("s3")
                        s3.create_bucket(Bucket=name)
                        return name

                    def _bucket_name(self, name):
                        return f"kb-{name}"

                    async def ensure_bucket(self, name):
                        bucket = self._create_bucket(self._bucket_name(name))
                        again = await asyncio.to_thread(self._create_bucket, name)
                        return bucket, again

                    def ensure_bucket_sync(self, name):
                        return self._create_bucket(name)
                """,
        },
    )
    found = _findings(run_cli)
    assert lines_in(found, "app/ingest.py") == [16]
    (message,) = [m for _, line, m in found if line == 16]
    assert (
        "blocking call through `self._create_bucket()` -> `create_bucket()` -> a boto3 client "
        "from `_get_boto3_client()` in `async def ensure_bucket`"
    ) in message


def test_factories_that_are_not_new_sync_clients_stay_clean(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/clients.py": CLIENTS
            + textwrap.dedent(
                """

                import redis.asyncio

                _shared = None


                def shared_s3():
                    global _shared
                    if _shared is None:
                        _shared = boto3.client("s3")
                    return _shared


                def async_cache(url):
                    return redis.asyncio.from_url(url)
                """
            ),
            "app/views.py": """\
                from app.clients import async_cache, cached_names, shared_s3


                async def view(key):
                    names = cached_names()
                    names.append(key)
                    cache = async_cache("redis://cache")
                    await cache.set(key, 1)
                    return names
                """,
        },
    )
    assert _findings(run_cli) == []


def test_a_project_class_shadowing_the_factory_result_is_not_a_client(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/fake.py": """\
                class FakeS3:
                    def put_object(self, **kwargs):
                        return kwargs


                def client(service):
                    return FakeS3()
                """,
            "app/views.py": """\
                from app.fake import client


                async def upload(key):
                    return client("s3").put_object(Key=key)
                """,
        },
    )
    assert _findings(run_cli) == []


def test_tree_and_archive_operations_block_directly_and_through_helpers(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/files.py": """\
                import shutil
                import zipfile


                def unpack(archive, target):
                    with zipfile.ZipFile(archive) as bundle:
                        bundle.extractall(target)


                def small_read(path):
                    with open(path) as handle:
                        return handle.read()
                """,
            "app/views.py": """\
                import asyncio
                import shutil
                import tarfile

                from app.files import small_read, unpack


                async def import_project(archive, target):
                    unpack(archive, target)
                    with tarfile.open(archive) as bundle:
                        bundle.extractall(target)
                    shutil.copyfile(archive, target + ".bak")
                    shutil.rmtree(target + ".old")
                    await asyncio.to_thread(shutil.copytree, target, target + ".copy")
                    return small_read(target + "/name.txt")
                """,
        },
    )
    found = _findings(run_cli)
    assert lines_in(found, "app/views.py") == [9, 11, 12, 13]
    messages = {line: message for _, line, message in found}
    assert "`unpack()` -> `bundle.extractall()` (app.files, line 7)" in messages[9]
    assert "blocking `shutil.copyfile()`" in messages[12]


def test_a_project_module_named_like_shutil_is_not_the_stdlib(run_cli, tmp_path):
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/views.py": """\
                class shutil:
                    @staticmethod
                    def rmtree(path):
                        return path


                async def plan(path):
                    return shutil.rmtree(path)
                """,
        },
    )
    assert _findings(run_cli) == []
