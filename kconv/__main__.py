"""`python -m kconv` runs the command-line interface."""

from kconv.cli import main

if __name__ == "__main__":
    main()
