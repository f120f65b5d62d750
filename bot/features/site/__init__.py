"""What the public web page and feeds show (served by bot/web, worded by commands/web.py)."""
