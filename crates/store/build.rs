//! Migrations are embedded at compile time; a new migration directory must rebuild the crate
//! (diesel's `embed_migrations!` only tracks the files it already saw).
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
