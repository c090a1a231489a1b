// MCP module.
