"""redis-py against a real redis-server: a command is one round trip, a pipeline one."""

from __future__ import annotations

import pytest


def test_commands_and_pipelines(pytester: pytest.Pytester, redis_port, monkeypatch, report):
    monkeypatch.setenv("THROUGHLINT_TEST_REDIS_PORT", str(redis_port))
    pytester.makepyfile(
        test_redis="""
        import asyncio
        import os

        import pytest
        import redis
        import redis.asyncio

        PORT = int(os.environ["THROUGHLINT_TEST_REDIS_PORT"])

        def test_sync(throughput):
            client = redis.Redis(port=PORT)
            client.ping()
            with throughput.measure() as block:
                client.set("a", 1)
                assert client.get("a") == b"1"
                with client.pipeline() as pipe:
                    for i in range(10):
                        pipe.set(f"k{i}", i)
                    pipe.execute()
                with client.pipeline(transaction=False) as pipe:
                    pipe.execute()  # empty: nothing is sent
            assert (block.commands, block.round_trips, block.queries) == (3, 3, 0)

        def test_async(throughput):
            async def main():
                client = redis.asyncio.Redis(port=PORT)
                with throughput.measure() as block:
                    await client.set("b", 2)
                    async with client.pipeline() as pipe:
                        for i in range(5):
                            pipe.get(f"k{i}")
                        await pipe.execute()
                await client.aclose()
                return block

            block = asyncio.run(main())
            assert block.commands == 2

        @pytest.mark.throughput(max_round_trips=5)
        def test_per_key_gets():
            client = redis.Redis(port=PORT)
            for i in range(10):
                client.get(f"k{i}")
        """
    )
    result = pytester.runpytest("-p", "no:cacheprovider", "--throughput-budget", report.option)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["  round trips: 10 measured, budget 5 (+5, 2.0x the budget)"])
    assert report.test("test_per_key_gets")["commands"] == 10
