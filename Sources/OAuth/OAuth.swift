// OAuth module.
