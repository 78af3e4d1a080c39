"""Practice sessions without Qt: choosing questions, the question-to-feedback state machine, the summary."""

from tpm_coach.practice.controller import PracticeController
from tpm_coach.practice.events import Action, LiveTextChanged, PhaseChanged, PracticeSnapshot, Problem, ProblemRaised
from tpm_coach.practice.phase import Phase
from tpm_coach.practice.plan import SessionOptions, SessionPlan, build_plan
from tpm_coach.practice.ports import PracticeServices, TaskRunner
from tpm_coach.practice.skills import weakest_skill
from tpm_coach.practice.summary import SessionReport, build_report

__all__ = [
    "Action",
    "LiveTextChanged",
    "Phase",
    "PhaseChanged",
    "PracticeController",
    "PracticeServices",
    "PracticeSnapshot",
    "Problem",
    "ProblemRaised",
    "SessionOptions",
    "SessionPlan",
    "SessionReport",
    "TaskRunner",
    "build_plan",
    "build_report",
    "weakest_skill",
]
