"""`python -m bot` is the `bot` console script."""

from bot.cli import main

if __name__ == "__main__":
    main()
