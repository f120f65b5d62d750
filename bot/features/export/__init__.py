"""Exports: the topics and attendance reports as CSV, JSON and Markdown (reports.py),
and the attendance rows with each session's status (attendance.py)."""
