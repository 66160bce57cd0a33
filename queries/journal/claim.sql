-- The actions just published are this machine's.
UPDATE actions SET machine = ? WHERE machine IS NULL
