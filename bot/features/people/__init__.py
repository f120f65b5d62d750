"""People: what the bot keeps about a person (their time zone, their display name), and how to name them."""
