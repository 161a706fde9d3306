//! HTTP: the Confluent wire API (and, later, the catalog REST API).

pub mod confluent;
pub mod error;
pub mod extract;
pub mod negotiate;
