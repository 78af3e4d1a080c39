"""The Coach page: session packages, grading answers, coach and app side by side, agreement."""
