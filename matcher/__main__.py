"""Allow ``python -m matcher``."""

from matcher.cli import main

if __name__ == "__main__":
    main()
