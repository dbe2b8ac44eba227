"""Hub jobs: provider-side asynchronous work (video, queued images and audio) that survives client
timeouts and server restarts.

    states    job statuses and phases (no imports)
    backend   the interface a provider's asynchronous API implements (`JobBackend`), the job spec
              a capability hands over, and what a poll reports
    store     job records and the `JobStore` interface, with its SQLite implementation
    pg_store  the PostgreSQL implementation (replicas; change notifications); `stores` picks one
    outputs   saving a finished job's outputs into the media store
    manager   `JobManager`: persist, submit once, poll, save, cancel, resume, share with other processes

Nothing here imports the server layer, the catalog or `Hub`: provider code is reached through the
narrow `ProviderContext` and backends named by their stored `ref`. The server's composition root
(`mcp_ai_hub.server.app`) builds the store and the manager. This `__init__` imports nothing, so a
provider module importing `jobs.backend` does not load the manager.
"""
