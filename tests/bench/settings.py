"""Settings of the benchmark server: the demo's, with DEBUG off and a streaming app."""

from chatsite.settings import *  # noqa: F403

DEBUG = False  # DEBUG keeps every query in memory: a long benchmark would measure that
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
CHATSESSIONS = {
    "APPS": {
        "default": "chatsite.chat.counter",
        "stream": "tests.bench.stream_app",
    },
    "MAX_PENDING_MESSAGES": 50,
    # The long chat sends 10,000 messages as fast as one socket can: far past a person's
    # budget (the flood scenario sets its own client against the default).
    "INBOUND_BYTES_PER_WINDOW": int(os.environ.get("BENCH_INBOUND_BYTES", str(64 * 1024 * 1024))),  # noqa: F405
    "INBOUND_FRAMES_PER_WINDOW": int(os.environ.get("BENCH_INBOUND_FRAMES", "1000000")),  # noqa: F405
    "WRITE_DELAY_SECONDS": float(os.environ.get("BENCH_WRITE_DELAY", "0.1")),  # noqa: F405
}
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
