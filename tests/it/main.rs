//! The one integration test crate: the real binary, a fresh temporary folder and database per test.

mod audit;
mod closed;
mod commands;
#[allow(dead_code)] // not every test file uses every helper
mod common;
mod corrections;
mod demo;
mod durability;
mod errors;
mod faults;
mod fuzz;
mod grant;
mod hostile;
mod imports;
mod lang;
mod lives;
mod output;
mod pg_import;
mod postgres;
mod reports;
mod words;
