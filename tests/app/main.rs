//! API integration tests: one binary, a fresh Herald and database per test.

mod helpers;
mod locked_down;

mod access;
mod access_denials;
mod access_views;
mod audit;
mod bad_input;
mod browser_guards;
mod catalog;
mod compatibility;
mod concurrency;
mod config_mode;
mod connections;
mod durability;
mod formats;
mod id_ranges;
mod portal;
mod portal_catalog;
mod portal_sign_in;
mod protobuf_leniency;
mod schemas;
mod subjects;
mod tls;
mod transport;
mod usage;
mod validate;
mod write_media_types;
