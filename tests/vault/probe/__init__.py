"""A black-box probe of the vault: a real server, real flows, attacks over HTTP only."""
