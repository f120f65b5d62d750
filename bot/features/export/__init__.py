"""Exports: the topics and attendance reports as CSV, JSON and Markdown."""
