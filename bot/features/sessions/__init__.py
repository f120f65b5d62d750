"""Sessions: who hosts, check-ins and attendance, late notes, the automatic close, and the
attendance chart (`chart.py`, drawn in a child process: `python -m bot.features.sessions.chart`)."""
