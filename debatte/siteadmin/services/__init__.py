"""The site admins' writes: each validates, changes, and writes one audit entry."""
