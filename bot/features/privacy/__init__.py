"""Privacy: `!mydata` and `!forgetme` run every part registered with bot/core/privacy.py
(how each table's owner collects and erases one person's data, and which columns hold a
user id), the erasure in one transaction."""
