"""The TL403 fix on a real RabbitMQ node: a pika consumer that acks each message against
the same consumer after ``--fix --unsafe-fixes --preview`` (a cumulative ack every N
messages), consuming ``--messages`` messages, median of ``--rounds``.

    python bench/ack_every.py [--messages 10000] [--rounds 3]

The node is started from the Debian package the same way as the test fixture
(``tests/support/servers.py``); the consumer and the runner are the differential test's
(``tests/fixes/test_ack_every_behaviour.py``).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fix_support import fix_source  # noqa: E402
from support.servers import rabbitmq_server  # noqa: E402

from throughlint.settings import Settings  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    path = ROOT / "tests" / "fixes" / "test_ack_every_behaviour.py"
    spec = importlib.util.spec_from_file_location("ack_every_test", path)
    test = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(test)
    fixed = fix_source(test.CONSUMER, unsafe=True, settings=Settings(preview=True)).fixed
    folder = Path(tempfile.mkdtemp())
    runs: dict[str, list[dict]] = {"per message": [], "every N": []}
    with rabbitmq_server() as url:
        for _ in range(args.rounds):
            for name, source in (("per message", test.CONSUMER), ("every N", fixed)):
                runs[name].append(test._run(folder, url, source, args.messages))
    rates = {}
    for name, results in runs.items():
        seconds = statistics.median(result["seconds"] for result in results)
        rates[name] = args.messages / seconds
        print(
            f"{name:12} {rates[name]:9,.0f} messages/s  acks {results[0]['acks']:,}  "
            f"left unacked {results[0]['left']}"
        )
    print(f"after / before: {rates['every N'] / rates['per message']:.1f}x")


if __name__ == "__main__":
    main()
