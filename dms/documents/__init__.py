"""Documents, their versions, and the organisations and users who keep them."""
