"""Running the rules over one case, a policy or an organisation; deadlines due."""
