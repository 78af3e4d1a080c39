"""The question bank editor: an outline of the bank, a form per record, files and duplication."""
