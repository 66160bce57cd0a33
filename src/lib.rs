//! `retain`: a terminal console for customer-success managers over an embedded DuckDB.

pub mod app;
pub mod bench;
pub mod cli;
pub mod commands;
pub mod db;
pub mod error;
pub mod import;
pub mod model;
pub mod report;
pub mod sample;
pub mod sample_data;
pub mod text;
pub mod tui;
pub mod ui;

pub use commands::run;
