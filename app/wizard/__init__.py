"""The box-design wizard: a list of step objects, one form per step, drafts in the database."""
