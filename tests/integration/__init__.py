"""Tests against a real Synapse (slow; they start one). Besides the whole bot end to end,
they are where bot/devtools/ is tested: demo.py by test_demo.py and localsynapse.py by
test_localsynapse.py, as both need a homeserver (tests/test_layout.py lists them)."""
