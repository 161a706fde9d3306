//! API integration tests: one binary, a fresh Herald and database per test.

mod helpers;

mod bad_input;
mod browser_guards;
mod catalog;
mod compatibility;
mod concurrency;
mod config_mode;
mod durability;
mod formats;
mod portal;
mod portal_catalog;
mod schemas;
mod subjects;
mod transport;
mod validate;
mod write_media_types;
