"""The team acceptance run: replicas of `mcp-ai-hub` on one PostgreSQL database (a throwaway
cluster, as the tests start it) and the fal fake. First one replica runs the jobs alone (the
baseline of provider status polls), then --replicas replicas run them with one SIGKILLed once 40%
of the expected polls are made. Prints both runs' figures and the poll ratio (target: at most 1.1).

    .venv/bin/python benchmarks/replicas.py [--jobs 300] [--replicas 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import pg_server, replica_scenario
from tests.fakes import FakeCloud


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=300)
    parser.add_argument("--replicas", type=int, default=3)
    args = parser.parse_args()
    reason = pg_server.missing()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 2
    cloud = FakeCloud().start()
    try:
        runs = []
        for replicas, kill in ((1, False), (args.replicas, True)):
            with tempfile.TemporaryDirectory(prefix="ai-hub-replicas-") as tmp:
                workdir = Path(tmp)
                figures = replica_scenario.run(
                    cloud,
                    pg_server.database(),
                    workdir,
                    replicas=replicas,
                    jobs=args.jobs,
                    kill=kill,
                    timeout=600,
                )
                print(figures.line(), flush=True)
                runs.append(figures)
    finally:
        cloud.stop()
    single, many = runs
    ok = (
        many.succeeded == many.jobs
        and many.submits == many.downloads == many.files == many.jobs
        and many.notified_pairs == many.expected_pairs
        and many.polls <= 1.1 * single.polls
    )
    print(
        f"status polls: {many.polls} with {many.replicas} replicas (one killed) vs {single.polls} with one: "
        f"{many.polls / single.polls:.3f}x; acceptance {'met' if ok else 'NOT met'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
