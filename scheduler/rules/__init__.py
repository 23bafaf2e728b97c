"""Hard rules that relate talks to each other, one function per rule, grouped by family."""
