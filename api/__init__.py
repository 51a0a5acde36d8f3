"""The HTTP face of matcher: a FastAPI app over a persistent pool (``matcher.store``).

Run it with ``matcher serve``; build it in tests with :func:`create_app`.
"""

from api.main import app_from_env, create_app
from api.settings import Settings

__all__ = ["Settings", "app_from_env", "create_app"]
