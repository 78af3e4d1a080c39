"""Coaches in the loop: session packages shared as files, coach reviews, and agreement between coach and app."""
