-- The journal id of one action, by its local id (an undo names the uid it cancels).
SELECT uid FROM actions WHERE action_id = ?
