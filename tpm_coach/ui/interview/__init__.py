"""The Interview page: a mock interview with a clock per round, spoken questions and follow-ups, and the debrief."""
