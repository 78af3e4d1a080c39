"""The Practice page: setup, the question being answered, feedback after each answer, the session summary."""
