"""`python -m digibudget.cli` runs the command line."""

from . import main

main()
