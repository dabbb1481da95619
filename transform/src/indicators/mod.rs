//! The indicators, one module a theme (dbt's marts): each entry holds everything about one
//! table (id, titles, definition, basis, dimensions, unit, sources, the report table it
//! reproduces, where the report's figures sit in it) next to its plan over the
//! [`crate::intermediate`] frames. [`base`] holds the base tables of every family, as data.
//! Adding a report table is one entry here (and its reference CSV in `data/reference/`).

pub mod base;
pub mod enrollment;
pub mod faculty_exchange;
pub mod grants;
pub mod inclusion;
pub mod international;
pub mod mobility;
pub mod network;
pub mod staff;
