-- Apply the lines waiting in journal_incoming: each uid once (a line read twice, or the same line
-- in a copied file, changes nothing), in (created_at, uid) order so the local sequence follows
-- the journal's. An undo also gets the local id of the action it names, where that is known.
INSERT INTO actions (account_id, kind, detail, body, until_date, reasons, author, contact,
                     created_at, uid, machine, undoes_uid)
SELECT account_id, kind, detail, body, until_date, reasons, author, contact,
       created_at, uid, machine, undoes_uid
FROM (
    SELECT * FROM journal_incoming
    QUALIFY row_number() OVER (PARTITION BY uid ORDER BY created_at) = 1
) i
WHERE NOT EXISTS (SELECT 1 FROM actions a WHERE a.uid = i.uid)
ORDER BY created_at, uid;
UPDATE actions SET undoes = t.action_id
FROM actions t
WHERE actions.undoes_uid = t.uid AND actions.undoes IS NULL AND actions.kind = 'undo';
DELETE FROM journal_incoming;
