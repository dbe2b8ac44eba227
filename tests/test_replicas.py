"""Three real `mcp-ai-hub` processes on one PostgreSQL database, one SIGKILLed mid-run: every job
succeeds exactly once (one submit, one download, one file each), every surviving replica's
subscriber hears of every job, and the fal status polls stay those of a single replica (each poll
advances a fake job one step, so a single replica polls exactly steps x jobs). The acceptance run
at 300 jobs is benchmarks/replicas.py."""

from __future__ import annotations

from tests import pg_server, replica_scenario


def test_three_replicas_one_killed_run_every_job_exactly_once(cloud, workdir):
    url = pg_server.database()
    figures = replica_scenario.run(cloud, url, workdir, replicas=3, jobs=30, kill=True, timeout=60)
    print(figures.line())
    assert figures.succeeded == 30, figures.statuses
    assert (figures.submits, figures.downloads, figures.files) == (30, 30, 30)
    assert figures.taken_over > 0  # the killed replica had jobs in flight
    assert figures.notified_pairs == figures.expected_pairs == 2 * 30
    single = 30 * len(replica_scenario.STEPS)
    assert single <= figures.polls <= 1.1 * single
