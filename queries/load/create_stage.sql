CREATE OR REPLACE TEMP TABLE {{stage}} AS {{select}}
