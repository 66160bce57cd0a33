pub mod csv;
pub mod export;
pub mod review;
pub mod review_format;
pub mod table;
