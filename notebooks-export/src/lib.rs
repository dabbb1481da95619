//! hestat-notebooks-export owns the notebooks generated from the catalog, for researchers.
//!
//! Not built yet: reserved by the workspace layout for a later issue. It knows only the
//! catalog and the table files.
