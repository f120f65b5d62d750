"""ccc-bot: the Matrix bot that runs the Coop Casual Conference."""

__version__ = "0.1.0"
