"""tpm_coach: rehearse Technical Program Manager interviews aloud and get honest, rubric-based feedback."""

__version__ = "0.1.0"
