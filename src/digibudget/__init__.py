"""digibudget: an integrated, traceable overview of Dutch central-government digital spending."""

__version__ = "0.1.0"
