-- Teammates' task changes among the lines waiting to be applied (new uids only), in journal
-- order: they are applied to this database's open runs of the same plays.
SELECT account_id, detail, kind, body, until_date, left(created_at, 10), author
FROM journal_incoming i
WHERE kind IN ('task_done', 'task_skipped', 'task_snoozed')
  AND uid NOT IN (
      SELECT n.uid FROM journal_incoming n
      JOIN actions a ON a.created_at = n.created_at::TIMESTAMP AND a.uid = n.uid
      WHERE n.kind IN ('task_done', 'task_skipped', 'task_snoozed')
  )
ORDER BY created_at, uid
