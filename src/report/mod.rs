pub mod accounts;
pub mod backtest;
pub mod export;
pub mod model_diff;
pub mod review;
pub mod review_format;
pub mod table;
