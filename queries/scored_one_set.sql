-- Which account scored_account.sql scores, as of which date and cutoff ($1 = t, $2 = the cutoff
-- for console actions, $3 = account_id): a variable of the connection.
SET VARIABLE scored_one = {'t': $1::DATE, 'cutoff': $2::TIMESTAMP, 'account_id': $3::VARCHAR}
