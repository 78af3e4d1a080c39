"""The feedback on one scored answer: scores per criterion, evidence in the transcript, delivery, comparison."""
