"""`python -m kconv` runs the command-line interface."""

from kconv.cli import run

if __name__ == "__main__":
    run()
