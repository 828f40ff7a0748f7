"""People and what they may do: users and their roles (sign-in arrives with the accounts issue)."""
