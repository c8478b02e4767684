"""One construct per concern, assembled by the stacks in a fixed order."""
