"""Entry point for ``python -m matcher.generate``."""

from matcher.generate import main

if __name__ == "__main__":
    raise SystemExit(main())
