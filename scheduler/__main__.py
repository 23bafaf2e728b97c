"""`python -m scheduler` runs the confsched command line."""

from .cli import main

main()
