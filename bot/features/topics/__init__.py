"""Topics and votes (Lean Coffee), one job per module:

model.py       Topic, its status, and the TopicErrors a request can raise
matching.py    the near-duplicate rule: when two texts are the same topic
index.py       the index of near duplicates, and the search for one
repository.py  the SQL that reads topics: ranking, agenda, history, export
suggest.py     !suggest (the hourly limit, near duplicates held back) and !withdraw
votes.py       votes, and the dot-voting budget
discussed.py   marking topics discussed in a session, and undoing it
seed.py        the seed file of topics discussed before the bot kept records
privacy.py     the topics' part of !mydata and !forgetme
"""

# Registers the topics' part of !mydata and !forgetme whenever the feature is imported.
from bot.features.topics import privacy as privacy
