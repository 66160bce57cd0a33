//! `retain`: a terminal console for customer-success managers over an embedded DuckDB.

// The layers, lowest first: a module uses only its own layer and those above it here, never a
// later one (tests/layers.rs holds the code to this).

// Leaves: errors, the data contract, formatting, CSV writing, randomness, text rules, files
// written whole.
pub mod config;
pub mod contract;
pub mod csv;
pub mod error;
pub mod file;
pub mod format;
pub mod rng;
pub mod text;

// The database: open/migrate, the SQL registry, load, actions, the console's reads.
pub mod db;

// The health model, scoring, the scored queue and the one account filter.
pub mod model;

// What is built on scores and data: reports, vendor imports, plays, the sample data.
pub mod import;
pub mod plays;
pub mod report;
pub mod sample;
pub mod sample_data;

// The console: pure state, then rendering, then the worker, bench and terminal loop.
pub mod app;
pub mod ui;

pub mod bench;
pub mod worker;

pub mod tui;

// The command line.
pub mod cli;

pub mod commands;

pub use commands::run;
