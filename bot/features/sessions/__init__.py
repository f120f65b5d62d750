"""Sessions, one job per module: repository.py (the feature's SQL and row types),
timeline.py (one session, one truth: each session's phase at a minute, the session a
person means, the start window, the automatic close's delay), hosts.py (who may host or
end a session), summary.py, statistics.py, privacy.py (its part of `!mydata` and
`!forgetme`, registered when repository.py is imported), and the attendance chart
(`chart.py`, drawn in a child process: `python -m bot.features.sessions.chart`)."""
