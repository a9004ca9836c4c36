"""Where async callers of the core (the VAPI views, the LiveKit agent) run its sync database work: a
small shared pool of threads.

Under ASGI, channels' `database_sync_to_async` is thread-sensitive: each request gets a thread (and so a
database connection) of its own, started for that request. At hundreds of concurrent calls that is
hundreds of threads and connections, and a thread start per request on the event loop. These calls
need no thread affinity (each is a complete unit of work: it opens its transaction and, through
`close_old_connections`, hands its connection back to the pool), so they share a bounded executor: at
most DB_THREADS connections in use by these callers at once, the rest wait their turn.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from channels.db import database_sync_to_async

# Below the default connection pool size (DB_POOL_MAX_SIZE=20), leaving connections for other requests.
DB_THREADS = 16

_executor = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="conversation-db")


def db_call(func):
    """`func` as an awaitable running in the shared database threads (closing connections around it)."""
    return database_sync_to_async(func, thread_sensitive=False, executor=_executor)
