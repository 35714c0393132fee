"""Who may do what where: users, roles, site scope, authentication and the audit trail."""
