-- The model the console last ran with, so that a change of model can be shown as a diff.
INSERT OR REPLACE INTO retain_meta VALUES ('console_model_toml', ?)
