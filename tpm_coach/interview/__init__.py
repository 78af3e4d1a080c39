"""Mock interviews without Qt: formats and time boxes, follow-ups that probe what an answer missed, the debrief."""
