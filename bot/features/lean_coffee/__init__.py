"""Lean Coffee, live: the topic being discussed in the running session, its timebox, the
vote to go on when it ends, and the extensions a 👍 majority grants."""
