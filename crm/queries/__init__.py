"""Read-side queries shared by several areas (lists, exports, the dashboard, data
protection). Each returns a select() for the shared pager or plain data; none writes.
Blueprints call these; these never import a blueprint."""
