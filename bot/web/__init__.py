"""The read-only HTTP adapter (`[web]`): the calendar feed, the public page, JSON documents."""
