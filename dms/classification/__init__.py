"""Classification under UU KIP: the four categories and what each one requires."""
