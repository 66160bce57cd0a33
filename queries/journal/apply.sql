-- Apply the lines waiting in journal_incoming (each uid once there: the reader drops repeats):
-- those already applied (a line read twice, or the same line in a copied file) change nothing.
-- They are found by an inner join on (created_at, uid): the incoming lines are the join's build
-- side, and the scan of actions skips every block of other moments, so a read of 100 new lines
-- stays fast beside a million old ones.
INSERT INTO actions (account_id, kind, detail, body, until_date, reasons, author, contact,
                     created_at, uid, machine, undoes_uid)
SELECT account_id, kind, detail, body, until_date::DATE, reasons, author, contact,
       created_at::TIMESTAMP, uid, machine, undoes_uid
FROM journal_incoming
WHERE uid NOT IN (
    SELECT n.uid FROM journal_incoming n
    JOIN actions a ON a.created_at = n.created_at::TIMESTAMP AND a.uid = n.uid
);
DELETE FROM journal_incoming;
