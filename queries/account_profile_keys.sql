-- What a profile matches on (HEALTH.md "Profiles"): each account's segment and plan.
SELECT account_id, segment, plan FROM accounts
