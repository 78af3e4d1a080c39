"""The Stories page (the candidate's STAR stories and their coverage) and the story widgets other pages place."""
