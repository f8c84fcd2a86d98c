//! End-to-end tests: run the `priorauth` binary on real inputs and read what it
//! wrote with readers other than our own (DuckDB and pyarrow, from PyPI).

mod analyst;
mod audit_log;
mod bad_input;
mod common;
mod crash;
mod criteria;
mod criteria_library;
mod eval;
mod evidence_fixtures;
mod explain;
mod fax_packet;
mod fhir;
mod first_use;
mod forms_filled;
mod hidden_text;
mod hostile_files;
mod hostile_fs;
mod incremental;
mod isolation;
mod llm;
mod offsets;
mod phi;
mod producer_matrix;
mod purge;
mod realworld;
mod red_flags;
mod review_page;
mod reviews;
mod run_contract;
mod semantic;
mod shard;
mod terminal;
