"""The candidate's story bank: STAR stories as data, their YAML file, and matching answers and questions to them."""

from tpm_coach.stories.file import encode_stories, load_stories, parse_stories, save_stories
from tpm_coach.stories.matcher import MATCH_THRESHOLD, StoryIndex, StoryMatch, match_story
from tpm_coach.stories.model import STORY_FORMAT_VERSION, Story, StoryFile
from tpm_coach.stories.store import ImportOutcome, StoryStore, stories_path
from tpm_coach.stories.suggest import Suggestion, suggest_stories

__all__ = [
    "MATCH_THRESHOLD",
    "STORY_FORMAT_VERSION",
    "ImportOutcome",
    "Story",
    "StoryFile",
    "StoryIndex",
    "StoryMatch",
    "StoryStore",
    "Suggestion",
    "encode_stories",
    "load_stories",
    "match_story",
    "parse_stories",
    "save_stories",
    "stories_path",
    "suggest_stories",
]
