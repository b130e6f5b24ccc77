"""Moderators' decisions. Each checks the moderator's role on the site, changes the comment,
user or discussion (comments through the discussions services), writes the audit log and, for
restrictions, a statement of reasons the author can appeal (DSA Art. 17 and 20)."""
